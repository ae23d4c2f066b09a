package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// findingsAt returns "path:line:rule" for each unsuppressed finding of a json report.
func findingsAt(t *testing.T, jsonText string) []string {
	t.Helper()
	var out []string
	for _, r := range records(t, jsonText) {
		if r.Suppression == nil {
			out = append(out, r.Path+":"+strconv.Itoa(r.Line)+":"+r.Rule)
		}
	}
	return out
}

const pw1 = "Zk8#vQ3mW7xP"

func TestBaselineSurvivesEdits(t *testing.T) {
	d := newDir(t)
	tok := fakeGitHubPAT("baseline")
	d.write("app/settings.py", "DB_PASSWORD = \""+pw1+"\"\nTOKEN = \""+tok+"\"\n")
	bl := d.path("bl.json")

	ss(t, "", "baseline", "create", "-o", bl, d.dir).mustCode(t, 0)
	first, _ := os.ReadFile(bl)
	if bytes.Contains(first, []byte(pw1)) || bytes.Contains(first, []byte(tok)) || bytes.Contains(first, []byte("\"line\"")) {
		t.Fatalf("baseline holds a secret or a line number:\n%s", first)
	}
	// Regenerating on an unchanged tree gives the same bytes; with or without
	// --show-secrets, the same fingerprints.
	ss(t, "", "baseline", "create", "-o", bl, "--show-secrets", d.dir).mustCode(t, 0)
	if second, _ := os.ReadFile(bl); !bytes.Equal(first, second) {
		t.Fatalf("regenerated baseline differs:\n%s\n---\n%s", first, second)
	}
	ss(t, "", "dir", "--baseline", bl, d.dir).mustCode(t, 0)

	// Lines inserted above: still suppressed.
	d.write("app/settings.py", "# settings\nimport os\n\nDB_PASSWORD = \""+pw1+"\"\nTOKEN = \""+tok+"\"\n")
	r := ss(t, "", "dir", "--baseline", bl, "--format", "json", d.dir).mustCode(t, 0)
	if got := findingsAt(t, r.stdout); len(got) != 0 {
		t.Errorf("after inserting lines: %v", got)
	}
	if !strings.Contains(r.stderr, "suppressed (baseline 2)") {
		t.Errorf("summary does not count the baseline: %s", r.stderr)
	}
	// The same secret moved to another file: the fingerprint (rule, secret) still matches.
	d.write("other.py", "DB_PASSWORD = \""+pw1+"\"\n")
	ss(t, "", "dir", "--baseline", bl, d.dir).mustCode(t, 0)
	d.remove("other.py")

	// A changed value is a new finding.
	d.write("app/settings.py", "DB_PASSWORD = \"Qx9#vN3kP7wL\"\nTOKEN = \""+tok+"\"\n")
	r = ss(t, "", "dir", "--baseline", bl, "--format", "json", d.dir).mustCode(t, 1)
	if got := findingsAt(t, r.stdout); len(got) != 1 || got[0] != "app/settings.py:1:hardcoded-password" {
		t.Errorf("changed value: %v", got)
	}

	// Prune drops the entry whose secret is gone, and keeps audits.
	ss(t, "y\n", "baseline", "prune", "--baseline", bl, d.dir).mustCode(t, 0)
	pruned, _ := os.ReadFile(bl)
	if n := strings.Count(string(pruned), "\"fingerprint\""); n != 1 {
		t.Errorf("pruned baseline has %d entries, want 1:\n%s", n, pruned)
	}
}

func TestBaselineAudit(t *testing.T) {
	d := newDir(t)
	d.write("a.env", "DB_PASSWORD="+pw1+"\nAPI_TOKEN="+fakeGitHubPAT("audit")+"\n")
	bl := d.path("bl.json")
	ss(t, "", "baseline", "create", "-o", bl, d.dir).mustCode(t, 0)
	ss(t, "f\ntest fixture\ns\n", "baseline", "audit", "--baseline", bl).mustCode(t, 0)
	b, _ := os.ReadFile(bl)
	if strings.Count(string(b), `"verdict":"false-positive","reason":"test fixture"`) != 1 || strings.Count(string(b), `"verdict":""`) != 1 {
		t.Fatalf("audit did not record one verdict:\n%s", b)
	}
	// Regenerating keeps the audit.
	ss(t, "", "baseline", "create", "-o", bl, d.dir).mustCode(t, 0)
	if b2, _ := os.ReadFile(bl); !bytes.Equal(b, b2) {
		t.Errorf("regenerating lost the audit:\n%s", b2)
	}
}

func TestIgnoreFileSurvivesEdits(t *testing.T) {
	d := newDir(t)
	d.write("conf/app.ini", "[db]\npassword = "+pw1+"\n")
	r := ss(t, "", "dir", "--format", "json", d.dir).mustCode(t, 1)
	fp := records(t, r.stdout)[0].Fingerprint
	d.write(".secretsweepignore", "# reviewed 2026-11\n"+fp+" conf/** # rotated, kept for the old deployment\n")
	ss(t, "", "dir", d.dir).mustCode(t, 0)
	d.write("conf/app.ini", "[server]\nport = 8080\n\n[db]\npassword = "+pw1+"\n")
	r = ss(t, "", "dir", "--explain", d.dir).mustCode(t, 0)
	if !strings.Contains(r.stderr, ".secretsweepignore:2") {
		t.Errorf("--explain does not name the ignore entry:\n%s", r.stderr)
	}
	// The glob limits the entry to its paths.
	d.write("elsewhere.ini", "[db]\npassword = "+pw1+"\n")
	ss(t, "", "dir", d.dir).mustCode(t, 1)
}

func TestInlineMarkers(t *testing.T) {
	d := newDir(t)
	d.write("a.py", strings.Join([]string{
		`A_PASSWORD = "` + pw1 + `"  # secretsweep:allow`,
		`# secretsweep:allow-next-line`,
		`B_PASSWORD = "Qx9#vN3kP7wL"`,
		`C_PASSWORD = "Hq3nV8rK2xWm"  # pragma: allowlist secret`,
		`D_PASSWORD = "Np4xQz8vLk2s"  # gitleaks:allow`,
		`E_PASSWORD = "Vb7qKx2mRt9w"`,
	}, "\n")+"\n")
	r := ss(t, "", "dir", "--format", "json", d.dir).mustCode(t, 1)
	if got := findingsAt(t, r.stdout); len(got) != 1 || got[0] != "a.py:6:hardcoded-password" {
		t.Errorf("with markers: %v", got)
	}
	r = ss(t, "", "dir", "--format", "json", "--no-inline-allow", d.dir).mustCode(t, 1)
	if got := findingsAt(t, r.stdout); len(got) != 5 {
		t.Errorf("--no-inline-allow: %v", got)
	}
	// --show-suppressed reports them, marked, without changing the exit status.
	d.write("a.py", `A_PASSWORD = "`+pw1+`"  # secretsweep:allow`+"\n")
	r = ss(t, "", "dir", "--format", "json", "--show-suppressed", d.dir).mustCode(t, 0)
	rs := records(t, r.stdout)
	if len(rs) != 1 || rs[0].Suppression == nil || rs[0].Suppression.Kind != "inSource" {
		t.Errorf("--show-suppressed: %+v", rs)
	}
}

func TestConfigAllowlists(t *testing.T) {
	d := newDir(t)
	d.write(".secretsweep.toml", `
[extend]
default = true

[[allowlists]]
description = "fixtures"
globs = ["tests/fixtures/**"]

[[allowlists]]
description = "documented sample"
regexes = ['^Sample']
regex_target = "secret"

[[allowlists]]
description = "and: both the path and the line"
condition = "and"
paths = ['^docs/']
regexes = ['example configuration']
regex_target = "line"

[[rules]]
id = "hardcoded-password"
[[rules.allowlists]]
description = "known dev password"
stopwords = ["devonly"]
`)
	d.write("tests/fixtures/creds.py", `DB_PASSWORD = "`+pw1+`"`+"\n")
	d.write("app/a.py", `X_PASSWORD = "Sample7#kQ2x"`+"\n"+`Y_PASSWORD = "Devonly#9xQ2"`+"\n"+`Z_PASSWORD = "Qx9#vN3kP7wL"`+"\n")
	d.write("docs/setup.md", "password: Hq3nV8rK2xWm  (example configuration)\npassword: Np4xQz8vLk2s\n")
	r := ss(t, "", "dir", "--format", "json", d.dir).mustCode(t, 1)
	got := findingsAt(t, r.stdout)
	want := []string{"app/a.py:3:hardcoded-password", "docs/setup.md:2:hardcoded-password"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings %v, want %v", got, want)
	}

	// A bad allowlist is a config error naming the file, the allowlist and the field.
	d.write(".secretsweep.toml", "[extend]\ndefault = true\n[[allowlists]]\ndescription = \"broken\"\npaths = ['(']\n")
	r = ss(t, "", "dir", d.dir).mustCode(t, 2)
	if !strings.Contains(r.stderr, ".secretsweep.toml") || !strings.Contains(r.stderr, "allowlist #1") || !strings.Contains(r.stderr, "paths") {
		t.Errorf("bad allowlist error: %s", r.stderr)
	}
}

func TestDefaultAllowlist(t *testing.T) {
	d := newDir(t)
	d.write(".venv/lib/python3.12/site-packages/pkg/conf.py", `DB_PASSWORD = "`+pw1+`"`+"\n")
	d.write("poetry.lock", `password = "`+pw1+`"`+"\n")
	ss(t, "", "dir", "--no-ignore", d.dir).mustCode(t, 0)
	d.write(".secretsweep.toml", "[extend]\ndefault = true\ndefault_allowlist = false\n")
	ss(t, "", "dir", "--no-ignore", d.dir).mustCode(t, 1)
}

// A real gitleaks config, with allowlists in its three historical forms, behaves
// the same as under gitleaks on a test repository.
func TestGitleaksConfig(t *testing.T) {
	f := newRepo(t)
	f.write(".gitleaks.toml", `
title = "team gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "corp-service-token"
description = "Corp service token"
regex = '''\b(csvc_[a-z0-9]{24})\b'''
secretGroup = 1
keywords = ["csvc_"]
[rules.allowlist]
regexTarget = "line"
regexes = ['''test-only''']

[allowlist]
description = "global (v8.0 form)"
paths = ['''(^|/)vendor/''']

[[allowlists]]
description = "global (v8.25 form)"
stopwords = ["sandbox"]
`)
	f.write("svc.py", "A = 'csvc_abcdefghijklmnop0123456x'\nB = 'csvc_zyxwvutsrqponmlkji987654'  # test-only\n")
	f.write("vendor/lib.py", "A = 'csvc_abcdefghijklmnop0123456y'\n")
	f.write("sb.env", "API_TOKEN=sandbox7f9b2c4e1a6d8f03b5e2\n")
	f.write("aws.py", "AWS_ACCESS_KEY_ID = '"+fakeAWSKey("gl")+"'\n")
	f.commit("init")
	r := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, 1)
	got := findingsAt(t, r.stdout)
	want := []string{"aws.py:1:aws-access-key-id", "svc.py:1:corp-service-token"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings %v, want %v", got, want)
	}
	// .gitleaksignore entries (file:rule:line) keep working after lines move.
	f.write(".gitleaksignore", "svc.py:corp-service-token:1\n")
	f.write("svc.py", "# moved\n\nA = 'csvc_abcdefghijklmnop0123456x'\n")
	r = ss(t, "", "dir", "--format", "json", f.dir).mustCode(t, 1)
	if got := findingsAt(t, r.stdout); len(got) != 1 || got[0] != "aws.py:1:aws-access-key-id" {
		t.Errorf("with .gitleaksignore: %v", got)
	}
}

func TestAllowlistCommits(t *testing.T) {
	f := newRepo(t)
	f.write("a.env", "DB_PASSWORD="+pw1+"\n")
	c1 := f.commit("first")
	f.write("b.env", "DB_PASSWORD=Qx9#vN3kP7wL\n")
	f.commit("second")
	f.write(".secretsweep.toml", "[extend]\ndefault = true\n[[allowlists]]\ndescription = \"old import\"\ncommits = [\""+c1[:10]+"\"]\n")
	r := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, 1)
	if got := findingsAt(t, r.stdout); len(got) != 1 || got[0] != "b.env:1:hardcoded-password" {
		t.Errorf("commit allowlist: %v", got)
	}
}

// A suppressed secret seen in several blobs at one path is shown at the
// commit that introduced it, whatever order the blobs were scanned in.
func TestHistoryShowSuppressedOldest(t *testing.T) {
	f := newRepo(t)
	line := `X_PASSWORD = "Zk8#vQ3mW7xP"  # secretsweep:allow` + "\n"
	f.write("app.py", line)
	first := f.commit("introduce")
	for i := range 6 { // more blobs holding it at the same path
		f.write("app.py", line+fmt.Sprintf("VERSION = %d\n", i))
		f.commit("bump")
	}
	for range 4 {
		r := ss(t, "", "history", "--format", "json", "--show-suppressed", "--workers", "4", f.dir).mustCode(t, 0)
		rs := records(t, r.stdout)
		if len(rs) != 1 || rs[0].Suppression == nil || rs[0].Commit != first {
			t.Fatalf("want the suppressed finding once, at %s: %+v", first, rs)
		}
	}
}
