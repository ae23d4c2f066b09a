package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	tok := fakeGitHubPAT("explain")
	src := "password = \"changeme\"\napi_key = os.environ[\"KEY\"]\ntoken = \"" + tok + "\"\nsecret = f\"{a}-{b}\"\ndb_password = \"Zk8#vQ3mW7x\"\n"

	r := ss(t, src, "stdin", "--path", "settings.py", "--explain", "--format", "jsonl").mustCode(t, 1)
	got := map[string]string{}
	for _, line := range strings.Split(r.stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e struct {
			Explain struct {
				Line     int
				Rule     string
				Decision string
				Reason   string
			}
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("explain line %q: %v", line, err)
		}
		got[e.Explain.Rule+"@"+string(rune('0'+e.Explain.Line))] = e.Explain.Decision + ":" + e.Explain.Reason
	}
	want := map[string]string{
		"hardcoded-password@1": "dropped:placeholder",
		"hardcoded-secret@2":   "dropped:indirection",
		"github-pat@3":         "reported:",
		"hardcoded-secret@3":   "dropped:shadowed by github-pat",
		"hardcoded-secret@4":   "dropped:template",
		"hardcoded-password@5": "reported:",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("explain %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	for _, s := range []string{tok, "Zk8#vQ3mW7x"} {
		if strings.Contains(r.stderr, s) {
			t.Errorf("stderr reveals a secret:\n%s", r.stderr)
		}
	}

	// Text form, and nothing without the flag.
	r = ss(t, src, "stdin", "--path", "settings.py", "--explain").mustCode(t, 1)
	if !strings.Contains(r.stderr, "explain: settings.py:1:13 hardcoded-password (detector password-assignment)") || !strings.Contains(r.stderr, "dropped (placeholder)") {
		t.Errorf("text explanations missing:\n%s", r.stderr)
	}
	r = ss(t, src, "stdin", "--path", "settings.py").mustCode(t, 1)
	if strings.Contains(r.stderr, "explain") {
		t.Errorf("explanations without --explain:\n%s", r.stderr)
	}
}

func TestExplainHistoryOnce(t *testing.T) {
	requireGit(t)
	f := newRepo(t)
	for i := 0; i < 3; i++ {
		f.write("app.py", "password = \"changeme\"\nx = "+string(rune('0'+i))+"\n")
		f.commit("c")
	}
	r := ss(t, "", "history", "--explain", f.dir).mustCode(t, 0)
	if n := strings.Count(r.stderr, "dropped (placeholder)"); n != 1 {
		t.Errorf("placeholder explained %d times across 3 blobs, want 1:\n%s", n, r.stderr)
	}
}
