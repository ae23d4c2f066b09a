package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/sarif")

const sarifTestdata = "../testdata/sarif"

var testKey = []byte("secretsweep-test-key")

// rec builds a record as the scanner would: fingerprint over the full secret,
// report over the redacted one.
func rec(rule, sev, desc, path string, line, col, endLine, endCol int, secret string, tags ...string) Record {
	return Record{
		Rule: rule, Description: desc, Severity: sev, Path: path,
		Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
		Secret: Redact(secret), Fingerprint: Fingerprint(testKey, rule, secret),
		Entropy: 3.5, Blob: "afb8bf47fdeb930b6b54e46c257e24769777e33d", Tags: tags,
	}
}

// dirRecords: several rules (one repeated), odd paths, a multi-line key, a
// decoded finding, an unknown severity.
func dirRecords() []Record {
	rs := []Record{
		rec("aws-access-key-id", "high", "AWS access key ID", "app/settings.py", 2, 12, 2, 31, "AKIAZ3MSJV4WWNKWW5FG", "aws", "cloud", "key"),
		rec("generic-password", "medium", "Hard-coded password", "app/settings.py", 7, 16, 7, 27, "Tq7vWm2p#Lx9", "password"),
		rec("github-pat", "critical", "GitHub personal access token", "config/dir with space/naïve ünïcode.env", 1, 14, 1, 53, "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI", "github", "token"),
		rec("private-key", "critical", "Private key", "deploy/keys/id_rsa", 1, 1, 27, 29, "-----BEGIN RSA PRIVATE KEY-----\nMIIE", "key", "private-key"),
		rec("slack-webhook", "low", "Slack webhook URL", "notebooks/a:b,c%d#e?.ipynb", 40, 9, 40, 88, "https://hooks.slack.com/services/T000/B000/XXXX"),
		rec("aws-access-key-id", "high", "AWS access key ID", "tests/fixtures.py", 3, 5, 3, 24, "AKIAQWERTYUIOPASDFGH", "aws", "iam"),
		rec("high-entropy-string", "info", "High-entropy string", "zz/ünïcödé/日本語.py", 5, 1, 5, 40, "q8Zr1LmN0pXv7sKt2YwB4cHj6DfG9aEu3TiO5RyW"),
		rec("custom-rule", "unheard-of", "A rule with a severity no one mapped", "x.txt", 1, 1, 1, 10, "0123456789"),
	}
	rs[4].Decoded = true
	rs[6].Tags = []string{"entropy", "generic", "entropy"} // repeated tags must not break the schema
	Sort(rs)
	return rs
}

// historyRecords: provenance, in and out of HEAD, and what to suppress.
func historyRecords() ([]Record, map[string]Suppression) {
	yes, no := true, false
	a := rec("aws-access-key-id", "high", "AWS access key ID", "app/settings.py", 2, 12, 2, 31, "AKIAZ3MSJV4WWNKWW5FG", "aws", "cloud", "key")
	a.Commit, a.Author, a.Email, a.Date, a.InHead = "5692c942646a0c1b0a9e3f4d2b7c8e1f0a2b3c4d", "Ada", "ada@example.org", "2026-11-27T20:38:07Z", &yes
	b := rec("github-pat", "critical", "GitHub personal access token", "old/deploy.sh", 9, 7, 9, 46, "ghp_Zx8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gIa", "github", "token")
	b.Commit, b.Author, b.Email, b.Date, b.InHead = "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "Grace Hopper", "grace@example.org", "2025-01-02T03:04:05+01:00", &no
	c := rec("generic-password", "medium", "Hard-coded password", "app/settings.py", 7, 16, 7, 27, "Tq7vWm2p#Lx9", "password")
	c.Commit, c.Author, c.Email, c.Date, c.InHead = a.Commit, a.Author, a.Email, a.Date, &yes
	rs := []Record{a, b, c}
	Sort(rs)
	return rs, map[string]Suppression{
		b.Fingerprint:                {Kind: SuppressionExternal, Justification: "revoked 2025-01-03, listed in .secretsweepignore"},
		c.Fingerprint:                {Kind: SuppressionInSource, Justification: "test fixture: # secretsweep:allow"},
		"not-a-reported-fingerprint": {},
	}
}

// offlineLoader refuses every URL the compiler would fetch: the schema under test
// is registered as a resource, and nothing may come from the network.
type offlineLoader struct{}

func (offlineLoader) Load(u string) (any, error) {
	return nil, errors.New("tests run offline; refusing to load " + u)
}

var sarifSchemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join(sarifTestdata, "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(offlineLoader{})
	c.AssertFormat()
	if err := c.AddResource(sarifSchema, doc); err != nil {
		return nil, err
	}
	return c.Compile(sarifSchema)
})

// validateSARIF checks a log against the official schema (testdata copy).
func validateSARIF(t *testing.T, b []byte) {
	t.Helper()
	sch, err := sarifSchemaOnce()
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("SARIF output does not validate: %v", err)
	}
}

func sarifBytes(t *testing.T, rs []Record, opts SARIFOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSARIF(&b, rs, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decodeSARIF(t *testing.T, b []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

// checkGolden compares got with testdata/sarif/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join(sarifTestdata, name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./report -update rewrites it):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestSARIFGolden(t *testing.T) {
	hist, suppressed := historyRecords()
	for _, tc := range []struct {
		name string
		rs   []Record
		opts SARIFOptions
	}{
		{"empty", nil, SARIFOptions{}},
		{"dir", dirRecords(), SARIFOptions{ToolVersion: "dev"}},
		{"history", hist, SARIFOptions{ToolVersion: "v1.4.0-rc.1+build.7", Suppressed: suppressed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sarifBytes(t, tc.rs, tc.opts)
			validateSARIF(t, got)
			if !bytes.HasSuffix(got, []byte("}\n")) || bytes.HasSuffix(got, []byte("\n\n")) {
				t.Errorf("output does not end in exactly one newline")
			}
			if again := sarifBytes(t, tc.rs, tc.opts); !bytes.Equal(got, again) {
				t.Errorf("two runs differ")
			}
			checkGolden(t, tc.name+".sarif.golden", got)
		})
	}
}

func TestSARIFEmpty(t *testing.T) {
	for _, rs := range [][]Record{nil, {}} {
		b := sarifBytes(t, rs, SARIFOptions{})
		validateSARIF(t, b)
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		run := raw["runs"].([]any)[0].(map[string]any)
		if res, ok := run["results"].([]any); !ok || len(res) != 0 {
			t.Errorf("results = %v, want []", run["results"])
		}
	}
}

// The validator must not pass everything: broken logs fail it.
func TestSARIFSchemaRejectsInvalidLogs(t *testing.T) {
	good := string(sarifBytes(t, dirRecords()[:1], SARIFOptions{}))
	for name, bad := range map[string]string{
		"zero startLine":   strings.Replace(good, `"startLine": 2`, `"startLine": 0`, 1),
		"wrong version":    strings.Replace(good, `"version": "2.1.0"`, `"version": "2.0.0"`, 1),
		"bad level":        strings.Replace(good, `"level": "error"`, `"level": "fatal"`, 1),
		"unknown field":    strings.Replace(good, `"ruleId"`, `"rule_id"`, 1),
		"bad uri":          strings.Replace(good, `"uri": "app/settings.py"`, `"uri": "app\\settings.py"`, 1),
		"suppression kind": strings.Replace(good, `"partialFingerprints"`, `"suppressions": [{"kind": "ignored"}], "partialFingerprints"`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		sch, err := sarifSchemaOnce()
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sch.Validate(v) == nil {
			t.Errorf("%s: the schema accepted an invalid log", name)
		}
	}
}

func TestSARIFRegionEndColumnIsExclusive(t *testing.T) {
	for _, tt := range []struct {
		name                       string
		line, col, endLine, endCol int
		want                       *sarifRegion
	}{
		{"one line", 2, 12, 2, 31, &sarifRegion{StartLine: 2, StartColumn: 12, EndLine: 2, EndColumn: 32}},
		{"one byte", 4, 7, 4, 7, &sarifRegion{StartLine: 4, StartColumn: 7, EndLine: 4, EndColumn: 8}},
		{"multi-line", 1, 1, 27, 29, &sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 27, EndColumn: 30}},
		{"multi-line, end column before start", 3, 20, 5, 4, &sarifRegion{StartLine: 3, StartColumn: 20, EndLine: 5, EndColumn: 5}},
		{"no end", 6, 3, 0, 0, &sarifRegion{StartLine: 6, StartColumn: 3}},
		{"no columns", 6, 0, 6, 0, &sarifRegion{StartLine: 6, EndLine: 6}},
		{"no line", 0, 0, 0, 0, nil},
	} {
		r := Record{Rule: "r", Path: "p", Line: tt.line, Column: tt.col, EndLine: tt.endLine, EndColumn: tt.endCol, Fingerprint: "f"}
		b := sarifBytes(t, []Record{r}, SARIFOptions{})
		validateSARIF(t, b)
		got := decodeSARIF(t, b).Runs[0].Results[0].Locations[0].PhysicalLocation.Region
		if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("%s: region = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestSARIFRulesDeduplicatedAndIndexed(t *testing.T) {
	rs := dirRecords()
	log := decodeSARIF(t, sarifBytes(t, rs, SARIFOptions{}))
	rules, results := log.Runs[0].Tool.Driver.Rules, log.Runs[0].Results
	distinct := map[string]bool{}
	for _, r := range rs {
		distinct[r.Rule] = true
	}
	if len(rules) != len(distinct) {
		t.Fatalf("%d rules for %d distinct rule ids", len(rules), len(distinct))
	}
	for i := 1; i < len(rules); i++ {
		if rules[i-1].ID >= rules[i].ID {
			t.Errorf("rules not sorted and unique: %q before %q", rules[i-1].ID, rules[i].ID)
		}
	}
	if len(results) != len(rs) {
		t.Fatalf("%d results for %d records", len(results), len(rs))
	}
	for i, res := range results {
		if res.RuleID != rs[i].Rule || res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleId %q, ruleIndex %d does not point at it", i, res.RuleID, res.RuleIndex)
		}
		if res.PartialFingerprints[SARIFFingerprintKey] != rs[i].Fingerprint {
			t.Errorf("result %d: partialFingerprints = %v", i, res.PartialFingerprints)
		}
	}
	for _, rule := range rules {
		switch rule.ID {
		case "aws-access-key-id":
			if got := strings.Join(rule.Properties.Tags, ","); got != "aws,cloud,key,iam,security" {
				t.Errorf("aws tags = %s, want the union of its records' tags plus security", got)
			}
			if rule.Name != "AwsAccessKeyId" || rule.ShortDescription.Text != "AWS access key ID" {
				t.Errorf("aws rule = %+v", rule)
			}
		case "custom-rule":
			if rule.DefaultConfiguration.Level != "warning" || rule.Properties.SecuritySeverity != "" {
				t.Errorf("unknown severity: rule = %+v, want warning without a score", rule)
			}
		}
	}
}

func TestSARIFSeverityMapping(t *testing.T) {
	for _, tt := range []struct{ sev, level, score string }{
		{"critical", "error", "9.5"},
		{"high", "error", "8.0"},
		{"medium", "warning", "5.5"},
		{"low", "note", "3.0"},
		{"info", "note", "1.0"},
		{"", "warning", ""},
	} {
		log := decodeSARIF(t, sarifBytes(t, []Record{{Rule: "r", Severity: tt.sev, Path: "p", Line: 1}}, SARIFOptions{}))
		rule, res := log.Runs[0].Tool.Driver.Rules[0], log.Runs[0].Results[0]
		if rule.DefaultConfiguration.Level != tt.level || res.Level != tt.level || rule.Properties.SecuritySeverity != tt.score {
			t.Errorf("severity %q: rule level %q, result level %q, security-severity %q; want %q, %q", tt.sev,
				rule.DefaultConfiguration.Level, res.Level, rule.Properties.SecuritySeverity, tt.level, tt.score)
		}
	}
}

func TestSARIFURI(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"app/settings.py", "app/settings.py"},
		{"dir with space/file.env", "dir%20with%20space/file.env"},
		{"naïve/日本.py", "na%C3%AFve/%E6%97%A5%E6%9C%AC.py"},
		{"c:x/y.py", "c%3Ax/y.py"}, // not a scheme
		{"a%20b#c?d.py", "a%2520b%23c%3Fd.py"},
		{"a+b/it's(1)@x,y;z=w&v!$*~_-.py", "a+b/it's(1)@x,y;z=w&v!$*~_-.py"},
		{`back\slash"q"<>|^{}`, "back%5Cslash%22q%22%3C%3E%7C%5E%7B%7D"},
	} {
		got := sarifURI(tt.path)
		if got != tt.want {
			t.Errorf("sarifURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Path != tt.path {
			t.Errorf("sarifURI(%q) = %q parses as %#v, %v; want a relative reference to the same path", tt.path, got, u, err)
		}
		base, _ := url.Parse("file:///src/")
		if res := base.ResolveReference(u); res.Path != "/src/"+tt.path {
			t.Errorf("%q resolved against %s = %q", got, base, res.Path)
		}
	}
}

func TestSARIFSecretOnlyInMessage(t *testing.T) {
	// With --show-secrets the record carries the full secret; it may appear in the
	// message and nowhere else.
	secret := "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI"
	for _, shown := range []string{Redact(secret), secret} {
		r := rec("github-pat", "critical", "GitHub personal access token", "a.py", 1, 1, 1, 40, secret)
		r.Secret = shown
		b := sarifBytes(t, []Record{r}, SARIFOptions{})
		if n := strings.Count(string(b), shown); n != 1 {
			t.Errorf("secret %q appears %d times, want once", shown, n)
		}
		res := decodeSARIF(t, b).Runs[0].Results[0]
		if res.Message.Text != "GitHub personal access token ("+shown+")" {
			t.Errorf("message = %q", res.Message.Text)
		}
		if shown != secret && strings.Contains(string(b), secret[:8]) {
			t.Errorf("redacted report holds more of the secret than Record.Secret: %s", b)
		}
	}
}

func TestSARIFToolVersion(t *testing.T) {
	for _, tt := range []struct{ in, version, semantic string }{
		{"", "", ""},
		{"v1.2.3", "v1.2.3", "1.2.3"},
		{"1.4.0-rc.1+build.7", "1.4.0-rc.1+build.7", "1.4.0-rc.1+build.7"},
		{"dev", "dev", ""},
		{"v1.2", "v1.2", ""},
		{"(devel)", "(devel)", ""},
	} {
		b := sarifBytes(t, nil, SARIFOptions{ToolVersion: tt.in})
		validateSARIF(t, b)
		d := decodeSARIF(t, b).Runs[0].Tool.Driver
		if d.Version != tt.version || d.SemanticVersion != tt.semantic || d.Name != "secretsweep" || d.InformationURI != "https://github.com/secretsweep/secretsweep" {
			t.Errorf("ToolVersion %q: driver = %+v", tt.in, d)
		}
	}
}

func TestSARIFSuppressions(t *testing.T) {
	rs, suppressed := historyRecords()
	results := decodeSARIF(t, sarifBytes(t, rs, SARIFOptions{Suppressed: suppressed})).Runs[0].Results
	n := 0
	for i, res := range results {
		s, ok := suppressed[rs[i].Fingerprint]
		if !ok {
			if len(res.Suppressions) != 0 {
				t.Errorf("result %d suppressed without being asked: %+v", i, res.Suppressions)
			}
			continue
		}
		n++
		if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != s.Kind || res.Suppressions[0].Justification != s.Justification {
			t.Errorf("result %d: suppressions %+v, want %+v", i, res.Suppressions, s)
		}
	}
	if n != 2 {
		t.Errorf("%d results suppressed, want 2", n)
	}

	// An empty kind is external; an unknown one is an error.
	r := rs[0]
	res := decodeSARIF(t, sarifBytes(t, []Record{r}, SARIFOptions{Suppressed: map[string]Suppression{r.Fingerprint: {}}})).Runs[0].Results[0]
	if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != "external" {
		t.Errorf("empty kind: suppressions = %+v", res.Suppressions)
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, []Record{r}, SARIFOptions{Suppressed: map[string]Suppression{r.Fingerprint: {Kind: "baseline"}}}); err == nil {
		t.Error("unknown suppression kind accepted")
	}
	if b.Len() != 0 {
		t.Errorf("partial output on error: %q", b.String())
	}
}

func TestSARIFHistoryProperties(t *testing.T) {
	rs, _ := historyRecords()
	var raw struct {
		Runs []struct {
			Results []struct {
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarifBytes(t, rs, SARIFOptions{}), &raw); err != nil {
		t.Fatal(err)
	}
	for i, res := range raw.Runs[0].Results {
		p, r := res.Properties, rs[i]
		if p["commit"] != r.Commit || p["author"] != r.Author || p["email"] != r.Email || p["date"] != r.Date ||
			p["in_head"] != *r.InHead || p["blob"] != r.Blob || p["entropy"] != r.Entropy || len(p["tags"].([]any)) != len(r.Tags) {
			t.Errorf("result %d properties = %v, want the provenance of %+v", i, p, r)
		}
	}
}

func TestWriteSARIFFormat(t *testing.T) {
	rs := dirRecords()
	var b bytes.Buffer
	if err := Write(&b, "sarif", rs, true); err != nil {
		t.Fatal(err)
	}
	if want := sarifBytes(t, rs, SARIFOptions{}); !bytes.Equal(b.Bytes(), want) {
		t.Errorf("Write(sarif) differs from WriteSARIF with zero options")
	}
	if !strings.Contains(b.String(), "\n  \"version\": \"2.1.0\",\n") {
		t.Errorf("output is not 2-space indented:\n%s", b.String()[:200])
	}
}
