package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func ExampleRedact() {
	fmt.Println(Redact("AKIAZ3MSJV4WWNKWW5FG"))
	fmt.Println(Redact("hunter2"))
	fmt.Println(Redact("Tq7vWm2p#Lx9"))
	// Output:
	// AKIA*****
	// *****
	// Tq7*****
}

func TestRedactNeverRevealsMuch(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI", "pässwörd-ünïcode", "-----BEGIN RSA PRIVATE KEY-----\nMIIE"} {
		r := Redact(s)
		kept := strings.TrimSuffix(r, "*****")
		if len(kept) > 4 || len(kept) > len(s)/4 {
			t.Errorf("Redact(%q) = %q keeps too much", s, r)
		}
		if !strings.HasPrefix(s, kept) {
			t.Errorf("Redact(%q) = %q is not a prefix", s, r)
		}
		if len(s) >= 8 && strings.Contains(r, s) {
			t.Errorf("Redact(%q) reveals the secret", s)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint([]byte("k"), "rule", "secret")
	if len(a) != 64 {
		t.Fatalf("fingerprint %q is not 64 hex digits", a)
	}
	for _, tt := range []struct {
		key, rule, secret string
		same              bool
	}{
		{"k", "rule", "secret", true},
		{"k2", "rule", "secret", false},
		{"k", "rule2", "secret", false},
		{"k", "rule", "secret2", false},
		{"k", "rules", "ecret", false}, // the separator keeps fields apart
	} {
		if got := Fingerprint([]byte(tt.key), tt.rule, tt.secret) == a; got != tt.same {
			t.Errorf("Fingerprint(%q, %q, %q) same = %v, want %v", tt.key, tt.rule, tt.secret, got, tt.same)
		}
	}
}

func TestSortIsDeterministic(t *testing.T) {
	rs := []Record{
		{Path: "b.py", Line: 1, Rule: "x"},
		{Path: "a.py", Line: 9, Rule: "x"},
		{Path: "a.py", Line: 2, Column: 5, Rule: "y"},
		{Path: "a.py", Line: 2, Column: 5, Rule: "a"},
	}
	Sort(rs)
	var got []string
	for _, r := range rs {
		got = append(got, fmt.Sprintf("%s:%d:%s", r.Path, r.Line, r.Rule))
	}
	want := "a.py:2:a a.py:2:y a.py:9:x b.py:1:x"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestWriteFormats(t *testing.T) {
	in := true
	rs := []Record{{Rule: "r", Path: "p.py", Line: 3, Column: 2, EndLine: 3, EndColumn: 9, Secret: "ab*****", Fingerprint: strings.Repeat("f", 64), Commit: strings.Repeat("c", 40), InHead: &in}}
	var b bytes.Buffer
	if err := Write(&b, "json", rs, false); err != nil {
		t.Fatal(err)
	}
	var arr []map[string]any
	if err := json.Unmarshal(b.Bytes(), &arr); err != nil || len(arr) != 1 {
		t.Fatalf("json output %q: %v", b.String(), err)
	}
	if arr[0]["in_head"] != true || arr[0]["end_line"] != 3.0 {
		t.Errorf("json fields wrong: %v", arr[0])
	}
	if tags, ok := arr[0]["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tags = %v, want []", arr[0]["tags"])
	}
	b.Reset()
	if err := Write(&b, "json", nil, false); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty json = %q, %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, "jsonl", append(rs, rs...), false); err != nil || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("jsonl = %q, %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, "text", rs, false); err != nil || strings.Contains(b.String(), "\x1b[") || !strings.Contains(b.String(), "p.py\n  3:2") {
		t.Errorf("text = %q, %v", b.String(), err)
	}
	b.Reset()
	if err := Write(&b, "text", rs, true); err != nil || !strings.Contains(b.String(), "\x1b[") {
		t.Errorf("colour text = %q, %v", b.String(), err)
	}
	if err := Write(&b, "xml", rs, false); err == nil {
		t.Error("unknown format accepted")
	}
}
