package main

import (
	"fmt"
	"math"
	"math/rand"
	"strings"

	"github.com/secretsweep/secretsweep/entropy"
)

// A kind of planted secret: a rule of the default rule set, the shape of its
// values, a generator of fake values in that shape, files that hold one, and
// for regex rules a line that can be appended to an existing file.
//
// Values come from the generator's seeded random source. They have the shape
// of real credentials so that the rules fire, but are random: none is, or was
// ever, a real secret.
type secretKind struct {
	rule  string
	shape string
	value func(r *rand.Rand) string
	// newFile returns a file name and its content holding v.
	newFile func(r *rand.Rand, v string) (name, content string)
	// line, when set, is a line holding v for a file with extension ext;
	// only regex rules, which match anywhere, are appended to existing files.
	line func(ext, v string) string
}

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower  = "abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
	alnum  = upper + lower + digits
	b64    = alnum + "+/"
	hexd   = "0123456789abcdef"
)

func randFrom(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.Intn(len(set))]
	}
	return string(b)
}

// randMixed returns n characters from set with at least one upper case
// letter, one lower case letter and one digit (a generated-looking value).
func randMixed(r *rand.Rand, set string, n int) string {
	for {
		s := randFrom(r, set, n)
		if strings.ContainsAny(s, upper) && strings.ContainsAny(s, lower) && strings.ContainsAny(s, digits) {
			return s
		}
	}
}

// gen draws a value of kind k that is random enough for its rule: rules set
// a minimum Shannon entropy, which a short random string can miss by chance.
func (k *secretKind) gen(r *rand.Rand) string {
	for {
		v := k.value(r)
		n := float64(min(len(v), 40))
		if entropy.Shannon(v) >= min(3.7, 0.8*math.Log2(n)) {
			return v
		}
	}
}

// assignLine writes NAME = "v" in the syntax of a file type.
func assignLine(ext, name, v string) string {
	switch ext {
	case ".py":
		return fmt.Sprintf("%s = %q\n", strings.ToUpper(name), v)
	case ".go":
		return fmt.Sprintf("\nconst %s = %q\n", camel(name), v)
	case ".js", ".ts":
		return fmt.Sprintf("const %s = %q;\n", camel(name), v)
	case ".c", ".h", ".cc", ".cpp", ".s":
		return fmt.Sprintf("#define %s %q\n", strings.ToUpper(name), v)
	case ".sh", ".bash":
		return fmt.Sprintf("export %s=%q\n", strings.ToUpper(name), v)
	case ".yaml", ".yml":
		return fmt.Sprintf("%s: %s\n", name, v)
	}
	return fmt.Sprintf("%s=%s\n", strings.ToUpper(name), v)
}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

var secretKinds = []secretKind{
	{
		rule:  "aws-access-key-id",
		shape: "AKIA[A-Z2-7]{16}",
		value: func(r *rand.Rand) string { return "AKIA" + randFrom(r, upper+"234567", 16) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "aws_credentials.ini", fmt.Sprintf("[default]\nregion = eu-west-1\naws_access_key_id = %s\noutput = json\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "aws_access_key_id", v) },
	},
	{
		rule:  "github-pat",
		shape: "ghp_[A-Za-z0-9]{36}",
		value: func(r *rand.Rand) string { return "ghp_" + randMixed(r, alnum, 36) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return ".env", fmt.Sprintf("LOG_LEVEL=info\nGITHUB_TOKEN=%s\nWORKERS=4\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "github_token", v) },
	},
	{
		rule:  "slack-bot-token",
		shape: "xoxb-[0-9]{11}-[0-9]{12}-[A-Za-z0-9]{24}",
		value: func(r *rand.Rand) string {
			return "xoxb-" + randFrom(r, "123456789", 1) + randFrom(r, digits, 10) + "-" +
				randFrom(r, "123456789", 1) + randFrom(r, digits, 11) + "-" + randMixed(r, alnum, 24)
		},
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "slack.yaml", fmt.Sprintf("slack:\n  channel: \"#deploys\"\n  bot_token: %s\n  notify_on_failure: true\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "slack_bot_token", v) },
	},
	{
		rule:  "stripe-live-secret-key",
		shape: "sk_live_[A-Za-z0-9]{32}",
		value: func(r *rand.Rand) string { return "sk_live_" + randMixed(r, alnum, 32) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "billing_settings.py", fmt.Sprintf("import stripe\n\nCURRENCY = \"eur\"\nstripe.api_key = %q\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "stripe_secret_key", v) },
	},
	{
		rule:  "private-key-rsa",
		shape: "-----BEGIN RSA PRIVATE KEY-----\\nMII[A-Za-z0-9+/]{61}(\\n[A-Za-z0-9+/]{64}){11}\\n-----END RSA PRIVATE KEY-----",
		value: func(r *rand.Rand) string {
			var b strings.Builder
			b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
			b.WriteString("MII" + randFrom(r, b64, 61) + "\n")
			for i := 0; i < 11; i++ {
				b.WriteString(randFrom(r, b64, 64) + "\n")
			}
			b.WriteString("-----END RSA PRIVATE KEY-----")
			return b.String()
		},
		newFile: func(r *rand.Rand, v string) (string, string) { return "deploy_id_rsa", v + "\n" },
	},
	{
		rule:  "hardcoded-password",
		shape: "[A-Za-z0-9!#%&*+=?@^_-]{16}",
		value: func(r *rand.Rand) string { return randMixed(r, alnum+"!#%&*+=?@^_-", 16) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "settings_local.py", fmt.Sprintf("DEBUG = False\n\nDATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": \"app\",\n        \"USER\": \"app\",\n        \"PASSWORD\": %q,\n        \"HOST\": \"db.internal\",\n    }\n}\n", v)
		},
	},
	{
		rule:  "hardcoded-secret",
		shape: "[A-Za-z0-9]{32}",
		value: func(r *rand.Rand) string { return randMixed(r, alnum, 32) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "oauth.json", fmt.Sprintf("{\n  \"client_id\": \"reports-service\",\n  \"client_secret\": %q,\n  \"scopes\": [\"read\", \"write\"]\n}\n", v)
		},
	},
	{
		rule:  "url-credentials",
		shape: "[A-Za-z0-9]{14}, the password of postgresql://migrator:PASSWORD@db.internal:5432/app",
		value: func(r *rand.Rand) string { return randMixed(r, alnum, 14) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "alembic.ini", fmt.Sprintf("[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://migrator:%s@db.internal:5432/app\n", v)
		},
	},
	{
		rule:  "sendgrid-api-key",
		shape: "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
		value: func(r *rand.Rand) string {
			return "SG." + randMixed(r, alnum+"_-", 22) + "." + randMixed(r, alnum+"_-", 43)
		},
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "mailer.go", fmt.Sprintf("package mailer\n\n// sendgridKey authenticates outgoing mail.\nconst sendgridKey = %q\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "sendgrid_api_key", v) },
	},
	{
		rule:  "gitlab-pat",
		shape: "glpat-[A-Za-z0-9_-]{20}",
		value: func(r *rand.Rand) string { return "glpat-" + randMixed(r, alnum, 20) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "release.sh", fmt.Sprintf("#!/bin/sh\nset -e\nexport GITLAB_TOKEN=%q\ncurl --header \"PRIVATE-TOKEN: $GITLAB_TOKEN\" https://gitlab.example.com/api/v4/projects\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "gitlab_token", v) },
	},
	{
		rule:  "openai-api-key",
		shape: "sk-proj-[A-Za-z0-9]{40}T3BlbkFJ[A-Za-z0-9]{40}",
		value: func(r *rand.Rand) string {
			return "sk-proj-" + randMixed(r, alnum, 40) + "T3BlbkFJ" + randMixed(r, alnum, 40)
		},
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "llm_client.py", fmt.Sprintf("from openai import OpenAI\n\nclient = OpenAI(api_key=%q)\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "openai_api_key", v) },
	},
	{
		rule:  "twilio-api-key",
		shape: "SK[0-9a-f]{32}",
		value: func(r *rand.Rand) string { return "SK" + randFrom(r, hexd, 32) },
		newFile: func(r *rand.Rand, v string) (string, string) {
			return "sms.toml", fmt.Sprintf("[twilio]\naccount = \"ops\"\napi_key_sid = %q\n", v)
		},
		line: func(ext, v string) string { return assignLine(ext, "twilio_api_key", v) },
	},
}

// appendable lists the extensions a regex secret may be appended to: files
// whose syntax assignLine knows, or plain text.
var appendable = map[string]bool{
	".py": true, ".go": true, ".js": true, ".ts": true, ".c": true, ".h": true, ".sh": true,
	".yaml": true, ".yml": true, ".txt": true, ".md": true, ".rst": true, ".cfg": true, ".conf": true,
}
