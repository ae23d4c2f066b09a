package detectors

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, toml string
		want       []string // substrings of the error
	}{
		{"syntax", "title = \"x\"\n[[rules]\nid = \"a\"\n", []string{"config cfg.toml:", "delimiter"}},
		{"unknown key", "[[rules]]\nid = \"a\"\nregex = 'x'\nkeywords = ['x']\nregexp = 'y'\n", []string{"cfg.toml:5", `unknown key`, "regexp"}},
		{"no id", "[[rules]]\nregex = 'x'\n", []string{"rule #1 has no id"}},
		{"duplicate", "[[rules]]\nid = 'a'\nregex = 'x'\n[[rules]]\nid = 'a'\nregex = 'y'\n", []string{`rule "a"`, "duplicate"}},
		{"no regex", "[[rules]]\nid = 'a'\n", []string{`rule "a"`, "needs a regex"}},
		{"severity", "[[rules]]\nid = 'a'\nregex = 'x'\nseverity = 'urgent'\n", []string{"cfg.toml:2", `"urgent"`}},
		{"bad detector", "[[rules]]\nid = 'a'\ndetector = 'nope'\n", []string{"unknown detector"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("cfg.toml", []byte(tt.toml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateNamesRuleAndLine(t *testing.T) {
	c, err := ParseConfig("cfg.toml", []byte("title = 't'\n\n[[rules]]\nid = \"broken\"\nregex = '''(unclosed'''\nkeywords = ['x']\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "cfg.toml:4") || !strings.Contains(err.Error(), `rule "broken"`) {
		t.Errorf("Validate error = %v, want file:line and rule id", err)
	}
	c, _ = ParseConfig("cfg.toml", []byte("[[rules]]\nid = 'g'\nregex = '(a)b'\nsecret_group = 2\nkeywords = ['a']\n"))
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "secret_group 2") {
		t.Errorf("Validate error = %v, want secret_group complaint", err)
	}
}

func TestLoadConfigFileExtend(t *testing.T) {
	dir := t.TempDir()
	custom := "[[rules]]\nid = 'corp-token'\ndescription = 'corp'\nregex = '''\\b(corp_[a-z0-9]{16})\\b'''\nsecret_group = 1\nkeywords = ['corp_']\n"
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	def := defaultConfig(t)

	ext, err := LoadConfigFile(write("ext.toml", "[extend]\ndefault = true\ndisabled_rules = ['github-pat']\n"+custom))
	if err != nil {
		t.Fatal(err)
	}
	if len(ext.Rules) != len(def.Rules) {
		t.Errorf("extended config has %d rules, want %d (defaults - 1 disabled + 1 custom)", len(ext.Rules), len(def.Rules))
	}
	ids := map[string]bool{}
	for _, r := range ext.Rules {
		ids[r.ID] = true
	}
	if !ids["corp-token"] || ids["github-pat"] || !ids["aws-access-key-id"] {
		t.Errorf("extended rule ids wrong: corp-token %v github-pat %v aws %v", ids["corp-token"], ids["github-pat"], ids["aws-access-key-id"])
	}

	repl, err := LoadConfigFile(write("repl.toml", custom))
	if err != nil {
		t.Fatal(err)
	}
	if len(repl.Rules) != 1 || repl.Rules[0].ID != "corp-token" {
		t.Errorf("replacing config has rules %v", repl.Rules)
	}

	if _, err := LoadConfigFile(write("bad.toml", "[extend]\ndefault = true\ndisabled_rules = ['no-such-rule']\n")); err == nil || !strings.Contains(err.Error(), "no-such-rule") {
		t.Errorf("unknown disabled rule: %v", err)
	}
	if _, err := LoadConfigFile(filepath.Join(dir, "missing.toml")); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestClassifyName(t *testing.T) {
	for _, tt := range []struct {
		name string
		want nameClass
	}{
		{"password", namePassword}, {"DB_PASSWORD", namePassword}, {"dbPassword", namePassword},
		{"adminpass", namePassword}, {"spring.datasource.password", namePassword}, {"MYSQL_ROOT_PWD", namePassword},
		{"api_key", nameSecret}, {"apiKey", nameSecret}, {"SECRET_KEY", nameSecret}, {"client_secret", nameSecret},
		{"GITHUB_TOKEN", nameSecret}, {"auth", nameSecret}, {"key", nameKey},
		{"password_file", nameNone}, {"token_url", nameNone}, {"PASSWORD_MIN_LENGTH", nameNone},
		{"auth_url", nameNone}, {"public_key", nameNone}, {"getpass.getuser.return_value", nameNone},
		{"username", nameNone}, {"primary_key", nameNone}, {"tokenizer", nameNone},
	} {
		if got := classifyName(tt.name); got != tt.want {
			t.Errorf("classifyName(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFilterValueReasons(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		class       nameClass
		want        string
	}{
		{"password", "Xk2#pQ9!vL", namePassword, ""},
		{"password", "", namePassword, reasonEmpty},
		{"password", "${DB_PASSWORD}", namePassword, reasonTemplate},
		{"password", "{{ vault_pw }}", namePassword, reasonTemplate},
		{"password", "%(pw)s", namePassword, reasonTemplate},
		{"password", "<password>", namePassword, reasonPlaceholder},
		{"password", "changeme", namePassword, reasonPlaceholder},
		{"password", "your_password_here", namePassword, reasonPlaceholder},
		{"password", "********", namePassword, reasonPlaceholder},
		{"db_password", "db_password", namePassword, reasonSelf},
		{"password", "/etc/secret/pw.txt", namePassword, reasonPath},
		{"password", "Zq1", namePassword, reasonShort},
		{"password", "$2b$12$KIXQJ1n5Zq9F8vJ8sQ2qMe8x7yZq1kR3mN5pL7oV9tW1uX3yZ5a", namePassword, reasonHash},
		{"api_key", "AKIAIOSFODNN7EXAMPLE", nameSecret, reasonExample},
		{"token", "kept in the vault", nameSecret, reasonProse},
		{"token", "MAX_RESULTS", nameSecret, reasonIdentifier},
		{"key", "short", nameKey, reasonLowEntropy},
		{"key", "f3a9c2e17b5d4e08a6c1", nameKey, ""},
	} {
		if got := filterValue(tt.name, tt.value, tt.class); got != tt.want {
			t.Errorf("filterValue(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestWeakPasswordTag(t *testing.T) {
	eng, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		src  string
		weak bool
	}{
		{`DB_PASSWORD = "Zk8#vQ3mW7x!"`, false},
		{`DB_PASSWORD = "Zk8#vQ"`, true},
		{`DB_PASSWORD = "monkey"`, true},
		{`DB_PASSWORD = "sunshine"`, true},
	} {
		fs, err := eng.Scan("settings.py", []byte(tt.src))
		if err != nil || len(fs) != 1 {
			t.Fatalf("%s: %d findings, %v", tt.src, len(fs), err)
		}
		if got := slices.Contains(fs[0].Tags, "weak-password"); got != tt.weak {
			t.Errorf("%s: weak-password tag %v, want %v (tags %v)", tt.src, got, tt.weak, fs[0].Tags)
		}
	}
}

// TestLineScannerShapes pins the assignment shapes the line scanner reads in
// files without a parser of their own, and the values it refuses.
func TestLineScannerShapes(t *testing.T) {
	eng, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, src string
		want      string // the secret found, "" for none
	}{
		{"App.scala", `val password: String = "fsKb7xroeq52"`, "fsKb7xroeq52"},
		{"a.ts", `const dbPassword: string = "Zk8#vQ3mW7x"`, "Zk8#vQ3mW7x"},
		{"client.go", "url := \"https://api.example.org/cb?oauth_token=ywm4il0887yi&x=1\"", "ywm4il0887yi"},
		{"conn.go", `dsn := "user=app password=Zk8vQ3mW7x host=db"`, "Zk8vQ3mW7x"},
		{"Creds.java", `Credential c = new StringCredentialValue("tadk9ulo7h");`, "tadk9ulo7h"},
		{"deploy.md", "    curl -u deploy:Zk8vQ3mW7x https://x.example/api", "Zk8vQ3mW7x"},
		{"run.md", "    mytool --password Zk8vQ3mW7x --user app", "Zk8vQ3mW7x"},
		{"Main.java", " * SCRAM_TEST_PGPASSWORD=tnnm4cvqgy", "tnnm4cvqgy"},
		{"conf.js", `x = {'fs.s3a.secret.key': 'Ulwfx9R9FlKIIlV7L8zfqtXAeyO0Kk5S2jE7JBfu'}`, "Ulwfx9R9FlKIIlV7L8zfqtXAeyO0Kk5S2jE7JBfu"},
		{"notes.md", "DOMAIN_PASSWORD= WebLogic admin username for the new domain", ""},
		{"algo.go", "// second pass: find the minimum", ""},
		{"oid.go", `passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"`, ""},
		{"a.js", `token: "comment",`, ""},
		{"a.go", `Key: "databaseName",`, ""},
		{"a.go", `Key: "strangesnapshotwithuserid0",`, ""},
		{"a.yml", `update_password: on_create`, ""},
		{"a.rb", `'basic_auth' => "user:pass"`, ""},
	} {
		fs, err := eng.Scan(tt.path, []byte(tt.src+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(fs) > 0 {
			got = fs[0].Secret
		}
		if got != tt.want {
			t.Errorf("%s %q: found %q, want %q", tt.path, tt.src, got, tt.want)
		}
	}
}

func TestPronounceable(t *testing.T) {
	for v, want := range map[string]bool{"on_create": true, "databaseName": true, "VERSION": true,
		"kxfnbrhpn": false, "YDVYPWTZJRRO": false, "Ulwfx9R9FlKIIlV7L8zfqtXAeyO0Kk5S2jE7JBfu": false} {
		if got := pronounceable(v); got != want {
			t.Errorf("pronounceable(%q) = %v, want %v", v, got, want)
		}
	}
}
