// Package pyextract finds the (name, value) pairs of Python source that could
// hold a credential: assignments (NAME = "v", self.x = "v", a = b = "v",
// x: str = "v", tuple unpacking), subscript assignments (os.environ["K"] = "v"),
// comparisons (password == "v"), keyword arguments, dict displays and dict(...),
// environment lookups with a default (os.getenv("K", "v"), config("K",
// default="v")), authentication tuples (auth=("u", "p"), HTTPBasicAuth("u", "p"))
// and default arguments of functions. It does not judge: a later detector
// filters the pairs by name and value. Each pair has the exact position of its
// value; see kv.Pair.
//
// Extract is the entry point. Scanner is the tokenizer it is built on, in the
// style of go/scanner: it knows every Python string literal form (all prefixes,
// triple quotes, f-string replacement fields, including the nested quotes of
// Python 3.12), comments, line continuations and bracket depth, and Unquote
// decodes a String token's value.
//
// Cost: Extract and Scanner run in time linear in the size of the source and
// use memory linear in the longest logical line plus the pairs found. Nothing
// recurses on the input: nesting (brackets, f-strings in f-strings) is tracked
// with explicit stacks, so hostile input cannot exhaust the goroutine stack.
// Neither panics on any input, including malformed, truncated, Python 2 and
// non-UTF-8 source; they recover and go on (an unterminated string ends at its
// line end, an unclosed bracket is closed by a line that starts with a
// statement keyword such as def or return).
//
// Concurrency: Extract may be called from many goroutines at once. A Scanner
// holds the state of one scan and must not be shared, but separate Scanners
// may be used concurrently. Neither modifies the source.
package pyextract
