// Package planted describes the fake secrets that the benchmark repository
// generator (internal/benchrepo) plants at known commits, and checks a
// history scan's report against them.
//
// Every planted value is drawn from the generator's seeded random source in
// the shape of a real credential (AKIA + 16 base32 characters, ghp_ + 36
// alphanumerics, a PEM block of random base64, ...). None is a real secret:
// planted.json records each value's shape and its SHA-256, never the value.
package planted

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Secret is one planted fake secret.
type Secret struct {
	Rule        string `json:"rule"`                 // rule id that must report it
	Path        string `json:"path"`                 // path in the tree of the commit
	CommitIndex int    `json:"commit_index"`         // 0-based position in the generator's commit sequence
	Commit      string `json:"commit"`               // commit id (filled in after fast-import)
	Branch      string `json:"branch"`               // "main", "topic", "merge" (conflict resolution) or "abandoned"
	How         string `json:"how"`                  // "new-file" or "appended"
	Line        int    `json:"line"`                 // 1-based line of the secret in that blob
	Shape       string `json:"shape"`                // the value's shape: a regular expression, and where the value sits when it is part of a larger string
	ValueSHA256 string `json:"value_sha256"`         // hex SHA-256 of the value, to check a --show-secrets report
	DeletedAt   int    `json:"deleted_at,omitempty"` // commit index where the file was deleted, if it was
}

// File is the content of planted.json.
type File struct {
	Seed    int64    `json:"seed"`
	Commits int      `json:"commits"`
	Note    string   `json:"note"`
	Secrets []Secret `json:"secrets"`
}

// Hash returns the hex SHA-256 of a value, as stored in ValueSHA256.
func Hash(value string) string {
	s := sha256.Sum256([]byte(value))
	return hex.EncodeToString(s[:])
}

// Load reads a planted.json file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

// Save writes f as indented JSON.
func (f *File) Save(path string) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Record is the part of a secretsweep history finding (--format jsonl) that
// the check needs.
type Record struct {
	Rule   string `json:"rule"`
	Path   string `json:"path"`
	Commit string `json:"commit"`
	Secret string `json:"secret"`
}

// ReadRecords reads a JSON Lines report, or a JSON array report.
func ReadRecords(r io.Reader) ([]Record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	trimmed := strings.TrimSpace(string(data))
	var rs []Record
	if strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal([]byte(trimmed), &rs); err != nil {
			return nil, fmt.Errorf("reading report: %w", err)
		}
		return rs, nil
	}
	for i, line := range strings.Split(trimmed, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var rec Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			return nil, fmt.Errorf("reading report line %d: %w", i+1, err)
		}
		rs = append(rs, rec)
	}
	return rs, nil
}

// Result is the outcome of Check.
type Result struct {
	Found   int
	Total   int
	Missing []Miss
	// ValuesChecked counts the found secrets whose value was compared with
	// the planted hash (those the report shows in full: --show-secrets).
	ValuesChecked int
}

// Miss is a planted secret the report does not hold at its commit and path,
// with what the report says about that path or commit instead.
type Miss struct {
	Secret Secret
	Why    string
}

// redacted reports whether a reported secret was redacted (the default
// report shows a short prefix followed by "*****").
func redacted(secret string) bool { return strings.HasSuffix(secret, "*****") }

// Check reports which planted secrets the records hold at their planted
// rule, path and commit. A record that shows its secret in full (a report
// made with --show-secrets) must also carry the planted value.
func Check(f *File, recs []Record) Result {
	type key struct{ rule, path, commit string }
	byKey := map[key][]Record{}
	byPath := map[string][]Record{}
	for _, r := range recs {
		k := key{r.Rule, r.Path, r.Commit}
		byKey[k] = append(byKey[k], r)
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	res := Result{Total: len(f.Secrets)}
	for _, s := range f.Secrets {
		cands := byKey[key{s.Rule, s.Path, s.Commit}]
		ok, compared := false, false
		for _, r := range cands {
			if redacted(r.Secret) {
				ok = true
			} else if Hash(r.Secret) == s.ValueSHA256 {
				ok, compared = true, true
				break
			}
		}
		if ok {
			res.Found++
			if compared {
				res.ValuesChecked++
			}
			continue
		}
		res.Missing = append(res.Missing, Miss{Secret: s, Why: explainMiss(s, cands, byPath[s.Path])})
	}
	sort.Slice(res.Missing, func(i, j int) bool { return res.Missing[i].Secret.CommitIndex < res.Missing[j].Secret.CommitIndex })
	return res
}

func explainMiss(s Secret, cands, atPath []Record) string {
	if len(cands) > 0 {
		return fmt.Sprintf("%d finding(s) of %s at this path and commit, none with the planted value", len(cands), s.Rule)
	}
	if len(atPath) == 0 {
		return "no finding at this path"
	}
	var parts []string
	for i, r := range atPath {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("... %d more", len(atPath)-5))
			break
		}
		c := r.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		parts = append(parts, r.Rule+"@"+c)
	}
	return "at this path the report has " + strings.Join(parts, ", ")
}
