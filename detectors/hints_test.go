package detectors

import (
	"slices"
	"strings"
	"testing"
)

func TestHintLines(t *testing.T) {
	e, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		text string
		want []hintLine
	}{
		{"none", "x = 1\ny = 2\n", nil},
		{"one line", "a\nPASSWORD = 'x'\nb\n", []hintLine{{start: 2, end: 16, no: 2, groups: hintCred}}},
		{"groups merge", "curl -u u:p https://h\n", []hintLine{{start: 0, end: 21, no: 1, groups: hintCurl | hintURL}}},
		{"no final newline", "\n\nBearer abc", []hintLine{{start: 2, end: 12, no: 3, groups: hintBearer}}},
		{"several", "token = 1\nnothing\n\nidentified by 'x' -- key\n", []hintLine{
			{start: 0, end: 9, no: 1, groups: hintCred | hintBearer},
			{start: 19, end: 43, no: 4, groups: hintSQL | hintCred},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, got := e.keywordPass([]byte(tc.text))
			if !slices.Equal(got, tc.want) {
				t.Errorf("engine pass: %+v, want %+v", got, tc.want)
			}
			if got := findHintLines([]byte(tc.text)); !slices.Equal(got, tc.want) {
				t.Errorf("findHintLines: %+v, want %+v", got, tc.want)
			}
		})
	}
	long := strings.Repeat("secret_key = 'x'\n", 500) + "basic " + strings.Repeat("a", 100)
	_, _, a := e.keywordPass([]byte(long))
	if b := findHintLines([]byte(long)); !slices.Equal(a, b) || len(a) != 501 || a[500].no != 501 {
		t.Errorf("engine pass and findHintLines differ or miscount: %d and %d lines", len(a), len(b))
	}
}

// The '@' check before the URL regex never skips a line the regex matches.
func TestURLMayHoldCredential(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"DB = 'postgres://app:Zk8vQ3mW7xP@db.internal/app'", true},
		{"see https://example.com/docs for more", false},
		{"mail bob@example.com or visit https://example.com", false},
		{"a://b c @", true},
		{"no url here @", false},
		{"x://u:p@h and y://", true},
	} {
		got := urlMayHoldCredential([]byte(tc.line))
		if got != tc.want {
			t.Errorf("urlMayHoldCredential(%q) = %v, want %v", tc.line, got, tc.want)
		}
		if urlCredRe().Match([]byte(tc.line)) && !got {
			t.Errorf("%q: the regex matches but the check skips it", tc.line)
		}
	}
}
