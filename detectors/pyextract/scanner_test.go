package pyextract

import (
	"fmt"
	"strings"
	"testing"
)

// tok is a compact token description for tests: "Kind text line:col".
func tokString(src []byte, t Token) string {
	return fmt.Sprintf("%s %q %d:%d", t.Kind, t.Text(src), t.Line, t.Col)
}

func scanAll(src string) []Token {
	var s Scanner
	s.Init([]byte(src))
	var out []Token
	for i := 0; i < 10*len(src)+10; i++ {
		t := s.Scan()
		out = append(out, t)
		if t.Kind == EOF {
			return out
		}
	}
	panic("scanner does not reach EOF")
}

func TestScanTokens(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"x = 1\n", []string{`Name "x" 1:1`, `Op "=" 1:3`, `Number "1" 1:5`, `Newline "\n" 1:6`, `EOF "" 2:1`}},
		{"x", []string{`Name "x" 1:1`, `Newline "" 1:2`, `EOF "" 1:2`}},
		{"a==b!=c<>d:=e->f**=g//h...", []string{
			`Name "a" 1:1`, `Op "==" 1:2`, `Name "b" 1:4`, `Op "!=" 1:5`, `Name "c" 1:7`, `Op "<>" 1:8`,
			`Name "d" 1:10`, `Op ":=" 1:11`, `Name "e" 1:13`, `Op "->" 1:14`, `Name "f" 1:16`, `Op "**=" 1:17`,
			`Name "g" 1:20`, `Op "//" 1:21`, `Name "h" 1:23`, `Op "..." 1:24`, `Newline "" 1:27`, `EOF "" 1:27`}},
		// Blank and comment-only lines give no Newline; comments are tokens.
		{"\n\n# c\nx # d\n\n", []string{`Comment "# c" 3:1`, `Name "x" 4:1`, `Comment "# d" 4:3`, `Newline "\n" 4:6`, `EOF "" 6:1`}},
		// No Newline inside brackets.
		{"f(a,\n  b)\ny", []string{`Name "f" 1:1`, `Op "(" 1:2`, `Name "a" 1:3`, `Op "," 1:4`, `Name "b" 2:3`, `Op ")" 2:4`,
			`Newline "\n" 2:5`, `Name "y" 3:1`, `Newline "" 3:2`, `EOF "" 3:2`}},
		// Line continuation.
		{"x = \\\n  2\n", []string{`Name "x" 1:1`, `Op "=" 1:3`, `Number "2" 2:3`, `Newline "\n" 2:4`, `EOF "" 3:1`}},
		{"x = \\\r\n  2\r\n", []string{`Name "x" 1:1`, `Op "=" 1:3`, `Number "2" 2:3`, `Newline "\n" 2:5`, `EOF "" 3:1`}},
		// Numbers.
		{"1e-5 0x1f 1_000j .5 3.", []string{`Number "1e-5" 1:1`, `Number "0x1f" 1:6`, `Number "1_000j" 1:11`, `Number ".5" 1:18`,
			`Number "3." 1:21`, `Newline "" 1:23`, `EOF "" 1:23`}},
		// Unicode names, stray bytes.
		{"héllo = $ `x`", []string{`Name "héllo" 1:1`, `Op "=" 1:8`, `Illegal "$" 1:10`, `Illegal "` + "`" + `" 1:12`, `Name "x" 1:13`,
			`Illegal "` + "`" + `" 1:14`, `Newline "" 1:15`, `EOF "" 1:15`}},
		// Strings and tokens after a multi-line string keep their positions.
		{"s = '''a\nbc''' + x\n", []string{`Name "s" 1:1`, `Op "=" 1:3`, `String "'''a\nbc'''" 1:5`, `Op "+" 2:7`, `Name "x" 2:9`, `Newline "\n" 2:10`, `EOF "" 3:1`}},
		// A prefix-like name not followed by a quote is a name.
		{"rb = br", []string{`Name "rb" 1:1`, `Op "=" 1:4`, `Name "br" 1:6`, `Newline "" 1:8`, `EOF "" 1:8`}},
		// Not a prefix: the name and the string are two tokens.
		{`abc"x"`, []string{`Name "abc" 1:1`, `String "\"x\"" 1:4`, `Newline "" 1:7`, `EOF "" 1:7`}},
		// Unbalanced bracket closed by a statement keyword at a line start.
		{"f(a,\ndef g(): pass\n", []string{`Name "f" 1:1`, `Op "(" 1:2`, `Name "a" 1:3`, `Op "," 1:4`, `Newline "\n" 1:5`,
			`Name "def" 2:1`, `Name "g" 2:5`, `Op "(" 2:6`, `Op ")" 2:7`, `Op ":" 2:8`, `Name "pass" 2:10`, `Newline "\n" 2:14`, `EOF "" 3:1`}},
		// A stray closer does not make the depth negative.
		{")\nx\n", []string{`Op ")" 1:1`, `Newline "\n" 1:2`, `Name "x" 2:1`, `Newline "\n" 2:2`, `EOF "" 3:1`}},
		// Byte order mark.
		{"\xEF\xBB\xBFx", []string{`Name "x" 1:4`, `Newline "" 1:5`, `EOF "" 1:5`}},
	}
	for _, tc := range tests {
		var got []string
		for _, tk := range scanAll(tc.src) {
			got = append(got, tokString([]byte(tc.src), tk))
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("Scan(%q):\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestScanStrings(t *testing.T) {
	tests := []struct {
		src     string // one string token, possibly followed by other tokens
		text    string // token text
		content string
		flags   Flags
		value   string
		fields  bool
	}{
		{`'abc'`, `'abc'`, `abc`, 0, "abc", false},
		{`"abc"`, `"abc"`, `abc`, 0, "abc", false},
		{`'''a'b"c'''`, `'''a'b"c'''`, `a'b"c`, Triple, `a'b"c`, false},
		{`"""a""b"""`, `"""a""b"""`, `a""b`, Triple, `a""b`, false},
		{`""`, `""`, ``, 0, "", false},
		{`''''''`, `''''''`, ``, Triple, "", false},
		{`r'a\nb'`, `r'a\nb'`, `a\nb`, Raw, `a\nb`, false},
		{`R"a\"b"`, `R"a\"b"`, `a\"b`, Raw, `a\"b`, false},
		{`b'\x00\xff'`, `b'\x00\xff'`, `\x00\xff`, Bytes, "\x00\xff", false},
		{`B"x"`, `B"x"`, `x`, Bytes, "x", false},
		{`u'\u00e9'`, `u'\u00e9'`, `\u00e9`, 0, "é", false},
		{`U"x"`, `U"x"`, `x`, 0, "x", false},
		{`rb'\d'`, `rb'\d'`, `\d`, Raw | Bytes, `\d`, false},
		{`Br'\d'`, `Br'\d'`, `\d`, Raw | Bytes, `\d`, false},
		{`bR"\d"`, `bR"\d"`, `\d`, Raw | Bytes, `\d`, false},
		{`ur'\d'`, `ur'\d'`, `\d`, Raw, `\d`, false},
		{`f'{a}b'`, `f'{a}b'`, `{a}b`, Format | Fields, "{a}b", true},
		{`F"x"`, `F"x"`, `x`, Format, "x", false},
		{`fr'\d{a}'`, `fr'\d{a}'`, `\d{a}`, Format | Raw | Fields, `\d{a}`, true},
		{`Rf'\{a}'`, `Rf'\{a}'`, `\{a}`, Format | Raw | Fields, `\{a}`, true},
		{`rF"x"`, `rF"x"`, `x`, Format | Raw, "x", false},
		{`fR"x"`, `fR"x"`, `x`, Format | Raw, "x", false},
		{`t"{x}"`, `t"{x}"`, `{x}`, Format | Fields, "{x}", true},
		// Escapes.
		{`'\n\t\\\'\"\a\b\f\v\r'`, `'\n\t\\\'\"\a\b\f\v\r'`, `\n\t\\\'\"\a\b\f\v\r`, 0, "\n\t\\'\"\a\b\f\v\r", false},
		{`'\101\0\7\777'`, `'\101\0\7\777'`, `\101\0\7\777`, 0, "A\x00\x07ǿ", false},
		{`b'\101\777'`, `b'\101\777'`, `\101\777`, Bytes, "A\xff", false},
		{`'\x41\x4'`, `'\x41\x4'`, `\x41\x4`, 0, `A\x4`, false},
		{`'\u00e9\U0001F600\u12'`, `'\u00e9\U0001F600\u12'`, `\u00e9\U0001F600\u12`, 0, "é😀\\u12", false},
		{`b'\u00e9'`, `b'\u00e9'`, `\u00e9`, Bytes, `\u00e9`, false},
		{`'\N{DASH}x'`, `'\N{DASH}x'`, `\N{DASH}x`, 0, `\N{DASH}x`, false},
		{`'\d\w'`, `'\d\w'`, `\d\w`, 0, `\d\w`, false},
		{"'a\\\nb'", "'a\\\nb'", "a\\\nb", 0, "ab", false},
		{"'''a\r\nb'''", "'''a\r\nb'''", "a\r\nb", Triple, "a\nb", false},
		// f-string fields.
		{`f"{{x}}"`, `f"{{x}}"`, `{{x}}`, Format, "{x}", false},
		{`f"a{{{b}}}c"`, `f"a{{{b}}}c"`, `a{{{b}}}c`, Format | Fields, "a{{b}}c", true},
		{`f"{x!r:>{w}}"`, `f"{x!r:>{w}}"`, `{x!r:>{w}}`, Format | Fields, "{x!r:>{w}}", true},
		{`f"{d['k']}"`, `f"{d['k']}"`, `{d['k']}`, Format | Fields, "{d['k']}", true},
		{`f"{d["k"]}"`, `f"{d["k"]}"`, `{d["k"]}`, Format | Fields, `{d["k"]}`, true},
		{`f"{f"{a}"}\n"`, `f"{f"{a}"}\n"`, `{f"{a}"}\n`, Format | Fields, "{f\"{a}\"}\n", true},
		{`f"{ {'a': 1}['a'] }"`, `f"{ {'a': 1}['a'] }"`, `{ {'a': 1}['a'] }`, Format | Fields, `{ {'a': 1}['a'] }`, true},
		{`f"\N{DASH}{x}"`, `f"\N{DASH}{x}"`, `\N{DASH}{x}`, Format | Fields, `\N{DASH}{x}`, true},
		{`f"\{x}"`, `f"\{x}"`, `\{x}`, Format | Fields, `\{x}`, true},
		{`f"{x:%H:%M}"`, `f"{x:%H:%M}"`, `{x:%H:%M}`, Format | Fields, `{x:%H:%M}`, true},
		{"f'''{\nx\n}'''", "f'''{\nx\n}'''", "{\nx\n}", Format | Triple | Fields, "{\nx\n}", true},
		// A malformed f-string ends at its first closing quote, as in old Pythons.
		{`f"{x" + y`, `f"{x"`, `{x`, Format | Fields, `{x`, false},
		{`f"a}b"`, `f"a}b"`, `a}b`, Format, `a}b`, false},
		// Unterminated strings end at the line end (or EOF for triple quotes).
		{"'abc\nx", "'abc", "abc", Unterminated, "abc", false},
		{"'abc\r\nx", "'abc\r", "abc", Unterminated, "abc", false},
		{"'abc\\", "'abc\\", "abc\\", Unterminated, "abc\\", false},
		{"'''abc\nx", "'''abc\nx", "abc\nx", Triple | Unterminated, "abc\nx", false},
		{"f'{a\nb'", "f'{a", "{a", Format | Fields | Unterminated, "{a", false},
		{"'", "'", "", Unterminated, "", false},
		{"'''''", "'''''", "''", Triple | Unterminated, "''", false},
	}
	for _, tc := range tests {
		src := []byte(tc.src)
		toks := scanAll(tc.src)
		tk := toks[0]
		if tk.Kind != String {
			t.Errorf("%q: first token is %s", tc.src, tk.Kind)
			continue
		}
		if got := string(tk.Text(src)); got != tc.text {
			t.Errorf("%q: text %q, want %q", tc.src, got, tc.text)
		}
		if got := string(src[tk.ContentStart:tk.ContentEnd]); got != tc.content {
			t.Errorf("%q: content %q, want %q", tc.src, got, tc.content)
		}
		if tk.Flags != tc.flags {
			t.Errorf("%q: flags %b, want %b", tc.src, tk.Flags, tc.flags)
		}
		v, f := Unquote(src, tk)
		if v != tc.value || f != tc.fields {
			t.Errorf("%q: Unquote = %q, %v; want %q, %v", tc.src, v, f, tc.value, tc.fields)
		}
	}
}

// After strings of every form, the scanner is back in step.
func TestScanAfterStrings(t *testing.T) {
	src := "a = f\"{x[\"k\"]:{w}}\" 'b' \"\"\"c\n\"\"\" rb'd' + e\n"
	var kinds []string
	for _, tk := range scanAll(src) {
		kinds = append(kinds, tk.Kind.String())
	}
	want := "Name Op String String String String Op Name Newline EOF"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestUnquoteNonString(t *testing.T) {
	src := []byte("x")
	toks := scanAll("x")
	if v, f := Unquote(src, toks[0]); v != "" || f {
		t.Errorf("Unquote(Name) = %q, %v", v, f)
	}
}

func TestKindString(t *testing.T) {
	for k := EOF; k <= Op; k++ {
		if strings.Contains(k.String(), "?") {
			t.Errorf("Kind %d has no name", k)
		}
	}
	if Kind(200).String() != "Kind(?)" {
		t.Error("unknown kind")
	}
}
