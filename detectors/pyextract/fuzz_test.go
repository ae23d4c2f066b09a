package pyextract

import (
	"os"
	"testing"
)

func FuzzExtract(f *testing.F) {
	for _, file := range pyFiles(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		`f"{x["a"]:{w}}" 'b' """c`, "x = (\n'a'\n", `d = {"k": f'{a!r}'}`, "a, b = 'x', ",
		"def f(a=\"b\"", `os.getenv("X", `, `auth=("u",`, "\\\r\n", "pw == ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		orig := string(src)
		pairs := Extract(src)
		if string(src) != orig {
			t.Fatal("Extract modified its input")
		}
		checkPairs(t, src, pairs)
		// The scanner's tokens lie inside the source, in order.
		var s Scanner
		s.Init(src)
		prev := 0
		for i := 0; ; i++ {
			tk := s.Scan()
			if tk.Start < prev || tk.End < tk.Start || tk.End > len(src) {
				t.Fatalf("token %d %s [%d,%d) after %d", i, tk.Kind, tk.Start, tk.End, prev)
			}
			if tk.Kind == String && (tk.ContentStart < tk.Start || tk.ContentEnd < tk.ContentStart || tk.ContentEnd > tk.End) {
				t.Fatalf("string token [%d,%d) content [%d,%d)", tk.Start, tk.End, tk.ContentStart, tk.ContentEnd)
			}
			if tk.Kind == String {
				Unquote(src, tk)
			}
			prev = tk.End
			if tk.Kind == EOF {
				break
			}
			if i > len(src)+1 {
				t.Fatal("scanner does not reach EOF")
			}
		}
	})
}
