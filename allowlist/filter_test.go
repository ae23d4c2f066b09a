package allowlist

import (
	"strings"
	"testing"
)

func TestFilter(t *testing.T) {
	global := mustCompile(t, ".secretsweep.toml", Spec{Description: "fixtures", Globs: []string{"fixtures/**"}})
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	perRule := map[string]*List{
		"hardcoded-password": mustCompile(t, `.secretsweep.toml rule "hardcoded-password"`, Spec{Stopwords: []string{"dummy"}}),
	}
	secret := "Zx81!kqP0w"
	fpw := fp("hardcoded-password", secret)
	ign, err := ParseIgnore(".secretsweepignore", strings.NewReader(fpw+" ignored/** # reviewed\n"))
	if err != nil {
		t.Fatal(err)
	}
	gl, err := ParseGitleaksIgnore(".gitleaksignore", strings.NewReader("legacy/db.py:hardcoded-password:3\n"))
	if err != nil {
		t.Fatal(err)
	}
	bl, err := NewBaseline([]BaselineEntry{{Fingerprint: fpw, Rule: "hardcoded-password", Path: "baselined.py"}})
	if err != nil {
		t.Fatal(err)
	}
	bl.Name = "baseline.json"
	f := &Filter{
		Allowlists:     []*List{global, def},
		RuleAllowlists: perRule,
		Inline:         true,
		Ignores:        []*IgnoreFile{ign, gl},
		Baseline:       bl,
	}
	base := Candidate{Rule: "hardcoded-password", Path: "app/settings.py", Secret: secret, Line: `PW = "Zx81!kqP0w"`, Fingerprint: fpw}
	with := func(edit func(*Candidate)) Candidate { c := base; edit(&c); return c }
	other := fp("hardcoded-password", "Other!pw99")
	tests := []struct {
		name string
		c    Candidate
		want string // Verdict.String()
	}{
		{"global allowlist first", with(func(c *Candidate) { c.Path = "fixtures/a.py"; c.Line += "  # secretsweep:allow" }),
			"allowlist: .secretsweep.toml allowlist #1 (fixtures): glob fixtures/**"},
		{"default allowlist", with(func(c *Candidate) { c.Path = "venv/lib/x.py" }),
			"allowlist: built-in defaults allowlist #1 (virtualenvs and installed packages): glob **/venv/**"},
		{"rule allowlist", with(func(c *Candidate) { c.Secret = "dummy-pass"; c.Fingerprint = other }),
			`allowlist: .secretsweep.toml rule "hardcoded-password" allowlist #1: stopword "dummy"`},
		{"rule allowlist of another rule", with(func(c *Candidate) { c.Rule = "x"; c.Secret = "dummy-pass"; c.Fingerprint = other }), ""},
		{"inline", with(func(c *Candidate) { c.Line += "  # secretsweep:allow" }),
			`inline: inline marker "secretsweep:allow" on the finding's line`},
		{"inline next line", with(func(c *Candidate) { c.PrevLine = "# pragma: allowlist nextline secret"; c.Fingerprint = other }),
			`inline: inline marker "pragma: allowlist nextline secret" on the line above`},
		{"ignore file", with(func(c *Candidate) { c.Path = "ignored/x.py" }),
			"ignore: .secretsweepignore:1: fingerprint 92a3aa5a6a87 on ignored/** (reviewed)"},
		{"gitleaks ignore", with(func(c *Candidate) { c.Path = "legacy/db.py"; c.Fingerprint = other }),
			"ignore: .gitleaksignore:1: legacy/db.py:hardcoded-password (line number not compared)"},
		{"baseline", base, "baseline: baseline.json: hardcoded-password 92a3aa5a6a87 (baselined at baselined.py)"},
		{"new finding", with(func(c *Candidate) { c.Fingerprint = other }), ""},
	}
	for _, tt := range tests {
		v, ok := f.Check(tt.c)
		got := ""
		if ok {
			got = v.String()
		}
		if got != tt.want {
			t.Errorf("%s: Check = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Inline markers are off unless asked for.
	f.Inline = false
	if v, ok := f.Check(with(func(c *Candidate) { c.Line += "  # secretsweep:allow"; c.Fingerprint = other })); ok {
		t.Errorf("inline marker honoured with Inline false: %v", v)
	}
	var zero Filter
	if _, ok := zero.Check(base); ok {
		t.Error("zero Filter suppressed")
	}
	if _, ok := (*Filter)(nil).Check(base); ok {
		t.Error("nil Filter suppressed")
	}
}
