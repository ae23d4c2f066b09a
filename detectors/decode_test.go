package detectors

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// Made-up secrets for the decoding tests.
const (
	decGHToken   = "ghp_Wq3Zr8Tn5Kx2Mv7Lp9Yb4Hd6Fs1Gj0Ac2Ee5"
	decAWSSecret = "Qm9x7Lp2Vr8Tz3Wk5Nc1Hy6Jd4Fs0Gb2Ae7Ru9Xo"
)

func b64(s string) string    { return base64.StdEncoding.EncodeToString([]byte(s)) }
func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// pct percent-encodes every byte of s.
func pct(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// uesc \u-escapes every byte of s.
func uesc(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func TestFindEncoded(t *testing.T) {
	long := b64("export PASSWORD=hunter2hunter2")
	tests := []struct {
		name string
		in   string
		want []string // "enc:text" of each span
	}{
		{"none", "plain text, short b64 aGVsbG8= and a_snake_name", nil},
		{"base64 in yaml", "key: " + long + "\n", []string{"base64:" + long}},
		{"base64 padding kept", "v=" + b64("ab:cdefghijklmnop"), []string{"base64:" + b64("ab:cdefghijklmnop")}},
		{"percent run", `url = "https://x.io/?t=ghp%5Fabc&y=1"`, []string{"percent:https://x.io/?t=ghp%5Fabc&y=1"}},
		{"escape run with escaped quote", `"a\u0041b\"c" tail`, []string{`escape:a\u0041b\"c`}},
		{"hex escapes", `s = '\x41\x42\x43'`, []string{`escape:\x41\x42\x43`}},
		{"not escapes", `"C:\\new\\table" and 100% sure, %zz`, nil},
		{"hex hash skipped", "sha256: " + strings.Repeat("ab12", 16), nil},
		{"pem skipped", "-----BEGIN PRIVATE KEY-----\n" + long + "\n-----END PRIVATE KEY-----\nx: " + long, []string{"base64:" + long}},
		{"image data uri skipped", `<img src="data:image/svg+xml;base64,` + b64("<svg xmlns='http://www.w3.org/2000/svg'/>") + `">`, nil},
		{"text data uri kept", `data:text/plain;base64,` + long, []string{"base64:" + long}},
		{"base64 beside a percent run", "a=%41%42 " + long, []string{"percent:a=%41%42", "base64:" + long}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range findEncoded([]byte(tt.in)) {
			got = append(got, s.enc.String()+":"+tt.in[s.start:s.end])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: spans %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDecodeSpan(t *testing.T) {
	tests := []struct {
		in, want string
		enc      encoding
	}{
		{b64("password=Zk8vQ3mW7x!"), "password=Zk8vQ3mW7x!", encBase64},
		{strings.TrimRight(b64("password=Zk8vQ3mW7x!?"), "="), "password=Zk8vQ3mW7x!?", encBase64},
		{b64url("token=>>>?ÿ~~~secretsecret"), "token=>>>?ÿ~~~secretsecret", encBase64},
		{"ghp%5Fabc%2Bdef", "ghp_abc+def", encPercent},
		{`\u0067hp\x5f\ud83d\ude00\n\"q\"\z`, "ghp_😀\n\"q\"\\z", encEscape},
		{`\U0001F600x`, "😀x", encEscape},
	}
	for _, tt := range tests {
		got, offs, ok := decodeSpan([]byte(tt.in), encodedSpan{0, len(tt.in), tt.enc}, maxDecoded)
		if !ok || string(got) != tt.want {
			t.Errorf("decode %s %q = %q, %v; want %q", tt.enc, tt.in, got, ok, tt.want)
		}
		if offs != nil && (len(offs) != len(got)+1 || int(offs[len(got)]) != len(tt.in)) {
			t.Errorf("decode %q: offsets %v", tt.in, offs)
		}
	}
	// Binary data, hashes and random bytes do not decode to text.
	for _, in := range []string{
		base64.StdEncoding.EncodeToString(randomBytes(t, 48)),
		base64.StdEncoding.EncodeToString(sha256Sum("x")),
		base64.RawURLEncoding.EncodeToString(randomBytes(t, 33)),
		"ThisIsAVeryLongIdentifierName",
		"abc+def_ghijklmnopq",
	} {
		if got, _, ok := decodeSpan([]byte(in), encodedSpan{0, len(in), encBase64}, maxDecoded); ok {
			t.Errorf("%q decoded to text %q", in, got)
		}
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func sha256Sum(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// decodedFindings scans content with the default rules and returns the findings
// from decoded text.
func decodedFindings(t *testing.T, e *Engine, path, content string) []Finding {
	t.Helper()
	fs, err := e.ScanDecoded(path, []byte(content), false)
	if err != nil {
		t.Fatal(err)
	}
	var out []Finding
	for _, f := range fs {
		if f.Decoded {
			out = append(out, f)
		}
	}
	return out
}

func TestScanDecoded(t *testing.T) {
	e, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	script := b64("#!/bin/sh\nexport AWS_SECRET=" + decAWSSecret + "\n")
	keyScript := b64("export AWS_SECRET_ACCESS_KEY=" + decAWSSecret + "\n")
	type want struct {
		rule, secret string
		line, col    int
		encoded      string // the text at [col, endCol] holds this encoded form
	}
	tests := []struct {
		name, path, content string
		want                []want
	}{
		{"base64 shell export in a YAML value", "deploy/configmap.yaml",
			"apiVersion: v1\nkind: ConfigMap\ndata:\n  init.sh: " + script + "\n",
			[]want{{rule: "hardcoded-secret", secret: decAWSSecret, line: 4, col: 48}}},
		{"base64 AWS key export in YAML", "values.yaml",
			"bootstrap: " + keyScript + "\n",
			[]want{{rule: "aws-secret-access-key", secret: decAWSSecret, line: 1, col: 12 + 28/3*4}}},
		{"percent-encoded GitHub token in a URL", "run.sh",
			"curl \"https://api.github.com/user?access_token=ghp%5F" + decGHToken[4:] + "\"\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1, col: 48, encoded: "ghp%5F" + decGHToken[4:]}}},
		{"fully percent-encoded token", "notes.txt",
			"see https://example.com/cb?x=" + pct(decGHToken) + "\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1, col: 30, encoded: pct(decGHToken)}}},
		{"\\u-escaped token in JSON", "config.json",
			"{\n  \"name\": \"svc\",\n  \"gh\": \"" + uesc(decGHToken) + "\"\n}\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 3, col: 10, encoded: uesc(decGHToken)}}},
		{"\\x-escaped token in Python", "app.py",
			"TOKEN = '" + strings.ReplaceAll(decGHToken, "_", `\x5f`) + "'\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1, col: 10, encoded: strings.ReplaceAll(decGHToken, "_", `\x5f`)}}},
		{"URL-safe base64", "a.txt",
			"blob " + b64url("github_token = \""+decGHToken+"\"") + "\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1}}},
		{"base64 inside a percent-encoded URL (depth 2)", "a.txt",
			"https://x.io/?cfg=" + url.QueryEscape(b64("token: "+decGHToken+"\n")) + "\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1}}},
		{"base64 of base64 (depth 2)", "a.txt", "v: " + b64(b64("token: "+decGHToken)) + "\n",
			[]want{{rule: "github-pat", secret: decGHToken, line: 1}}},
		{"base64 of base64 of base64 (depth 3, past the bound)", "a.txt", "v: " + b64(b64(b64("token: "+decGHToken))) + "\n", nil},
		{"the same value twice is reported twice, at each place", "a.yaml",
			"a: " + script + "\nb: " + script + "\n",
			[]want{{rule: "hardcoded-secret", secret: decAWSSecret, line: 1}, {rule: "hardcoded-secret", secret: decAWSSecret, line: 2}}},
		{"images, hashes and random base64 yield nothing", "page.html", strings.Join([]string{
			`<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(append([]byte("\x89PNG\r\n\x1a\n"), randomBytes(t, 300)...)) + `">`,
			`<img src="data:image/svg+xml;base64,` + b64(`<svg><text>password = "hunter2hunter2"</text></svg>`) + `">`,
			"sha256-" + base64.StdEncoding.EncodeToString(sha256Sum("a")),
			"integrity=\"sha512-" + base64.StdEncoding.EncodeToString(randomBytes(t, 64)) + "\"",
			hex.EncodeToString(sha256Sum("b")),
			base64.StdEncoding.EncodeToString(randomBytes(t, 3000)),
		}, "\n"), nil},
		{"PEM body not decoded", "key.txt", "-----BEGIN CERTIFICATE-----\n" + b64("token: "+decGHToken) + "\n-----END CERTIFICATE-----\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := decodedFindings(t, e, tt.path, tt.content)
			if len(fs) != len(tt.want) {
				for _, f := range fs {
					t.Logf("%s %q %d:%d", f.RuleID, f.Secret, f.Line, f.Column)
				}
				t.Fatalf("%d decoded findings, want %d", len(fs), len(tt.want))
			}
			lines := strings.Split(tt.content, "\n")
			for i, w := range tt.want {
				f := fs[i]
				if f.RuleID != w.rule || f.Secret != w.secret || f.Line != w.line || (w.col > 0 && f.Column != w.col) {
					t.Errorf("finding %s %q at %d:%d, want %s %q at %d:%d", f.RuleID, f.Secret, f.Line, f.Column, w.rule, w.secret, w.line, w.col)
				}
				if f.Path != tt.path || f.Start >= f.End || f.End > len(tt.content) {
					t.Errorf("finding path %q span [%d, %d)", f.Path, f.Start, f.End)
				}
				if w.encoded != "" && f.Line == f.EndLine {
					if got := lines[f.Line-1][f.Column-1 : f.EndColumn]; got != w.encoded {
						t.Errorf("encoded span %q, want %q", got, w.encoded)
					}
				}
			}
		})
	}
}

// TestScanDecodedPlainWins: a secret that a detector already finds in the
// file is not reported again from decoded text; a provider rule in decoded
// text shadows a name-based finding on the encoded value.
func TestScanDecodedPlainWins(t *testing.T) {
	e, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	in := `db = "postgres://app:S3cr3tPa55word%21@db.internal/app"` + "\n"
	fs, err := e.ScanDecoded("settings.py", []byte(in), false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.RuleID == "url-credentials" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d url-credentials findings, want 1: %+v", n, fs)
	}
	in = "api_secret = \"" + b64("ghp_token = "+decGHToken) + "\"\n"
	fs, err = e.ScanDecoded("settings.py", []byte(in), true)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range fs {
		if f.Dropped == "" {
			rules = append(rules, f.RuleID)
		}
	}
	if strings.Join(rules, ",") != "github-pat" {
		t.Errorf("reported %v, want github-pat alone", rules)
	}
}

// TestDecodeDepthBomb: base64 of base64 of ... 50 levels stops at the depth and
// size bounds, quickly. (Fifty levels of a token take megabytes, on one line,
// which the plain scan takes long over; the chain is started from one byte and
// stopped growing at 256 KiB, four times the decoded-size bound.)
func TestDecodeDepthBomb(t *testing.T) {
	e, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	s := "t"
	levels := 0
	for ; levels < 50 && len(s) < 256<<10; levels++ {
		s = b64(s)
	}
	start := time.Now()
	dec, err := e.scanDecoded("a.txt", []byte("v: "+s+"\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("decoding %d levels took %v", levels, el)
	}
	if len(dec) != 0 {
		t.Errorf("found %d findings in a %d-level encoding", len(dec), levels)
	}
	// A 50-level chain of a token does not yield it.
	s = "token: " + decGHToken
	for range 50 {
		s = b64(s)
		if len(s) > 64<<10 {
			s = s[:64<<10] // the rest would not be decoded
		}
	}
	if fs := decodedFindings(t, e, "a.txt", "v: "+s+"\n"); len(fs) != 0 {
		t.Errorf("found %d findings in a 50-level encoding", len(fs))
	}
	// Depth is counted per chain: a 2-level encoding next to it is still found.
	fs := decodedFindings(t, e, "a.txt", "x: "+b64(b64(b64(b64("a: b"))))+"\ny: "+b64(b64("token: "+decGHToken))+"\n")
	if len(fs) != 1 || fs[0].Line != 2 {
		t.Errorf("findings %+v, want one on line 2", fs)
	}
}

// TestScanDecodedCost: a file of code without encoded runs does no decoding.
func TestScanDecodedCost(t *testing.T) {
	code := bytes.Repeat([]byte("def handle_request(self, request_context):\n    return self.process_incoming_payload(request_context)\n"), 100)
	for _, s := range findEncoded(code) {
		if _, _, ok := decodeSpan(code, s, maxDecoded); ok {
			t.Errorf("span %q decodes to text", code[s.start:s.end])
		}
	}
}

// findEncodedRef is findEncoded as first written, one byte at a time: the
// oracle for the version that skips.
func findEncodedRef(text []byte) []encodedSpan {
	var esc []encodedSpan
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '%' && c != '\\' {
			continue
		}
		if escapeAt(text, i) == 0 {
			continue
		}
		s := encodedSpan{start: i, end: i, enc: encPercent}
		if c == '\\' {
			s.enc = encEscape
		}
		lo := max(i-maxEscapeReach, 0)
		if len(esc) > 0 {
			lo = max(lo, esc[len(esc)-1].end)
		}
		for s.start > lo && byteClass[text[s.start-1]]&clRun != 0 {
			s.start--
		}
		hi := min(i+maxEscapeReach, len(text))
		for s.end < hi {
			b := text[s.end]
			if b == '\\' && s.end+1 < len(text) && s.enc == encEscape {
				s.end += 2 // an escaped quote or space does not end the run
				continue
			}
			if byteClass[b]&clRun == 0 {
				break
			}
			s.end++
		}
		s.end = min(s.end, len(text))
		esc = append(esc, s)
		i = s.end - 1
	}
	skip := skippedRegions(text)
	var out []encodedSpan
	ei, si := 0, 0
	for i := 0; i < len(text); {
		if byteClass[text[i]]&(clB64Std|clB64URL) == 0 {
			i++
			continue
		}
		start := i
		for i < len(text) && byteClass[text[i]]&(clB64Std|clB64URL) != 0 {
			i++
		}
		end := i
		for n := 0; n < 2 && i < len(text) && text[i] == '='; n++ {
			i++
		}
		if end-start < minBase64Run {
			continue
		}
		// Merge in order with the escape spans; drop a run that overlaps one.
		for ei < len(esc) && esc[ei].end <= start {
			out = append(out, esc[ei])
			ei++
		}
		if ei < len(esc) && esc[ei].start < i {
			continue
		}
		for si < len(skip) && skip[si].end <= start {
			si++
		}
		if si < len(skip) && skip[si].start < i {
			continue
		}
		run := text[start:end]
		if allHex(run) || binaryDataURI(text, start) {
			continue // a hash or a checksum; an image
		}
		out = append(out, encodedSpan{start: start, end: i, enc: encBase64})
	}
	return append(out, esc[ei:]...)
}

func TestFindEncodedSkipping(t *testing.T) {
	texts := []string{
		"", "%41", "abc%41def \\x41\\u0041 " + b64("token: abcdefghijklmnop"),
		strings.Repeat("a", 15), strings.Repeat("a", 16), strings.Repeat("a", 17) + "==" + strings.Repeat("b", 16),
		"x" + strings.Repeat("A", 15) + "=" + strings.Repeat("B", 16) + "%20" + strings.Repeat("C", 40),
	}
	r := mrand.New(mrand.NewPCG(3, 4))
	const alpha = "aZ09+/-_=%\\ux\"'\n."
	for range 2000 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alpha[r.IntN(len(alpha))]
			} else {
				b[i] = "abcdefABCDEF0123456789"[r.IntN(22)]
			}
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if got, want := findEncoded([]byte(s)), findEncodedRef([]byte(s)); !slices.Equal(got, want) {
			t.Fatalf("findEncoded(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkFindEncoded(b *testing.B) {
	code := bytes.Repeat([]byte("def handle_request(self, request_context):\n    return self.process_incoming_payload(request_context)  # 100% sure\n"), 1000)
	b.SetBytes(int64(len(code)))
	for b.Loop() {
		for _, s := range findEncoded(code) {
			decodeSpan(code, s, maxDecoded)
		}
	}
}

// FuzzDecode: finding and decoding spans never panics, spans are ordered and
// inside the text, offsets map back inside the span, and the scan positions
// decoded findings inside the file.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("k: " + b64("export AWS_SECRET="+decAWSSecret)))
	f.Add([]byte(`{"t": "` + uesc(decGHToken) + `", "u": "\ud83d\ude00\x41\U0001F600"}`))
	f.Add([]byte("https://x.io/?t=" + pct(decGHToken) + "&b=" + url.QueryEscape(b64("token: "+decGHToken))))
	f.Add([]byte("-----BEGIN X-----\n" + b64("abcdefghijklmnopqrstu") + "\n-----END X-----\ndata:image/png;base64," + b64("abcdefghijklmnopq")))
	f.Add([]byte(`\u12 \x4 %4 \ %`))
	e, err := NewEngine(defaultConfig(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := findEncoded(data), findEncodedRef(data); !slices.Equal(got, want) {
			t.Fatalf("findEncoded = %v, the byte-at-a-time version %v", got, want)
		}
		prev := 0
		for _, s := range findEncoded(data) {
			if s.start < prev || s.end <= s.start || s.end > len(data) {
				t.Fatalf("span [%d, %d) after %d in %d bytes", s.start, s.end, prev, len(data))
			}
			prev = s.end
			out, offs, ok := decodeSpan(data, s, maxDecoded)
			if !ok {
				continue
			}
			if len(out) > maxDecoded {
				t.Fatalf("decoded %d bytes", len(out))
			}
			if offs != nil {
				for i := 1; i < len(offs); i++ {
					if offs[i] < offs[i-1] || int(offs[i]) > s.end-s.start {
						t.Fatalf("offsets not monotonic or out of the span: %v", offs)
					}
				}
			}
			l := &decodeLayer{start: s.start, n: s.end - s.start, enc: s.enc, offs: offs}
			for a := 0; a < len(out); a += max(1, len(out)/7) {
				x, y := l.toFile(a, len(out))
				if x < s.start || y > s.end || x >= y {
					t.Fatalf("[%d, %d) maps to [%d, %d) outside [%d, %d)", a, len(out), x, y, s.start, s.end)
				}
			}
		}
		fs, err := e.ScanDecoded("f.txt", data, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Start < 0 || f.End > len(data) || f.Start > f.End {
				t.Fatalf("finding %s at [%d, %d) in %d bytes", f.RuleID, f.Start, f.End, len(data))
			}
		}
	})
}
