package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// SARIF 2.1.0 output (`--format sarif`): one run of the tool "secretsweep", one
// reporting descriptor per distinct rule among the records, one result per record.
// The types below are the subset of the OASIS schema we write, with fields in the
// order they are encoded so the output is deterministic.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// SARIFFingerprintKey names Record.Fingerprint in result.partialFingerprints.
	SARIFFingerprintKey = "secretsweep/v1"
	// SARIFSrcRoot is the uriBaseId of every artifact location: paths are
	// relative to the scanned root.
	SARIFSrcRoot = "%SRCROOT%"
	toolName     = "secretsweep"
	toolURI      = "https://github.com/secretsweep/secretsweep"
)

// Suppression kinds, as SARIF names them.
const (
	SuppressionExternal = "external" // e.g. an ignore file or a baseline
	SuppressionInSource = "inSource" // e.g. an inline marker next to the secret
)

// Suppression says that a finding was suppressed, how, and why. A suppressed
// result stays in the SARIF log with a suppressions entry, so code scanning shows
// it as dismissed rather than forgetting it.
type Suppression struct {
	// Kind is SuppressionExternal or SuppressionInSource; empty means external.
	Kind string `json:"kind"`
	// Justification is free text, e.g. "listed in .secretsweepignore"; optional.
	Justification string `json:"justification,omitempty"`
}

// SARIFOptions carries what the SARIF log says beyond the records. The zero value
// is valid: no tool version, nothing suppressed.
type SARIFOptions struct {
	// ToolVersion is the secretsweep version. It becomes tool.driver.version, and
	// also semanticVersion when it is a semantic version (a leading "v" dropped).
	ToolVersion string
	// Suppressed maps a Record.Fingerprint to its suppression.
	Suppressed map[string]Suppression
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules,omitempty"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifMessage      `json:"shortDescription"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags []string `json:"tags,omitempty"`
	// GitHub code scanning reads it as a string, for rules tagged "security".
	SecuritySeverity string `json:"security-severity,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          *sarifResultProps  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

// sarifRegion: lines are inclusive, endColumn is exclusive (one past the last
// column of the region).
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResultProps struct {
	Commit  string   `json:"commit,omitempty"`
	Author  string   `json:"author,omitempty"`
	Email   string   `json:"email,omitempty"`
	Date    string   `json:"date,omitempty"`
	InHead  *bool    `json:"in_head,omitempty"`
	Blob    string   `json:"blob,omitempty"`
	Entropy float64  `json:"entropy,omitempty"`
	Decoded bool     `json:"decoded,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

// sarifLevels maps a severity to the SARIF level and to the GitHub
// security-severity score (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low
// below 4.0).
var sarifLevels = map[string]struct{ level, score string }{
	"critical": {"error", "9.5"},
	"high":     {"error", "8.0"},
	"medium":   {"warning", "5.5"},
	"low":      {"note", "3.0"},
	"info":     {"note", "1.0"},
}

// sarifLevel is the SARIF level of a severity; an unknown severity is a warning.
func sarifLevel(severity string) string {
	if l, ok := sarifLevels[severity]; ok {
		return l.level
	}
	return "warning"
}

// WriteSARIF writes records as a SARIF 2.1.0 log: 2-space indented, with a
// trailing newline, the same bytes for the same input. The records are reported
// in the order given (Write's callers pass them sorted); rules are sorted by id.
func WriteSARIF(w io.Writer, rs []Record, opts SARIFOptions) error {
	log, err := buildSARIF(rs, opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func buildSARIF(rs []Record, opts SARIFOptions) (*sarifLog, error) {
	driver := sarifDriver{Name: toolName, InformationURI: toolURI, Version: opts.ToolVersion}
	if v := strings.TrimPrefix(opts.ToolVersion, "v"); semverRE.MatchString(v) {
		driver.SemanticVersion = v
	}

	// One rule per distinct rule id, described by its first record; tags are the
	// union over its records, plus "security" so code scanning reads the
	// security-severity.
	byID := map[string]*sarifRule{}
	for _, r := range rs {
		rule := byID[r.Rule]
		if rule == nil {
			rule = &sarifRule{
				ID:                   r.Rule,
				Name:                 ruleName(r.Rule),
				ShortDescription:     sarifMessage{Text: cmp.Or(r.Description, r.Rule)},
				DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
				Properties:           sarifRuleProperty{SecuritySeverity: sarifLevels[r.Severity].score},
			}
			byID[r.Rule] = rule
		}
		for _, t := range r.Tags {
			if !slices.Contains(rule.Properties.Tags, t) {
				rule.Properties.Tags = append(rule.Properties.Tags, t)
			}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		rule := byID[id]
		if !slices.Contains(rule.Properties.Tags, "security") {
			rule.Properties.Tags = append(rule.Properties.Tags, "security")
		}
		driver.Rules = append(driver.Rules, *rule)
		index[id] = i
	}

	results := make([]sarifResult, 0, len(rs))
	for _, r := range rs {
		res := sarifResult{
			RuleID:    r.Rule,
			RuleIndex: index[r.Rule],
			Level:     sarifLevel(r.Severity),
			Message:   sarifMessage{Text: resultMessage(r)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: sarifURI(r.Path), URIBaseID: SARIFSrcRoot},
				Region:           sarifRegionOf(r),
			}}},
		}
		if r.Fingerprint != "" {
			res.PartialFingerprints = map[string]string{SARIFFingerprintKey: r.Fingerprint}
			if s, ok := opts.Suppressed[r.Fingerprint]; ok {
				kind := cmp.Or(s.Kind, SuppressionExternal)
				if kind != SuppressionExternal && kind != SuppressionInSource {
					return nil, fmt.Errorf("sarif: suppression of %s has kind %q (want %q or %q)", r.Fingerprint, s.Kind, SuppressionExternal, SuppressionInSource)
				}
				res.Suppressions = []sarifSuppression{{Kind: kind, Justification: s.Justification}}
			}
		}
		p := sarifResultProps{
			Commit: r.Commit, Author: r.Author, Email: r.Email, Date: r.Date, InHead: r.InHead,
			Blob: r.Blob, Entropy: r.Entropy, Decoded: r.Decoded, Tags: uniqueTags(r.Tags),
		}
		if p.Commit != "" || p.Author != "" || p.Email != "" || p.Date != "" || p.InHead != nil ||
			p.Blob != "" || p.Entropy != 0 || p.Decoded || len(p.Tags) > 0 {
			res.Properties = &p
		}
		results = append(results, res)
	}

	return &sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}},
	}, nil
}

// uniqueTags drops repeated tags, keeping the first of each: SARIF property bags
// require unique tags.
func uniqueTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// resultMessage is the description and the secret as the record gives it
// (redacted unless the user asked to see it), nothing else of the secret.
func resultMessage(r Record) string {
	return cmp.Or(r.Description, r.Rule) + " (" + r.Secret + ")"
}

// sarifRegionOf converts the record's span: lines and start column carry over,
// the inclusive end column becomes SARIF's exclusive one. Unknown (zero)
// positions are left out; a record without a line has no region.
func sarifRegionOf(r Record) *sarifRegion {
	if r.Line < 1 {
		return nil
	}
	reg := &sarifRegion{StartLine: r.Line}
	if r.Column >= 1 {
		reg.StartColumn = r.Column
	}
	if r.EndLine >= r.Line {
		reg.EndLine = r.EndLine
	}
	if r.EndColumn >= 1 && reg.StartColumn >= 1 && (reg.EndLine > r.Line || r.EndColumn >= r.Column) {
		reg.EndColumn = r.EndColumn + 1
	}
	return reg
}

// sarifURI turns a relative slash-separated path into a relative URI reference:
// every byte except the unreserved characters, '/', and the sub-delimiters and
// '@' allowed in a path segment is percent-encoded (UTF-8, upper-case hex). ':'
// is always encoded, so a first segment like "c:x" cannot read as a scheme.
func sarifURI(path string) string {
	const keep = "-._~/!$&'()*+,;=@"
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// ruleName is the rule id in PascalCase ("aws-access-key-id" → "AwsAccessKeyId"),
// the form SARIF viewers expect of reportingDescriptor.name.
func ruleName(id string) string {
	var b strings.Builder
	upper := true
	for _, c := range id {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			upper = true
			continue
		}
		if upper {
			c = unicode.ToUpper(c)
			upper = false
		}
		b.WriteRune(c)
	}
	if b.Len() == 0 {
		return id
	}
	return b.String()
}

// semverRE is the Semantic Versioning 2.0.0 grammar (semver.org).
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
