package allowlist

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in ../testdata/allowlist")

const goldenBaseline = "../testdata/allowlist/baseline.json"

// testEntries are findings of a scan, in scan order, with a duplicate.
func testEntries() []BaselineEntry {
	return []BaselineEntry{
		{Fingerprint: fp("hardcoded-password", "Zx81!kqP0w"), Rule: "hardcoded-password", Path: "app/settings.py"},
		{Fingerprint: fp("aws-access-key-id", "AKIAJ7Q2XW3LBQ4PR5TZ"), Rule: "aws-access-key-id", Path: "app/settings.py"},
		{Fingerprint: strings.ToUpper(fp("github-pat", "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI")), Rule: "github-pat", Path: "deploy/ci.sh"},
		{Fingerprint: fp("hardcoded-password", "Zx81!kqP0w"), Rule: "hardcoded-password", Path: "tests/test_login.py",
			Verdict: FalsePositive, Reason: "fixture <not a real password> & \"quoted\""},
		{Fingerprint: fp("hardcoded-password", "Zx81!kqP0w"), Rule: "hardcoded-password", Path: "app/settings.py"},
	}
}

func TestBaselineGolden(t *testing.T) {
	b, err := NewBaseline(testEntries())
	if err != nil {
		t.Fatal(err)
	}
	b.KeyHint = "--fingerprint-key (test)"
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(goldenBaseline, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenBaseline)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Write:\n%s\nwant (%s; -update rewrites it):\n%s", buf.Bytes(), goldenBaseline, want)
	}
	for _, secret := range []string{"Zx81!kqP0w", "AKIAJ7Q2XW3LBQ4PR5TZ", "ghp_"} {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Errorf("baseline holds the secret %s", secret)
		}
	}
	// Entries in any order give the same bytes.
	es := testEntries()
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	b2, err := NewBaseline(es)
	if err != nil {
		t.Fatal(err)
	}
	b2.KeyHint = b.KeyHint
	var buf2 bytes.Buffer
	if err := b2.Write(&buf2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
		t.Errorf("order of entries changes the output:\n%s", buf2.Bytes())
	}
}

// TestBaselineRoundTrip: Write(Read(x)) is byte-identical to x for what Write
// wrote.
func TestBaselineRoundTrip(t *testing.T) {
	data, err := os.ReadFile(goldenBaseline)
	if err != nil {
		t.Fatal(err)
	}
	empty := &Baseline{}
	var emptyBuf bytes.Buffer
	if err := empty.Write(&emptyBuf); err != nil {
		t.Fatal(err)
	}
	var nilBuf bytes.Buffer
	if err := (*Baseline)(nil).Write(&nilBuf); err != nil {
		t.Fatal(err)
	}
	if emptyBuf.String() != "{\n  \"version\": 1,\n  \"entries\": []\n}\n" || nilBuf.String() != emptyBuf.String() {
		t.Errorf("empty baseline:\n%s", emptyBuf.String())
	}
	for _, in := range [][]byte{data, emptyBuf.Bytes()} {
		b, err := ReadBaseline("baseline.json", bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(in, out.Bytes()) {
			t.Errorf("Write(Read(x)) != x:\n%s\nwant\n%s", out.Bytes(), in)
		}
	}
}

func TestReadBaselineNormalizes(t *testing.T) {
	// Hand-written: another layout, key order, upper case, no key hint.
	src := `{"entries": [
	  {"rule": "github-pat", "path": "b.py", "fingerprint": "` + strings.ToUpper(fp("github-pat", "x")) + `", "verdict": "true-positive", "reason": "rotated"},
	  {"fingerprint": "` + fp("r", "y") + `", "rule": "r", "path": "a.py", "verdict": "", "reason": ""}
	], "version": 1}`
	b, err := ReadBaseline("hand.json", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Write(&out); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "entries": [
    {"fingerprint":"` + fp("r", "y") + `","rule":"r","path":"a.py","verdict":"","reason":""},
    {"fingerprint":"` + fp("github-pat", "x") + `","rule":"github-pat","path":"b.py","verdict":"true-positive","reason":"rotated"}
  ]
}
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	// Missing fields are empty.
	min := `{"version":1,"entries":[{"fingerprint":"` + fp("r", "y") + `","rule":"r"}]}`
	if b, err := ReadBaseline("min.json", strings.NewReader(min)); err != nil || b.Len() != 1 {
		t.Errorf("minimal entry: %v", err)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	good := fp("r", "s")
	tests := []struct{ src, want string }{
		{``, "b.json:1: unexpected end of JSON"},
		{`[]`, "b.json:1: want a JSON object"},
		{`{"version": 1, "entries": []} x`, "b.json:1: data after the baseline object"},
		{"{\n  \"version\": 2,\n  \"entries\": []\n}", "b.json:2: baseline version 2: this secretsweep reads version 1"},
		{"{\n  \"entries\": []\n}", "b.json:1: no version"},
		{"{\n  \"version\": \"1\"\n}", "b.json:2: version: want int"},
		{"{\"version\": 1, \"fingerprint_key_hint\": 5}", "b.json:1: fingerprint_key_hint: want string"},
		{"{\n  \"version\": 1,\n  \"created\": \"2026-01-01\"\n}", `b.json:3: unknown key "created"`},
		{"{\n  \"version\": 1,\n  \"version\": 1\n}", `b.json:3: duplicate key "version"`},
		{"{\n  \"version\": 1,\n  \"entries\": {}\n}", "b.json:3: want an array of entries"},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\", \"rule\": \"r\"},\n  {\"fingerprint\": \"AKIAJ7Q2XW3LBQ4PR5TZ\", \"rule\": \"r\"}\n]}",
			"b.json:3: entry #2: fingerprint: want 64 hexadecimal digits, got 20 characters"},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\"}\n]}", "b.json:2: entry #1: no rule"},
		{"{\"version\": 1, \"entries\": [\n\n  {\"fingerprint\": \"" + good + "\", \"rule\": \"r\", \"verdict\": \"maybe\"}\n]}", `b.json:3: entry #1: verdict "maybe" is not`},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\", \"rule\": \"r\", \"line\": 3}\n]}", `b.json:2: entry #1: json: unknown field "line"`},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\", \"rule\": 7}\n]}", `b.json:2: entry #1: rule: want string`},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\", \"rule\": \"r\"},,\n]}", `b.json:2: entry #2: invalid character ','`},
		{"{\"version\": 1, \"entries\": [\n  {\"fingerprint\": \"" + good + "\", \"rule\": \"r\"}\n", `b.json:3: unexpected end of JSON`},
		{"{\"version\": 1, \"entries\": [null]}", `b.json:1: entry #1: fingerprint: want 64`},
	}
	for _, tt := range tests {
		_, err := ReadBaseline("b.json", strings.NewReader(tt.src))
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n got %v\nwant %s...", tt.src, err, tt.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: %#v is not a *ParseError", tt.src, err)
		}
		if strings.Contains(err.Error(), "AKIAJ7Q2XW3LBQ4PR5TZ") {
			t.Errorf("error quotes a value: %v", err)
		}
	}
}

func TestNewBaselineErrors(t *testing.T) {
	tests := []struct {
		e    BaselineEntry
		want string
	}{
		{BaselineEntry{Fingerprint: "abc", Rule: "r"}, "baseline entry #2: fingerprint: want 64 hexadecimal digits, got 3 characters"},
		{BaselineEntry{Fingerprint: fp("r", "s")}, "baseline entry #2: no rule"},
		{BaselineEntry{Fingerprint: fp("r", "s"), Rule: "r", Verdict: "fp"}, `baseline entry #2: verdict "fp" is not`},
	}
	for _, tt := range tests {
		_, err := NewBaseline([]BaselineEntry{{Fingerprint: fp("a", "b"), Rule: "a"}, tt.e})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %s...", tt.e, err, tt.want)
		}
	}
}

func TestBaselineMatch(t *testing.T) {
	b, err := NewBaseline(testEntries())
	if err != nil {
		t.Fatal(err)
	}
	b.Name = ".secretsweep-baseline.json"
	pw := fp("hardcoded-password", "Zx81!kqP0w")
	aws := fp("aws-access-key-id", "AKIAJ7Q2XW3LBQ4PR5TZ")
	pat := fp("github-pat", "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI")
	tests := []struct {
		fp, path, rule string
		want           string
	}{
		{aws, "app/settings.py", "aws-access-key-id", ".secretsweep-baseline.json: aws-access-key-id 579f05a68c44"},
		{aws, "app/settings.py", "", ".secretsweep-baseline.json: aws-access-key-id 579f05a68c44"},
		// Moved to another file: still known.
		{aws, "app/config/base.py", "aws-access-key-id", ".secretsweep-baseline.json: aws-access-key-id 579f05a68c44 (baselined at app/settings.py)"},
		// Same secret in two files: the entry at the path decides.
		{pw, "tests/test_login.py", "hardcoded-password", ".secretsweep-baseline.json: hardcoded-password 92a3aa5a6a87, audited false-positive: fixture <not a real password> & \"quoted\""},
		{pw, "app/settings.py", "hardcoded-password", ".secretsweep-baseline.json: hardcoded-password 92a3aa5a6a87"},
		{pw, "elsewhere.py", "hardcoded-password", ".secretsweep-baseline.json: hardcoded-password 92a3aa5a6a87 (baselined at app/settings.py)"},
		{strings.ToUpper(pat), "deploy/ci.sh", "github-pat", ".secretsweep-baseline.json: github-pat fa461f44c15e"},
		// A rule that disagrees with the entry.
		{aws, "app/settings.py", "hardcoded-secret", ""},
		{fp("aws-access-key-id", "AKIAJ7Q2XW3LBQ4PR5TY"), "app/settings.py", "aws-access-key-id", ""},
		{"", "app/settings.py", "aws-access-key-id", ""},
	}
	for _, tt := range tests {
		v, ok := b.Match(tt.fp, tt.path, tt.rule)
		if ok != (tt.want != "") || v.Source != tt.want || ok && v.Kind != KindBaseline {
			t.Errorf("Match(%.8s, %q, %q) = %+v, %v; want %q", tt.fp, tt.path, tt.rule, v, ok, tt.want)
		}
	}
	if e, ok := b.Lookup(pw, "tests/test_login.py"); !ok || e.Verdict != FalsePositive {
		t.Errorf("Lookup = %+v, %v", e, ok)
	}
	var nb *Baseline
	if _, ok := nb.Match(aws, "", ""); ok || nb.Len() != 0 || nb.Entries() != nil {
		t.Error("nil baseline")
	}
	if _, ok := (&Baseline{}).Match(aws, "", ""); ok {
		t.Error("zero baseline matched")
	}
}

func TestBaselinePruneAndAudit(t *testing.T) {
	b, err := NewBaseline(testEntries())
	if err != nil {
		t.Fatal(err)
	}
	pw := fp("hardcoded-password", "Zx81!kqP0w")
	aws := fp("aws-access-key-id", "AKIAJ7Q2XW3LBQ4PR5TZ")
	pat := fp("github-pat", "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI")

	if n := b.Prune(map[string]bool{pw: true, pat: true}); n != 1 || b.Len() != 3 {
		t.Fatalf("Prune dropped %d, %d left", n, b.Len())
	}
	if _, ok := b.Match(aws, "app/settings.py", ""); ok {
		t.Error("pruned entry still matches")
	}
	if _, ok := b.Match(pat, "deploy/ci.sh", ""); !ok {
		t.Error("kept entry does not match")
	}

	if err := b.SetVerdict(strings.ToUpper(pat), TruePositive, "rotated 2026-03-01"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetVerdict(pat, "bogus", ""); err == nil {
		t.Error("SetVerdict accepted a bad verdict")
	}
	if err := b.SetVerdict(aws, FalsePositive, ""); err == nil {
		t.Error("SetVerdict accepted a fingerprint not in the baseline")
	}
	if e, _ := b.Lookup(pat, ""); e.Verdict != TruePositive || e.Reason != "rotated 2026-03-01" {
		t.Errorf("after SetVerdict: %+v", e)
	}
	// SetVerdict covers every file of the secret.
	if err := b.SetVerdict(pw, FalsePositive, "test fixture"); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entries() {
		if e.Fingerprint == pw && (e.Verdict != FalsePositive || e.Reason != "test fixture") {
			t.Errorf("entry %+v not audited", e)
		}
	}

	// Regenerating keeps audits.
	fresh, err := NewBaseline([]BaselineEntry{
		{Fingerprint: pat, Rule: "github-pat", Path: "deploy/ci.sh"},
		{Fingerprint: pw, Rule: "hardcoded-password", Path: "app/moved.py"},
		{Fingerprint: aws, Rule: "aws-access-key-id", Path: "app/settings.py"},
	})
	if err != nil {
		t.Fatal(err)
	}
	fresh.MergeAudits(b)
	got := map[string]string{}
	for _, e := range fresh.Entries() {
		got[e.Rule] = e.Verdict + "/" + e.Reason
	}
	want := map[string]string{"github-pat": "true-positive/rotated 2026-03-01", "hardcoded-password": "false-positive/test fixture", "aws-access-key-id": "/"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("MergeAudits: %s = %q, want %q", k, got[k], v)
		}
	}
	fresh.MergeAudits(nil)
	(*Baseline)(nil).MergeAudits(b)
}
