package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Explanation says what became of one candidate secret: which detector raised
// it, and whether it was reported or what dropped it. Explanations go to stderr,
// so Secret is always redacted.
type Explanation struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Rule     string `json:"rule"`
	Detector string `json:"detector"`
	Secret   string `json:"secret"`
	// Decision is "reported", "dropped" (by a detector's filter) or "suppressed"
	// (by an allowlist, marker, ignore entry or baseline).
	Decision string `json:"decision"`
	// Reason names the filter or suppression that decided; empty when reported.
	Reason string `json:"reason,omitempty"`
}

// WriteExplain writes explanations sorted by path, line, column and rule: one
// JSON object a line for the json and jsonl formats, else one text line each.
func WriteExplain(w io.Writer, format string, es []Explanation) error {
	slices.SortStableFunc(es, func(a, b Explanation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Reason, b.Reason))
	})
	var b strings.Builder
	for _, e := range es {
		if format == "json" || format == "jsonl" {
			j, err := json.Marshal(struct {
				Explain Explanation `json:"explain"`
			}{e})
			if err != nil {
				return err
			}
			b.Write(j)
			b.WriteByte('\n')
			continue
		}
		fmt.Fprintf(&b, "explain: %s:%d:%d %s (detector %s) %s: %s", e.Path, e.Line, e.Column, e.Rule, e.Detector, e.Secret, e.Decision)
		if e.Reason != "" {
			fmt.Fprintf(&b, " (%s)", e.Reason)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
