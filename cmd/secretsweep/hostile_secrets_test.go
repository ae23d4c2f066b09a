package main

// Secrets stay secret: a wide sweep of commands over inputs with planted
// secrets — history, dir and stdin, every format, with and without --explain
// and --output, a damaged repository, broken configs whose rules quote a secret
// as an example, broken ignore and baseline files holding a raw secret. No part
// of a planted secret may reach stderr, ever; the report (stdout or --output)
// holds them only with --show-secrets, and otherwise no more than the redacted
// prefix.

import (
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secretsweep/secretsweep/report"
)

// plantedSecrets are the secrets of secretsRepo, by name.
type plantedSecrets map[string]string

// secretsRepo builds a repository whose history and work tree hold secrets of
// several kinds, read by several parsers; one is only in history.
func secretsRepo(t *testing.T, label string) (*fixture, plantedSecrets) {
	t.Helper()
	s := plantedSecrets{
		"aws":     fakeAWSKey(label + "/aws"),
		"ghp":     fakeGitHubPAT(label + "/ghp"),
		"slack":   fakeSlackBot(label + "/slack"),
		"pw":      fakeChars(label+"/pw", alnum, 14) + "#7",
		"urlpw":   fakeChars(label+"/urlpw", alnum, 16),
		"k8s":     fakeChars(label+"/k8s", alnum, 20),
		"gone":    fakeGitHubPAT(label + "/gone"),
		"pem":     fakePrivateKey(label + "/pem"),
		"example": fakeAWSKey(label + "/example"), // in configs only
	}
	f := newRepo(t)
	f.write("config/settings.py", "DEBUG = False\nDB_PASSWORD = \""+s["pw"]+"\"\nAWS_KEY = \""+s["aws"]+"\"\n"+
		"DATABASE_URL = \"postgres://admin:"+s["urlpw"]+"@db.internal.example.com:5432/app\"\n")
	f.write(".env", "GITHUB_TOKEN="+s["ghp"]+"\nSLACK_BOT="+s["slack"]+"\n")
	f.write("deploy/id_rsa", s["pem"]+"\n")
	f.write("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "+
		base64.StdEncoding.EncodeToString([]byte(s["k8s"]))+"\n")
	f.write("old.txt", "token "+s["gone"]+"\n")
	f.commit("plant")
	f.remove("old.txt")
	f.write("README.md", "docs\n")
	f.commit("more")
	return f, s
}

// needles are what must not appear: every 8-byte window of each secret (the
// redacted prefix is at most 4 bytes, so every window reaches past it), of its
// base64 form where the file holds that, and of each line of the PEM body.
func (s plantedSecrets) needles() []string {
	var parts []string
	for name, v := range s {
		switch name {
		case "pem":
			for _, line := range strings.Split(v, "\n") {
				if !strings.HasPrefix(line, "-----") {
					parts = append(parts, line)
				}
			}
		case "k8s":
			parts = append(parts, v, base64.StdEncoding.EncodeToString([]byte(v)))
		default:
			parts = append(parts, v)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		for i := 0; i+8 <= len(p); i++ {
			if w := p[i : i+8]; !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return out
}

// leakedNeedle returns the first needle in text, or "".
func leakedNeedle(text string, needles []string) string {
	for _, n := range needles {
		if strings.Contains(text, n) {
			return n
		}
	}
	return ""
}

var redactedSecret = regexp.MustCompile(`^[^*]{0,4}\*{5}$`)

func TestHostileSecretsStaySecret(t *testing.T) {
	t.Parallel()
	f, s := secretsRepo(t, t.Name())
	needles := s.needles()
	settings, err := os.ReadFile(f.path("config/settings.py"))
	if err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()

	// A copy of the repository with a damaged history: the blob that held the
	// deleted token is gone, a tree is corrupt.
	g, _ := secretsRepo(t, t.Name())
	goneBlob := g.git("rev-parse", "HEAD~1:old.txt")
	if err := os.Remove(filepath.Join(g.dir, ".git", "objects", goneBlob[:2], goneBlob[2:])); err != nil {
		t.Fatal(err)
	}

	// check runs one command and applies the rules; it returns the result.
	check := func(name string, stdin string, show bool, args ...string) ssResult {
		t.Helper()
		r := ssGuard(t, strings.NewReader(stdin), args...)
		if n := leakedNeedle(r.stderr, needles); n != "" {
			t.Errorf("%s: stderr leaks a secret (%q...):\n%s", name, n[:4], r.stderr)
		}
		var out string
		if i := slices.Index(args, "--output"); i >= 0 {
			b, err := os.ReadFile(args[i+1])
			if err != nil && r.code != exitError {
				t.Fatalf("%s: %v", name, err)
			}
			out = string(b)
			if r.stdout != "" {
				t.Errorf("%s: --output given, yet stdout has %d bytes", name, len(r.stdout))
			}
		} else {
			out = r.stdout
		}
		if !show {
			if n := leakedNeedle(out, needles); n != "" {
				t.Errorf("%s: the report leaks a secret without --show-secrets (%q...)", name, n[:4])
			}
		}
		format := "text"
		if i := slices.Index(args, "--format"); i >= 0 {
			format = args[i+1]
		}
		if format == "json" && out != "" {
			for _, rec := range records(t, out) {
				if show && !strings.Contains(strings.Join(slices.Collect(maps.Values(s)), "\n"), rec.Secret) {
					t.Errorf("%s: %s at %s:%d: --show-secrets shows %.4q..., not a planted secret", name, rec.Rule, rec.Path, rec.Line, rec.Secret)
				}
				if !show && !redactedSecret.MatchString(rec.Secret) {
					t.Errorf("%s: %s at %s:%d: secret %q is more than a redacted prefix", name, rec.Rule, rec.Path, rec.Line, rec.Secret)
				}
			}
		}
		if show && r.code == exitFindings && !strings.Contains(out, s["aws"]) {
			t.Errorf("%s: --show-secrets does not show the AWS key", name)
		}
		return r
	}

	sources := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"history", []string{"history", f.dir}, ""},
		{"dir", []string{"dir", f.dir}, ""},
		{"stdin", []string{"stdin", "--path", "config/settings.py"}, string(settings)},
	}
	variants := []struct {
		name  string
		flags []string
		show  bool
	}{
		{"plain", nil, false},
		{"explain", []string{"--explain"}, false},
		{"explain+show", []string{"--explain", "--show-secrets"}, true},
	}
	rulesSeen := map[string]bool{}
	for _, src := range sources {
		for _, format := range report.Formats {
			for _, v := range variants {
				name := fmt.Sprintf("%s --format %s %s", src.name, format, v.name)
				args := append(append(slices.Clone(src.args), "--format", format), v.flags...)
				r := check(name, src.stdin, v.show, args...).mustCode(t, exitFindings)
				if format == "json" && v.name == "plain" {
					for _, rec := range records(t, r.stdout) {
						rulesSeen[rec.Rule] = true
					}
				}
			}
			if src.name != "history" {
				continue // --output once per format is enough
			}
			out := filepath.Join(outDir, src.name+"."+format)
			check(src.name+" --output "+format, src.stdin, false, append(slices.Clone(src.args), "--format", format, "--output", out)...).mustCode(t, exitFindings)
			check(src.name+" --output --show-secrets "+format, src.stdin, true, append(slices.Clone(src.args), "--format", format, "--output", out, "--show-secrets")...).mustCode(t, exitFindings)
		}
	}
	// The sweep means something only if the secrets were found.
	for _, rule := range []string{"aws-access-key-id", "github-pat", "slack-bot-token", "hardcoded-password", "url-credentials"} {
		if !rulesSeen[rule] {
			t.Errorf("no scan reported a %s: the planted secrets are not all found", rule)
		}
	}

	check("history --show-suppressed", "", false, "history", "--format", "json", "--show-suppressed", "--no-inline-allow", f.dir).mustCode(t, exitFindings)

	// A damaged repository: exit 2, and still no secret on stderr.
	for _, format := range report.Formats {
		r := check("damaged history --format "+format+" --explain", "", false, "history", "--format", format, "--explain", g.dir)
		r.mustNameOneOf(t, "damaged history", goneBlob)
	}
	r := check("damaged history --show-secrets", "", true, "history", "--format", "json", "--show-secrets", g.dir)
	r.mustNameOneOf(t, "damaged history", goneBlob)

	// Broken configs whose rules quote a planted secret as an example: exit 2,
	// the message names the file and rule, never the example.
	ex := s["example"]
	rule := func(extra string) string {
		return "[[rules]]\nid = \"acme-token\"\ndescription = \"ACME\"\n" + extra + "\n"
	}
	configs := []struct {
		name, text string
		known      string // a known leak: skipped, with the reason, while it lasts
	}{
		{"bad-regex", rule("regex = '''(ghp_[A-Za-z0-9]{36}'''\nexamples = ['" + ex + "']"), ""},
		{"bad-group", rule("regex = '''ghp_[A-Za-z0-9]{36}'''\nsecret_group = 3\nexamples = ['" + ex + "']"), ""},
		{"bad-detector", rule("detector = \"nope\"\nexamples = ['" + ex + "']"), ""},
		{"bad-severity", rule("regex = '''x'''\nseverity = \"urgent\"\nexamples = ['" + ex + "']"), ""},
		{"unknown-key", rule("regex = '''x'''\nexamples = ['" + ex + "']\nexample_secret = '" + ex + "'"), ""},
		{"missing-comma", rule("regex = '''x'''\nexamples = ['" + ex + "' '" + ex + "']"), ""},
		{"bad-escape", rule("regex = '''x'''\nexamples = [\"" + ex + "\\q\"]"), ""},
		{"wrong-type", rule("regex = '''x'''\nexamples = \"" + ex + "\""), ""},
		{"duplicate-id", rule("regex = '''x'''\nexamples = ['"+ex+"']") + rule("regex = '''y'''"), ""},
		{"unterminated", rule("regex = '''x'''\nexamples = ['" + ex), ""},
		{"gitleaks-bad-regex", "title = \"gitleaks config\"\n" + rule("regex = '''(ghp_'''\nsecretGroup = 1\nexamples = ['"+ex+"']"), ""},
		{"allowlist-stopword", rule("regex = '''x'''\n[rules.allowlist]\nstopwords = ['" + ex + "']\nregexes = ['(']"), ""},
		{"unquoted-example", rule("regex = '''x'''\nexamples = [" + ex + "]"),
			""},
		{"unquoted-value", rule("regex = '''x'''\nexamples = ['x']\nkeywords = " + ex),
			""},
	}
	cfgDir := t.TempDir()
	for _, c := range configs {
		t.Run("config/"+c.name, func(t *testing.T) {
			p := filepath.Join(cfgDir, c.name+".toml")
			writeFile(t, p, c.text)
			for _, args := range [][]string{
				{"dir", "--config", p, f.dir},
				{"stdin", "--config", p, "--format", "sarif", "--explain"},
				{"history", "--config", p, "--format", "json", f.dir},
			} {
				r := ssGuard(t, strings.NewReader(string(settings)), args...)
				if n := leakedNeedle(r.stderr+r.stdout, needles); n != "" {
					if c.known != "" {
						t.Skipf("KNOWN LEAK, to fix: %s; stderr:\n%s", c.known, r.stderr)
					}
					t.Errorf("%q: a config error leaks the example secret (%q...):\n%s", args, n[:4], r.stderr)
				}
				if r.code != exitError || !strings.Contains(r.stderr, p) {
					t.Errorf("%q: want exit 2 naming %s, got:\n%s", args, p, r)
				}
			}
		})
	}

	// An ignore file and a baseline holding a raw secret where fingerprints
	// belong: refused (exit 2) without quoting it.
	d, ds := secretsRepo(t, t.Name()+"/ignore")
	dNeedles := ds.needles()
	d.write(".secretsweepignore", ds["aws"]+"\n")
	r = ssGuard(t, nil, "dir", d.dir).mustCode(t, exitError)
	if n := leakedNeedle(r.stderr+r.stdout, dNeedles); n != "" {
		t.Errorf("a bad ignore file leaks the secret it holds (%q...):\n%s", n[:4], r.stderr)
	}
	d.remove(".secretsweepignore")
	bl := filepath.Join(t.TempDir(), "baseline.json")
	writeFile(t, bl, `{"version":1,"findings":[{"fingerprint":"`+ds["ghp"]+`","rule":"github-pat","path":".env"}]}`)
	r = ssGuard(t, nil, "dir", "--baseline", bl, d.dir).mustCode(t, exitError)
	if n := leakedNeedle(r.stderr+r.stdout, dNeedles); n != "" {
		t.Errorf("a bad baseline leaks the secret it holds (%q...):\n%s", n[:4], r.stderr)
	}
}
