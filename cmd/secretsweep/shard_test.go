package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Sharded history runs merged give exactly the unsharded report: provenance and
// identity included, also when one secret's blobs fall in different shards.
func TestShardsMergeToUnsharded(t *testing.T) {
	f := newRepo(t)
	tok := fakeGitHubPAT("shard")
	for i := 0; i < 12; i++ {
		// The same secret in a file that changes each commit: one identity,
		// many blobs spread over the shards.
		f.write("app/settings.py", fmt.Sprintf("TOKEN = %q\nVERSION = %d\n", tok, i))
		f.write(fmt.Sprintf("svc%d/config.env", i), fmt.Sprintf("DB_PASSWORD=Zk8#vQ3mW%02dx\n", i))
		f.commit(fmt.Sprintf("c%d", i))
	}
	f.remove("svc3/config.env")
	f.commit("remove one")

	for _, format := range []string{"json", "jsonl"} {
		want := ss(t, "", "history", "--format", "json", f.dir).mustCode(t, 1).stdout
		dir := t.TempDir()
		var parts []string
		for k := 1; k <= 3; k++ {
			p := filepath.Join(dir, fmt.Sprintf("shard%d.%s", k, format))
			r := ss(t, "", "history", "--shard", fmt.Sprintf("%d/3", k), "--format", format, "--output", p, f.dir)
			if r.code != 0 && r.code != 1 {
				t.Fatalf("shard %d: %s", k, r)
			}
			parts = append(parts, p)
		}
		got := ss(t, "", append([]string{"merge", "--format", "json"}, parts...)...).mustCode(t, 1).stdout
		if got != want {
			t.Errorf("%s: merged shards differ from the unsharded report:\n--- merged\n%s--- unsharded\n%s", format, got, want)
		}
	}
}

func TestShardFlag(t *testing.T) {
	for _, bad := range []string{"0/3", "4/3", "1/0", "x/2", "2"} {
		r := ss(t, "", "history", "--shard", bad, ".")
		if r.code != 2 {
			t.Errorf("--shard %s: exit %d, want 2", bad, r.code)
		}
	}
	r := ss(t, "", "merge", filepath.Join(t.TempDir(), "missing.json"))
	if r.code != 2 {
		t.Errorf("merge of a missing file: exit %d", r.code)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"rule\":\"x\"}\nnot json\n"), 0o644)
	if r := ss(t, "", "merge", bad); r.code != 2 {
		t.Errorf("merge of a bad file: %s", r)
	}
}
