package allowlist

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	specs, err := DefaultSpecs()
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != len(specs) || l.Len() == 0 {
		t.Fatalf("Default has %d allowlists, DefaultSpecs %d", l.Len(), len(specs))
	}
	const (
		venv  = "built-in defaults allowlist #1 (virtualenvs and installed packages): glob "
		tools = "built-in defaults allowlist #2 (tool environments and caches): glob "
		locks = "built-in defaults allowlist #3 (dependency lock files): glob "
		keys  = "built-in defaults allowlist #4 (documented example keys): secret regex "
	)
	tests := []struct {
		path, secret string
		want         string // verdict source, "" for none
	}{
		{".venv/lib/python3.12/site-packages/botocore/data.json", "x", venv + "**/.venv/**"},
		{"venv/bin/activate", "x", venv + "**/venv/**"},
		{"services/api/venv/lib/x.py", "x", venv + "**/venv/**"},
		{"virtualenv/lib/x.py", "x", venv + "**/virtualenv/**"},
		{"lib/python3.11/site-packages/requests/auth.py", "x", venv + "**/site-packages/**"},
		{"usr/lib/python3/dist-packages/apt/auth.py", "x", venv + "**/dist-packages/**"},
		{"vendor/boto3-1.34.0.dist-info/METADATA", "x", venv + "**/*.dist-info/**"},
		{"src/mypkg.egg-info/PKG-INFO", "x", venv + "**/*.egg-info/**"},
		{".eggs/pytest_runner-6.0.egg/x.py", "x", venv + "**/.eggs/**"},
		{"frontend/node_modules/aws-sdk/README.md", "x", venv + "**/node_modules/**"},
		{".tox/py312/lib/x.py", "x", tools + "**/.tox/**"},
		{".nox/tests/lib/x.py", "x", tools + "**/.nox/**"},
		{"app/__pycache__/settings.cpython-312.pyc", "x", tools + "**/__pycache__/**"},
		{"poetry.lock", "x", locks + "poetry.lock"},
		{"backend/Pipfile.lock", "x", locks + "Pipfile.lock"},
		{"uv.lock", "x", locks + "uv.lock"},
		{"pdm.lock", "x", locks + "pdm.lock"},
		{"web/package-lock.json", "x", locks + "package-lock.json"},
		{"web/yarn.lock", "x", locks + "yarn.lock"},
		{"web/pnpm-lock.yaml", "x", locks + "pnpm-lock.yaml"},
		{"tools/go.sum", "x", locks + "go.sum"},
		{"rust/Cargo.lock", "x", locks + "Cargo.lock"},
		{"settings.py", "AKIAIOSFODNN7EXAMPLE", keys + "^(AKIA|ASIA)[0-9A-Z]{9}EXAMPLE$"},
		{"settings.py", "AKIAI44QH8DHBEXAMPLE", keys + "^(AKIA|ASIA)[0-9A-Z]{9}EXAMPLE$"},
		{"settings.py", "ASIAIOSFODNN7EXAMPLE", keys + "^(AKIA|ASIA)[0-9A-Z]{9}EXAMPLE$"},
		{"settings.py", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", keys + "^[0-9A-Za-z/+]{30}EXAMPLEKEY$"},
		{"settings.py", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", keys + "^[0-9A-Za-z/+]{30}EXAMPLEKEY$"},
		{"billing.py", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", keys + "^sk_test_(4eC39HqLyjWDarjtT1zdp7dc|BQokikJOvBiI2HlWgH4olfQ2)$"},
		{"billing.py", "sk_test_BQokikJOvBiI2HlWgH4olfQ2", keys + "^sk_test_(4eC39HqLyjWDarjtT1zdp7dc|BQokikJOvBiI2HlWgH4olfQ2)$"},
		{"billing.js", "pk_test_TYooMQauvdEDq54NiTphI7jx", keys + "^pk_test_TYooMQauvdEDq54NiTphI7jx$"},
		{"auth.py", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
			keys + `\.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$`},
		// Not noise.
		{"app/settings.py", "Zx81!kqP0w", ""},
		{"envs/prod.env", "Zx81!kqP0w", ""},
		{"environment/settings.py", "Zx81!kqP0w", ""},
		{"docs/venv.md", "Zx81!kqP0w", ""},
		{"my_venv/settings.py", "Zx81!kqP0w", ""},
		{"poetry.lock.py", "Zx81!kqP0w", ""},
		{"app/settings.py", "AKIAJ7Q2XW3LBEXAMPLF", ""},
		{"app/settings.py", "AKIAIOSFODNN7EXAMPLEX", ""},
		{"app/settings.py", "sk_test_4eC39HqLyjWDarjtT1zdp7dX", ""},
		{"app/settings.py", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYS", ""},
	}
	for _, tt := range tests {
		v, ok := l.Match(Candidate{Rule: "r", Path: tt.path, Secret: tt.secret})
		if ok != (tt.want != "") || v.Source != tt.want {
			t.Errorf("%s %s: Match = %q, %v; want %q", tt.path, tt.secret, v.Source, ok, tt.want)
		}
	}
	// Every glob and regex of the default is exercised above.
	var all strings.Builder
	for _, tt := range tests {
		all.WriteString(tt.want + "\n")
	}
	for _, s := range specs {
		for _, g := range s.Globs {
			if !strings.Contains(all.String(), "glob "+g+"\n") {
				t.Errorf("default glob %s is not tested", g)
			}
		}
		for _, r := range s.Regexes {
			if !strings.Contains(all.String(), "regex "+r+"\n") {
				t.Errorf("default regex %s is not tested", r)
			}
		}
	}
}
