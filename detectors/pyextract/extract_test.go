package pyextract

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/secretsweep/secretsweep/detectors/kv"
)

// formatPair writes a pair as a golden line:
// "line:col-endline:endcol context kind name=value". Name and value are quoted
// (Go syntax) only when they hold something that would not read back plainly.
func formatPair(p kv.Pair) string {
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) + "-" +
		strconv.Itoa(p.EndLine) + ":" + strconv.Itoa(p.EndCol) + " " +
		p.Context + " " + p.Kind.String() + " " + plain(p.Name) + "=" + plain(p.Value)
}

func plain(s string) string {
	q := strconv.Quote(s)
	if q[1:len(q)-1] != s || s == "" || strings.TrimSpace(s) != s || strings.HasPrefix(s, `"`) {
		return q
	}
	return s
}

// checkPairs verifies the invariants of every pair: offsets inside src and in
// order, Line/Col matching Start and EndLine/EndCol matching End-1, Decoded set
// exactly when Value differs from the source text, source order.
func checkPairs(t testing.TB, src []byte, pairs []kv.Pair) {
	t.Helper()
	prev := 0
	lines := lineStarts(src)
	for _, p := range pairs {
		if p.Start < 0 || p.End > len(src) || p.Start >= p.End {
			t.Fatalf("%s: bad offsets [%d,%d) in %d bytes", formatPair(p), p.Start, p.End, len(src))
		}
		if p.Start < prev {
			t.Fatalf("%s: not in source order", formatPair(p))
		}
		prev = p.Start
		l, c := lineCol(lines, p.Start)
		if l != p.Line || c != p.Col {
			t.Fatalf("%s: Start %d is at %d:%d", formatPair(p), p.Start, l, c)
		}
		l, c = lineCol(lines, p.End-1)
		if l != p.EndLine || c != p.EndCol {
			t.Fatalf("%s: End-1 %d is at %d:%d", formatPair(p), p.End-1, l, c)
		}
		if p.Decoded != (p.Value != string(src[p.Start:p.End])) {
			t.Fatalf("%s: Decoded %v for source text %q", formatPair(p), p.Decoded, src[p.Start:p.End])
		}
		if p.Name == "" || p.Value == "" || p.Context == "" {
			t.Fatalf("%s: empty field", formatPair(p))
		}
	}
}

// lineStarts returns the offsets at which the lines of src start.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func lineCol(starts []int, off int) (int, int) {
	l, _ := slices.BinarySearch(starts, off+1)
	return l, off - starts[l-1] + 1
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		// Assignments.
		{"assign", `PASSWORD = "hunter2"`, []string{`1:13-1:19 assign literal PASSWORD=hunter2`}},
		{"assign single quotes", `pw='x'`, []string{`1:5-1:5 assign literal pw=x`}},
		{"attribute", `self.password = 'fake-pw'`, []string{`1:18-1:24 assign literal self.password=fake-pw`}},
		{"dotted", `obj.attr.secret = "s"`, []string{`1:20-1:20 assign literal obj.attr.secret=s`}},
		{"dotted with spaces", `obj . key = "s"`, []string{`1:14-1:14 assign literal obj.key=s`}},
		{"chained", `a = b = "v"`, []string{`1:10-1:10 assign literal a=v`, `1:10-1:10 assign literal b=v`}},
		{"annotated", `password: str = "v"`, []string{`1:18-1:18 assign literal password=v`}},
		{"annotated generic", `tokens: dict[str, str] = {"api_token": "t"}`, []string{`1:41-1:41 dict literal api_token=t`}},
		{"annotated no value", `password: str`, nil},
		{"tuple", `user, pw = "a", "b"`, []string{`1:13-1:13 assign literal user=a`, `1:18-1:18 assign literal pw=b`}},
		{"tuple parens", `(user, pw) = ("a", "b")`, []string{`1:16-1:16 assign literal user=a`, `1:21-1:21 assign literal pw=b`}},
		{"tuple list", `[user, pw] = ["a", x]`, []string{`1:16-1:16 assign literal user=a`, `1:20-1:20 assign reference pw=x`}},
		{"tuple mismatch", `user, pw = get()`, nil},
		{"tuple to one", `creds = "a", "b"`, nil},
		{"class attribute", "class Config:\n    SECRET_KEY = 'k'\n", []string{`2:19-2:19 assign literal SECRET_KEY=k`}},
		{"one-line compound", `if DEBUG: password = "dev"`, []string{`1:23-1:25 assign literal password=dev`}},
		{"else header", "else: token = 't'", []string{`1:16-1:16 assign literal token=t`}},
		{"semicolons", `a = "1"; b = "2"`, []string{`1:6-1:6 assign literal a=1`, `1:15-1:15 assign literal b=2`}},
		{"walrus", `if (pw := "w"): pass`, []string{`1:12-1:12 assign literal pw=w`}},
		{"augmented", `password += "x"`, nil},
		{"lambda default is no assignment", `f = lambda x="y": x`, nil},
		{"empty", `password = ""`, nil},
		{"multi-line string", "key = '''-----BEGIN\nabc\n-----END'''", []string{`1:10-3:8 assign literal key="-----BEGIN\nabc\n-----END"`}},
		{"escapes", `pw = "a\tb\x41"`, []string{`1:7-1:14 assign literal pw="a\tbA"`}},
		{"raw", `pw = r"a\tb"`, []string{`1:8-1:11 assign literal pw="a\\tb"`}},
		{"bytes", `key = b"\x00k"`, []string{`1:9-1:13 assign literal key="\x00k"`}},
		{"unicode col in bytes", `é = "ü"; pw = "x"`, []string{`1:7-1:8 assign literal é=ü`, `1:18-1:18 assign literal pw=x`}},
		// Implicit concatenation.
		{"concat", `pw = "ab" 'cd'`, []string{`1:7-1:13 assign literal pw=abcd`}},
		{"fstring nested quotes 3.12", `url = f"{cfg["host"]}/x"`, []string{`1:9-1:23 assign template url="{cfg[\"host\"]}/x"`}},
		{"fstring format spec", `s = f"{pw!r:>{width}}"`, []string{`1:7-1:21 assign template s={pw!r:>{width}}`}},
		{"tab columns", "\tpw =\t'p'", []string{`1:8-1:8 assign literal pw=p`}},
		{"crlf", "a = 'x'\r\nb = \"\"\"y\r\nz\"\"\"\r\n", []string{`1:6-1:6 assign literal a=x`, `2:8-3:1 assign literal b="y\nz"`}},
		{"concat lines", "pw = (\n    'ab'\n    \"cd\"\n)", []string{`2:6-3:7 assign literal pw=abcd`}},
		{"concat f", `url = "postgres://" f"{user}:{pw}@h"`, []string{`1:8-1:35 assign template url=postgres://{user}:{pw}@h`}},
		{"concat f no fields", `pw = "a" f"b{{c}}"`, []string{`1:7-1:17 assign literal pw=ab{c}`}},
		// Templates and references.
		{"fstring", `DSN = f"postgres://{user}:{pw}@h"`, []string{`1:9-1:32 assign template DSN=postgres://{user}:{pw}@h`}},
		{"percent", `DSN = "postgres://%s:%s@h" % (u, p)`, []string{`1:8-1:25 assign template DSN=postgres://%s:%s@h`}},
		{"format", `DSN = "postgres://{}:{}@h".format(u, p)`, []string{`1:8-1:25 assign template DSN=postgres://{}:{}@h`}},
		{"format then more is a reference", `DSN = "{}".format(u).strip()`, []string{`1:7-1:28 assign reference DSN="\"{}\".format(u).strip()"`}},
		{"plus", `DSN = "postgres://" + user + ":" + pw + "@h"`, []string{`1:8-1:43 assign template DSN=postgres://{user}:{pw}@h`}},
		{"plus literals", `pw = "ab" + "cd"`, []string{`1:7-1:15 assign literal pw=abcd`}},
		{"plus names", `pw = a + b`, []string{`1:6-1:10 assign reference pw=a + b`}},
		{"plus call", `pw = "x-" + str(n)`, []string{`1:7-1:18 assign template pw=x-{str(n)}`}},
		{"reference env", `password = os.environ["X"]`, []string{`1:12-1:26 assign reference password="os.environ[\"X\"]"`}},
		{"reference call", `password = get_pw()`, []string{`1:12-1:19 assign reference password=get_pw()`}},
		{"reference attr", `token = settings.TOKEN`, []string{`1:9-1:22 assign reference token=settings.TOKEN`}},
		{"reference parens", `token = (settings.TOKEN)`, []string{`1:10-1:23 assign reference token=settings.TOKEN`}},
		{"reference multi-line", "pw = get(\n  'x')", []string{`1:6-2:6 assign reference pw="get(\n  'x')"`}},
		{"conditional", `pw = "a" if x else "b"`, []string{`1:6-1:22 assign reference pw="\"a\" if x else \"b\""`}},
		{"constants", "a = None\nb = True\nc = 3\nd = -1.5\ne = 60 * 60\nf = ...\ng = not True", nil},
		{"containers", "a = []\nb = {}\nc = (1, 2)\nd = [x for x in y]\ne = lambda: 1", nil},
		{"long reference", `pw = f(` + strings.Repeat("a", 300) + `)`, []string{`1:6-1:205 assign reference pw=f(` + strings.Repeat("a", 198)}},
		// Subscripts.
		{"subscript", `app.config["SECRET_KEY"] = "sk"`, []string{`1:29-1:30 subscript literal SECRET_KEY=sk`}},
		{"environ", `os.environ['DB_PASS'] = 'p'`, []string{`1:26-1:26 subscript literal DB_PASS=p`}},
		{"nested subscript", `settings['x']['password'] = "v"`, []string{`1:30-1:30 subscript literal password=v`}},
		{"subscript non-string", `x[0] = "v"; x[k] = "w"`, nil},
		{"subscript then attribute", `self.cfg["db"].password = "v"`, []string{`1:28-1:28 assign literal "self.cfg[\"db\"].password"=v`}},
		{"call target", `f().x = "v"`, []string{`1:10-1:10 assign literal f().x=v`}},
		{"star target", `*rest = "v"`, nil},
		// Comparisons.
		{"compare", `if password == "letmein": pass`, []string{`1:17-1:23 compare literal password=letmein`}},
		{"compare reversed", `if "letmein" == password: pass`, []string{`1:5-1:11 compare literal password=letmein`}},
		{"compare not equal", `assert token != "abc"`, []string{`1:18-1:20 compare literal token=abc`}},
		{"compare attr", `if user.password == "x": pass`, []string{`1:22-1:22 compare literal user.password=x`}},
		{"compare subscript", `if request.form["password"] == "x": pass`, []string{`1:33-1:33 compare literal password=x`}},
		{"compare getenv", `if os.environ.get("API_KEY") == "k": pass`, []string{`1:34-1:34 compare literal API_KEY=k`}},
		{"compare method", `if pw.strip() == "x": pass`, []string{`1:19-1:19 compare literal pw.strip()=x`}},
		{"compare py2", `if pw <> "x": pass`, []string{`1:11-1:11 compare literal pw=x`}},
		{"compare not literal", `if a == b: pass`, nil},
		{"compare literal part of expr", `if x == "a" + y: pass`, nil},
		{"compare in assign", `ok = pw == "x"`, []string{`1:6-1:14 assign reference ok="pw == \"x\""`, `1:13-1:13 compare literal pw=x`}},
		// Assignments made by calls.
		{"putenv", `os.putenv("DB_PASS", "p")`, []string{`1:23-1:23 assign literal DB_PASS=p`}},
		{"monkeypatch setenv", `monkeypatch.setenv("TOKEN", tok)`, []string{`1:29-1:31 assign reference TOKEN=tok`}},
		{"setattr", `setattr(settings, "SECRET_KEY", "sk")`, []string{`1:34-1:35 assign literal SECRET_KEY=sk`}},
		{"monkeypatch setattr", `monkeypatch.setattr("app.settings.TOKEN", "t")`, []string{`1:44-1:44 assign literal app.settings.TOKEN=t`}},
		{"setattr name variable", `setattr(obj, name, "v")`, nil},
		// Keyword arguments.
		{"kwarg", `connect(host="h", password="kw")`, []string{`1:15-1:15 kwarg literal host=h`, `1:29-1:30 kwarg literal password=kw`}},
		{"kwarg reference", `connect(password=PW)`, []string{`1:18-1:19 kwarg reference password=PW`}},
		{"kwarg nested", `a.b(c(d(token="t")))`, []string{`1:16-1:16 kwarg literal token=t`}},
		{"kwarg multi-line", "connect(\n    user='u',\n    password='p',\n)", []string{`2:11-2:11 kwarg literal user=u`, `3:15-3:15 kwarg literal password=p`}},
		{"kwarg on call result", `f()(token="t")`, []string{`1:12-1:12 kwarg literal token=t`}},
		{"kwarg constants", `f(a=1, b=None, c=True, *args, **kw)`, nil},
		{"class kwargs", `class A(B, secret="s"): pass`, []string{`1:20-1:20 kwarg literal secret=s`}},
		{"not a call", `if (a): b`, nil},
		// Dicts.
		{"dict", `d = {"password": "dv", "n": 1}`, []string{`1:19-1:20 dict literal password=dv`}},
		{"dict()", `d = dict(password="dd")`, []string{`1:5-1:23 assign reference d="dict(password=\"dd\")"`, `1:20-1:21 dict literal password=dd`}},
		{"dict nested", `DATABASES = {"default": {"ENGINE": "pg", "PASSWORD": "dbpw"}}`, []string{`1:37-1:38 dict literal ENGINE=pg`, `1:55-1:58 dict literal PASSWORD=dbpw`}},
		{"dict spread", `d = {**base, "token": "t"}`, []string{`1:24-1:24 dict literal token=t`}},
		{"dict name key", `d = {KEY: "v", 1: "w"}`, nil},
		{"dict comprehension", `d = {"a": v for v in x}`, nil},
		{"set", `s = {"a", "b"}`, nil},
		{"dict multi-line", "d = {\n  'api_key': 'k1',  # comment\n  'secret': (\n     'ab'\n     'cd'),\n}", []string{`2:15-2:16 dict literal api_key=k1`, `4:7-5:8 dict literal secret=abcd`}},
		{"dict in return", `return {"token": tok}`, []string{`1:18-1:20 dict reference token=tok`}},
		{"dict key f-string", `d = {f"{p}_password": "v"}`, []string{`1:24-1:24 dict literal {p}_password=v`}},
		// Environment lookups with a default.
		{"getenv", `x = os.getenv("DB_PASS", "dflt")`, []string{`1:5-1:32 assign reference x="os.getenv(\"DB_PASS\", \"dflt\")"`, `1:27-1:30 getenv-default literal DB_PASS=dflt`}},
		{"getenv no default", `os.getenv("DB_PASS")`, nil},
		{"getenv none", `os.getenv("DB_PASS", None)`, nil},
		{"environ.get", `os.environ.get("K", "d")`, []string{`1:22-1:22 getenv-default literal K=d`}},
		{"environ.get bare", `environ.get("K", "d")`, []string{`1:19-1:19 getenv-default literal K=d`}},
		{"getenv bare", `getenv("K", "d")`, []string{`1:14-1:14 getenv-default literal K=d`}},
		{"setdefault", `os.environ.setdefault("K", "d")`, []string{`1:29-1:29 getenv-default literal K=d`}},
		{"decouple", `config("TOKEN", default="tok", cast=str)`, []string{`1:26-1:28 getenv-default literal TOKEN=tok`, `1:37-1:39 kwarg reference cast=str`}},
		{"decouple positional", `decouple.config("TOKEN", "tok")`, []string{`1:27-1:29 getenv-default literal TOKEN=tok`}},
		{"environs", `env.str("TOKEN", default="tok")`, []string{`1:27-1:29 getenv-default literal TOKEN=tok`}},
		{"django-environ", `env("TOKEN", default="tok")`, []string{`1:23-1:25 getenv-default literal TOKEN=tok`}},
		{"env.db_url", `env.db_url("DATABASE_URL", default="postgres://u:p@h/db")`, []string{`1:37-1:55 getenv-default literal DATABASE_URL=postgres://u:p@h/db`}},
		{"getenv reference default", `os.getenv("PW", DEFAULT)`, []string{`1:17-1:23 getenv-default reference PW=DEFAULT`}},
		{"getenv name variable", `os.getenv(key, "d")`, []string{`1:17-1:17 getenv-default literal key=d`}},
		{"getenv or", `pw = os.getenv("PW") or "fallback"`, []string{`1:6-1:34 assign reference pw="os.getenv(\"PW\") or \"fallback\""`, `1:26-1:33 getenv-default literal PW=fallback`}},
		{"not config method", `app.config("X", "y")`, nil},
		// Authentication tuples.
		{"auth kwarg", `requests.get(url, auth=("bob", "s3cret"))`, []string{`1:26-1:28 auth-tuple literal username=bob`, `1:33-1:38 auth-tuple literal password=s3cret`}},
		{"auth list", `s.get(u, auth=["bob", PW])`, []string{`1:17-1:19 auth-tuple literal username=bob`, `1:23-1:24 auth-tuple reference password=PW`}},
		{"basic_auth", `Elasticsearch(h, basic_auth=(u, p))`, []string{`1:30-1:30 auth-tuple reference username=u`, `1:33-1:33 auth-tuple reference password=p`}},
		{"http_auth", `Elasticsearch(h, http_auth=("e", "p"))`, []string{`1:30-1:30 auth-tuple literal username=e`, `1:35-1:35 auth-tuple literal password=p`}},
		{"auth reference", `s.get(u, auth=creds)`, []string{`1:15-1:19 kwarg reference auth=creds`}},
		{"auth assign", `auth = ("bob", "pw")`, []string{`1:10-1:12 auth-tuple literal username=bob`, `1:17-1:18 auth-tuple literal password=pw`}},
		{"HTTPBasicAuth", `HTTPBasicAuth("u", "p")`, []string{`1:16-1:16 auth-tuple literal username=u`, `1:21-1:21 auth-tuple literal password=p`}},
		{"HTTPDigestAuth", `requests.auth.HTTPDigestAuth("u", "p")`, []string{`1:31-1:31 auth-tuple literal username=u`, `1:36-1:36 auth-tuple literal password=p`}},
		{"aiohttp", `aiohttp.BasicAuth("u", "p")`, []string{`1:20-1:20 auth-tuple literal username=u`, `1:25-1:25 auth-tuple literal password=p`}},
		{"aiohttp kwargs", `aiohttp.BasicAuth(login="u", password="p")`, []string{`1:26-1:26 kwarg literal login=u`, `1:40-1:40 kwarg literal password=p`}},
		{"auth in auth", `get(u, auth=HTTPBasicAuth("u", "p"))`, []string{`1:13-1:35 kwarg reference auth="HTTPBasicAuth(\"u\", \"p\")"`, `1:28-1:28 auth-tuple literal username=u`, `1:33-1:33 auth-tuple literal password=p`}},
		// Default arguments.
		{"default arg", `def login(user, password="defpw"): pass`, []string{`1:27-1:31 default-arg literal password=defpw`}},
		{"default arg annotated", `def login(user: str, password: str = "pw", *a, token=None, **kw) -> bool: pass`, []string{`1:39-1:40 default-arg literal password=pw`}},
		{"async def", `async def f(token="t"): pass`, []string{`1:20-1:20 default-arg literal token=t`}},
		{"lambda default", `f = lambda password="x": password`, nil},
		// No pairs.
		{"docstring", `"""password = 'x'"""`, nil},
		{"bare string", "'password'\n\"token\"", nil},
		{"comment", `# password = "x"`, nil},
		{"print py2", `print "password", pw`, nil},
		{"import", `from a import password as pw`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			pairs := Extract(src)
			checkPairs(t, src, pairs)
			var got []string
			for _, p := range pairs {
				got = append(got, formatPair(p))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Extract(%q):\n got:\n  %s\nwant:\n  %s", tc.src, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// Malformed input: the pairs before and after the damage are still found.
func TestExtractRecovery(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unterminated string", "a = 'x\nb = 'y'\n", []string{`1:6-1:6 assign literal a=x`, `2:6-2:6 assign literal b=y`}},
		{"unclosed call", "f(a,\ndef g(password='p'): pass\n", []string{`2:17-2:17 default-arg literal password=p`}},
		{"unclosed dict", "d = {'token': 't',\nreturn {'k': 'v'}\n", []string{`1:16-1:16 dict literal token=t`, `2:15-2:15 dict literal k=v`}},
		{"stray closer", "x)]}\npw = 'p'\n", []string{`2:7-2:7 assign literal pw=p`}},
		{"python 2", "print 'x'\nexec code in ns\npassword = ur'p'\nif a <> b: pass\nx = `y`\ntoken = 'abc'\n", []string{`3:15-3:15 assign literal password=p`, "5:5-5:7 assign reference x=`y`", `6:10-6:12 assign literal token=abc`}},
		{"non-utf8", "pw = '\xff\xfe'\n\xff = 'x'\n", []string{"1:7-1:8 assign literal pw=\"\\xff\\xfe\"", "2:6-2:6 assign literal \"\\xff\"=x"}},
		{"nul", "\x00pw = 'p'", []string{}},
		{"unterminated triple", "pw = 'p'\nx = '''abc", []string{`1:7-1:7 assign literal pw=p`, `2:8-2:10 assign literal x=abc`}},
		{"truncated", "connect(password='p", []string{`1:19-1:19 kwarg literal password=p`}},
		{"bad f-string", "pw = f'{x'\ntoken = 't'", []string{`1:8-1:9 assign literal pw={x`, `2:10-2:10 assign literal token=t`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			pairs := Extract(src)
			checkPairs(t, src, pairs)
			var got []string
			for _, p := range pairs {
				got = append(got, formatPair(p))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Extract(%q):\n got:\n  %s\nwant:\n  %s", tc.src, strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// Deep nesting is handled without recursion.
func TestExtractDeep(t *testing.T) {
	const depth = 100000
	srcs := []string{
		strings.Repeat("(", depth) + "pw='x'",
		strings.Repeat("f(a=", depth) + strings.Repeat(")", depth),
		strings.Repeat("{'k':", depth) + "'v'" + strings.Repeat("}", depth),
		"x = f'" + strings.Repeat("{f'", depth) + strings.Repeat("}'", depth),
		"x = f'" + strings.Repeat("{", depth) + "'",
		"pw == " + strings.Repeat("a.", depth) + "b == 'x'",
		strings.Repeat("a=", depth) + "'x'",
	}
	for _, s := range srcs {
		src := []byte(s)
		checkPairs(t, src, Extract(src))
	}
}

// Extract may run from many goroutines at once; results do not leak between calls.
func TestExtractConcurrent(t *testing.T) {
	var srcs [][]byte
	var want []string
	for _, file := range pyFiles(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
		want = append(want, fmt.Sprint(Extract(src)))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				k := (g + i) % len(srcs)
				if got := fmt.Sprint(Extract(srcs[k])); got != want[k] {
					errs <- fmt.Sprintf("goroutine %d, file %d: result differs", g, k)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
