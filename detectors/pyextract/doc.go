// Package pyextract finds the (name, value) pairs of Python source that could
// hold a credential, with the exact position of each value. It does not judge:
// a later detector filters the pairs by name and value.
//
// Extract is the entry point. Each kv.Pair it returns has a Context naming the
// construct it came from:
//
//	assign          NAME = v, self.x = v, a.b.c = v, a = b = v (a pair per target),
//	                x: str = v, user, pw = "a", "b" (element-wise), (x := v),
//	                and assignments made by calls: os.putenv("X", v),
//	                monkeypatch.setenv("X", v), setattr(obj, "x", v),
//	                monkeypatch.setattr("mod.X", v)
//	subscript       app.config["SECRET_KEY"] = v, os.environ["X"] = v; Name is the
//	                last key
//	compare         password == "v", "v" != token, pw <> "v"; Name is the other
//	                operand (its last string key, or the variable of an
//	                environment lookup, or its text)
//	kwarg           connect(password=v); Name is the keyword
//	dict            {"password": v}, dict(password=v); Name is the key
//	getenv-default  os.getenv("X", v), os.environ.get("X", v), environ.get,
//	                getenv, os.environ.setdefault, config("X", default=v)
//	                (python-decouple), env("X", default=v), env.str(...) and
//	                the other env.* readers, os.getenv("X") or v; Name is X, and
//	                a lookup without a default gives no pair
//	auth-tuple      auth=(u, p), basic_auth=, http_auth=, proxy_auth= (also when
//	                assigned), HTTPBasicAuth(u, p), HTTPDigestAuth, HTTPProxyAuth,
//	                BasicAuth (aiohttp, httpx), DigestAuth: Name "username" for u
//	                and "password" for p
//	default-arg     def login(user, password=v)
//
// Values: string and bytes literals, implicitly concatenated parts included,
// are Literal, with escapes decoded (Pair.Decoded is then set) and a span
// from the first part's content to the last part's. An f-string with
// replacement fields is a Template whose Value keeps the fields as written
// ("postgres://{user}:{pw}@h"). A literal formatted with % or .format() is a
// Template whose Value is the literal; a + concatenation of literals and
// other operands is a Template in which each other operand is written
// "{expr}". Any other expression with a name in it is a Reference whose Value
// is its source text, cut to MaxRefLen bytes. None, True, False, numbers,
// empty strings, containers (lists, tuples, dicts, sets, comprehensions) and
// lambdas give no pair; the pairs inside a dict still do. Docstrings, bare
// string statements and comments give none.
//
// Scanner is the tokenizer Extract is built on, in the style of go/scanner:
// Init, then Scan until EOF. It knows every Python string literal form (the r,
// b, u, f prefixes and their combinations in any case, Python 2's ur, t-strings,
// single and triple quotes, f-string replacement fields, including the nested
// quotes that Python 3.12 allows), comments, line continuations and bracket
// depth (no Newline inside brackets). Unquote decodes a String token's value.
//
// Cost: Extract and Scanner run in time linear in the size of the source.
// Memory is linear in the longest logical line plus the pairs found. Nothing
// recurses on the input. Nesting (brackets, f-strings inside f-strings) is
// tracked with explicit stacks, so hostile input cannot exhaust the goroutine
// stack. Extract does not keep or modify its input. Values and names that are
// source text share one copy of it. On this repository's testdata Extract runs
// at well over 100 MB/s (see BenchmarkExtract).
//
// Robustness: neither panics on any input (the package is fuzzed), and both
// recover from malformed, truncated, Python 2 and non-UTF-8 source. An
// unterminated string ends at its line end (a triple-quoted one at EOF). An
// f-string that is malformed ends at its first closing quote, as in older
// Pythons. A line that starts with a statement keyword such as def or return
// closes all the brackets left open before it.
//
// Concurrency: Extract may be called from many goroutines at once. A Scanner
// holds the state of one scan and must not be shared, but separate Scanners
// may be used concurrently.
package pyextract
