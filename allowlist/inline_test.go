package allowlist

import (
	"fmt"
	"testing"
)

func TestInlineAllowed(t *testing.T) {
	tests := []struct {
		line string
		want string // marker, "" for none
	}{
		// Comment syntaxes.
		{`API_KEY = "a8f5f167f44f4964e6c998dee827110c"  # secretsweep:allow`, MarkerAllow},
		{`API_KEY = "a8f5f167f44f4964e6c998dee827110c"  #secretsweep:allow`, MarkerAllow},
		{`API_KEY = "a8f5f167f44f4964e6c998dee827110c"  ## secretsweep:allow`, MarkerAllow},
		{`API_KEY = "a8f5"  # noqa: S105  # secretsweep:allow test key`, MarkerAllow},
		{`const key = "a8f5f167f44f4964"; // secretsweep:allow`, MarkerAllow},
		{`const key = "a8f5f167f44f4964"; /// secretsweep:allow`, MarkerAllow},
		{`const key = "a8f5f167f44f4964"; /* secretsweep:allow */`, MarkerAllow},
		{`const key = "a8f5f167f44f4964";/* secretsweep:allow */`, MarkerAllow},
		{`ALTER USER app IDENTIFIED BY 'Xy12pq'; -- secretsweep:allow`, MarkerAllow},
		{`password = Xy12pqZZ ; secretsweep:allow`, MarkerAllow},
		{`password = Xy12pqZZ ;; secretsweep:allow`, MarkerAllow},
		{`<add key="pw" value="Xy12pqZZ"/><!-- secretsweep:allow -->`, MarkerAllow},
		{`<add key="pw" value="Xy12pqZZ"/> <!--secretsweep:allow-->`, MarkerAllow},
		{`{{ connect(password="Xy12pqZZ") }} {# secretsweep:allow #}`, MarkerAllow},
		{`set PASSWORD=Xy12pqZZ & REM secretsweep:allow`, MarkerAllow},
		{`rem secretsweep:allow`, MarkerAllow},
		{"password: Xy12pqZZ\t#\tsecretsweep:allow", MarkerAllow},
		{`    "    \"token\": \"ghp_x\"  # secretsweep:allow\n",`, MarkerAllow}, // a notebook source line
		{`secret = "x" # secretsweep:allow.`, MarkerAllow},
		// Other tools' markers.
		{`aws_secret = "wJalrXUtnFEMI"  # gitleaks:allow`, MarkerGitleaksAllow},
		{`aws_secret = "wJalrXUtnFEMI"  //gitleaks:allow`, MarkerGitleaksAllow},
		{`aws_secret = "wJalrXUtnFEMI"  # pragma: allowlist secret`, MarkerPragmaAllow},
		{`aws_secret = "wJalrXUtnFEMI"  # pragma:allowlist secret`, MarkerPragmaAllow},
		{`aws_secret = "wJalrXUtnFEMI"  # pragma: allowlist  secret`, MarkerPragmaAllow},
		{`aws_secret = "wJalrXUtnFEMI"  /* pragma: allowlist secret */`, MarkerPragmaAllow},
		// Not a marker: no comment opener before it.
		{`token = "secretsweep:allow"`, ""},
		{`token = "abc#secretsweep:allow"`, ""},
		{`token = "tok3n-secretsweep:allow"`, ""},
		{`url = "http://secretsweep:allow@db.example.org"`, ""},
		{`url = "https://db.example.org/#secretsweep:allow"`, ""},
		{`x = a--secretsweep:allow`, ""},
		{`x = a;secretsweep:allow`, ""},
		{`x = 1 - secretsweep:allow`, ""},
		{`x = 1 / secretsweep:allow`, ""},
		{`x = 1 * secretsweep:allow`, ""},
		{`x = "a" # note: secretsweep:allow`, ""}, // other text between opener and marker
		{`x = "a" # the gitleaks:allow marker`, ""},
		{`REMsecretsweep:allow`, ""},
		{`xrem secretsweep:allow`, ""},
		{`# pragma: allowlist`, ""},
		{`# pragma: allowlistsecret`, ""},
		{`# pragma: allow secret`, ""},
		// Not a marker: it goes on.
		{`x = "a" # secretsweep:allowed`, ""},
		{`x = "a" # secretsweep:allow_all`, ""},
		{`x = "a" # secretsweep:allow2`, ""},
		{`x = "a" # gitleaks:allow-list`, ""},
		{`x = "a" # pragma: allowlist secrets`, ""},
		// Next-line markers do not allow their own line.
		{`x = "a" # secretsweep:allow-next-line`, ""},
		{`x = "a" # pragma: allowlist nextline secret`, ""},
		{`x = "a" # SECRETSWEEP:ALLOW`, ""}, // markers are case-sensitive
		{``, ""},
		// One marker is enough, wherever it is.
		{`x = "secretsweep:allow" # secretsweep:allow`, MarkerAllow},
	}
	for _, tt := range tests {
		m, ok := InlineAllowed(tt.line)
		if ok != (tt.want != "") || m != tt.want {
			t.Errorf("InlineAllowed(%q) = %q, %v; want %q", tt.line, m, ok, tt.want)
		}
	}
}

func TestAllowsNextLine(t *testing.T) {
	tests := []struct {
		line string
		want string
	}{
		{`# secretsweep:allow-next-line`, MarkerAllowNextLine},
		{`    # secretsweep:allow-next-line: fixture for the login test`, MarkerAllowNextLine},
		{`// secretsweep:allow-next-line`, MarkerAllowNextLine},
		{`-- secretsweep:allow-next-line`, MarkerAllowNextLine},
		{`<!-- secretsweep:allow-next-line -->`, MarkerAllowNextLine},
		{`x = 1  # secretsweep:allow-next-line`, MarkerAllowNextLine},
		{`# pragma: allowlist nextline secret`, MarkerPragmaAllowNext},
		{`#pragma:allowlist nextline  secret`, MarkerPragmaAllowNext},
		{`# secretsweep:allow`, ""},
		{`# gitleaks:allow`, ""},
		{`# pragma: allowlist secret`, ""},
		{`# secretsweep:allow-next-lines`, ""},
		{`# pragma: allowlist nextlinesecret`, ""},
		{`x = "secretsweep:allow-next-line"`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		m, ok := AllowsNextLine(tt.line)
		if ok != (tt.want != "") || m != tt.want {
			t.Errorf("AllowsNextLine(%q) = %q, %v; want %q", tt.line, m, ok, tt.want)
		}
	}
}

func TestInline(t *testing.T) {
	tests := []struct {
		line, prev string
		want       string
	}{
		{`pw = "x"  # secretsweep:allow`, "", `inline marker "secretsweep:allow" on the finding's line`},
		{`pw = "x"`, "# secretsweep:allow-next-line", `inline marker "secretsweep:allow-next-line" on the line above`},
		{`pw = "x"  # gitleaks:allow`, "# secretsweep:allow-next-line", `inline marker "gitleaks:allow" on the finding's line`},
		{`pw = "x"`, `# secretsweep:allow`, ""},
		{`pw = "x"  # secretsweep:allow-next-line`, "", ""},
	}
	for _, tt := range tests {
		v, ok := Inline(tt.line, tt.prev)
		if ok != (tt.want != "") || v.Source != tt.want || ok && v.Kind != KindInline {
			t.Errorf("Inline(%q, %q) = %+v, %v; want %q", tt.line, tt.prev, v, ok, tt.want)
		}
	}
}

func ExampleInlineAllowed() {
	for _, line := range []string{
		`API_KEY = "a8f5f167f44f4964e6c9"  # secretsweep:allow`,
		`API_KEY = "a8f5f167f44f4964e6c9"  # pragma: allowlist secret`,
		`API_KEY = "secretsweep:allow"`, // in the value, not in a comment
		`API_KEY = "a8f5f167f44f4964e6c9"  # secretsweep:allow-next-line`,
	} {
		marker, ok := InlineAllowed(line)
		fmt.Printf("%v %q\n", ok, marker)
	}
	// Output:
	// true "secretsweep:allow"
	// true "pragma: allowlist secret"
	// false ""
	// false ""
}

func ExampleAllowsNextLine() {
	src := []string{
		`# secretsweep:allow-next-line -- the key of the public test tenant`,
		`TEST_TENANT_KEY = "f0e4c2f76c58916ec258f246851bea09"`,
	}
	marker, ok := AllowsNextLine(src[0])
	fmt.Println(ok, marker)
	// Output:
	// true secretsweep:allow-next-line
}
