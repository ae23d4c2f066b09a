// Package report turns findings into the formats people and programs read: text
// grouped by file, JSON and JSON Lines (the contract in DESIGN.md). It also owns
// the two things every report must get right: fingerprints, and redaction of the
// secret unless the user asked to see it.
//
// Only reporters write findings; detectors and scanners never print. Writers are
// not safe for concurrent use.
package report

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Record is one finding as reported: the JSON contract of DESIGN.md.
type Record struct {
	Rule        string   `json:"rule"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"`
	Path        string   `json:"path"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	EndLine     int      `json:"end_line"`
	EndColumn   int      `json:"end_column"`
	Secret      string   `json:"secret"`
	Fingerprint string   `json:"fingerprint"`
	Entropy     float64  `json:"entropy"`
	Blob        string   `json:"blob"`
	Tags        []string `json:"tags"`
	Decoded     bool     `json:"decoded,omitempty"`
	// Git provenance, for history scans.
	Commit string `json:"commit,omitempty"`
	Author string `json:"author,omitempty"`
	Email  string `json:"email,omitempty"`
	Date   string `json:"date,omitempty"`
	InHead *bool  `json:"in_head,omitempty"`
	// Suppression is set, with --show-suppressed, on a finding that an
	// allowlist, inline marker, ignore entry or baseline entry silenced.
	Suppression *Suppression `json:"suppression,omitempty"`
	// ShardOrder is set only in the output of a sharded history scan
	// (--shard K/N): the position of Commit in the oldest-first topological
	// order, which 'secretsweep merge' needs to pick the introducing commit
	// among shards. merge removes it.
	ShardOrder *int `json:"shard_order,omitempty"`
}

// Fingerprint is the finding's identity: HMAC-SHA256 over rule and secret, keyed,
// in hex. It does not change when the line moves, the secret is redacted in the
// report, or the scan runs on another machine or clone, and it is not a plain hash
// of the secret that a dictionary could reverse.
func Fingerprint(key []byte, rule, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(rule))
	m.Write([]byte{0})
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// Redact hides a secret for a report: at most a short prefix stays (a quarter of
// the secret, no more than four bytes, none for a secret under eight bytes), and
// the length is not shown.
func Redact(secret string) string {
	keep := min(len(secret)/4, 4)
	if len(secret) < 8 {
		keep = 0
	}
	// Do not cut a multi-byte character in half.
	for keep > 0 && keep < len(secret) && secret[keep]&0xC0 == 0x80 {
		keep--
	}
	return secret[:keep] + "*****"
}

// Sort orders records deterministically: path, line, column, rule, then commit.
func Sort(rs []Record) {
	slices.SortStableFunc(rs, func(a, b Record) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Commit, b.Commit),
			cmp.Compare(a.Fingerprint, b.Fingerprint),
		)
	})
}

// RoundEntropy keeps three decimals, so reports are stable across platforms.
func RoundEntropy(h float64) float64 { return math.Round(h*1000) / 1000 }

// Formats names the supported output formats.
var Formats = []string{"text", "json", "jsonl", "sarif", "github"}

// Write writes records in the named format. Text output uses colour when color is
// true.
func Write(w io.Writer, format string, rs []Record, color bool) error {
	switch format {
	case "json":
		return writeJSON(w, rs)
	case "jsonl":
		return writeJSONL(w, rs)
	case "text":
		return writeText(w, rs, color)
	case "sarif":
		return WriteSARIF(w, rs, SARIFOptions{})
	case "github":
		return writeGitHub(w, rs)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func writeJSON(w io.Writer, rs []Record) error {
	if rs == nil {
		rs = []Record{}
	}
	b, err := json.MarshalIndent(normalize(rs), "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

func writeJSONL(w io.Writer, rs []Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range normalize(rs) {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// normalize makes empty tag lists encode as [] rather than null.
func normalize(rs []Record) []Record {
	for i := range rs {
		if rs[i].Tags == nil {
			rs[i].Tags = []string{}
		}
	}
	return rs
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// printable escapes control characters and invalid UTF-8 in text meant for a
// terminal (paths, author names from an untrusted repository), so that they
// cannot fake report lines or send escape sequences.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

func writeText(w io.Writer, rs []Record, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for i, r := range rs {
		if i == 0 || rs[i-1].Path != r.Path {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(paint(ansiBold, printable(r.Path)))
			b.WriteByte('\n')
		}
		sev := r.Severity
		switch sev {
		case "critical", "high":
			sev = paint(ansiRed, sev)
		case "medium":
			sev = paint(ansiYellow, sev)
		}
		fmt.Fprintf(&b, "  %s  %s  %s  %s\n", paint(ansiCyan, fmt.Sprintf("%d:%d", r.Line, r.Column)), sev, r.Rule, r.Secret)
		fmt.Fprintf(&b, "      %s", r.Description)
		if r.Decoded {
			b.WriteString(" (decoded)")
		}
		if r.Suppression != nil {
			fmt.Fprintf(&b, " (suppressed: %s)", r.Suppression.Justification)
		}
		b.WriteByte('\n')
		if r.Commit != "" {
			head := "removed from HEAD"
			if r.InHead != nil && *r.InHead {
				head = "still in HEAD"
			}
			fmt.Fprintf(&b, "      %s\n", paint(ansiDim, fmt.Sprintf("commit %s by %s <%s> on %s, %s", r.Commit[:min(12, len(r.Commit))], printable(r.Author), printable(r.Email), r.Date, head)))
		}
		fmt.Fprintf(&b, "      %s\n", paint(ansiDim, "fingerprint "+r.Fingerprint[:min(16, len(r.Fingerprint))]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
