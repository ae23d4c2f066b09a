package main

import "testing"

// A dir scan of a subdirectory of a repository keys fingerprints with the same
// root commit as a history scan of the repository, so baselines and ignore
// entries match whichever way the code was scanned.
func TestFingerprintSubdirMatchesHistory(t *testing.T) {
	requireGit(t)
	f := newRepo(t)
	tok := fakeGitHubPAT("subdir")
	f.write("README", "readme\n")
	f.commit("root")
	f.write("svc/app.env", "GITHUB_TOKEN="+tok+"\n")
	f.commit("add token")

	hist := records(t, ss(t, "", "history", "--format", "json", f.dir).mustCode(t, 1).stdout)
	sub := records(t, ss(t, "", "dir", "--format", "json", f.path("svc")).mustCode(t, 1).stdout)
	if len(hist) != 1 || len(sub) != 1 {
		t.Fatalf("findings: history %d, dir %d; want 1 each", len(hist), len(sub))
	}
	if hist[0].Fingerprint != sub[0].Fingerprint {
		t.Errorf("fingerprint differs: history %s, dir of a subdirectory %s", hist[0].Fingerprint, sub[0].Fingerprint)
	}
}
