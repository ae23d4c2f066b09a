package pyextract

// Kind is the kind of a Token.
type Kind uint8

const (
	// EOF is returned by Scan at the end of the source, and forever after.
	EOF Kind = iota
	// Illegal is a byte that starts no Python token (a stray backslash, '$', '?',
	// a backtick, a NUL byte).
	Illegal
	// Comment is a '#' comment, without the line end.
	Comment
	// Newline ends a logical line. It is not produced inside brackets, after a
	// line continuation, or for blank and comment-only lines. One is produced at
	// EOF when the last logical line has no line end.
	Newline
	// Name is an identifier or a keyword. Every byte >= 0x80 is taken as an
	// identifier byte, so that UTF-8 names (and stray non-UTF-8 bytes) stay in one
	// token.
	Name
	// Number is an integer, float or imaginary literal.
	Number
	// String is a string or bytes literal, with its prefix and quotes.
	String
	// Op is an operator or delimiter, e.g. "=", "==", "(", ",", "**=", "->".
	Op
)

var kindNames = [...]string{
	EOF:     "EOF",
	Illegal: "Illegal",
	Comment: "Comment",
	Newline: "Newline",
	Name:    "Name",
	Number:  "Number",
	String:  "String",
	Op:      "Op",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Flags describe a String token.
type Flags uint8

const (
	// Raw is set for an r/R prefix: backslashes are kept.
	Raw Flags = 1 << iota
	// Bytes is set for a b/B prefix.
	Bytes
	// Format is set for an f/F (or t/T template string) prefix.
	Format
	// Triple is set for a ''' or """ string.
	Triple
	// Unterminated is set when the closing quote is missing: a single-quoted
	// string then ends at the line end, a triple-quoted one at EOF.
	Unterminated
	// Fields is set for a Format string with at least one replacement field
	// ("{x}", not "{{").
	Fields
)

// Token is one token of Python source. Positions are byte offsets into the
// source given to Scanner.Init.
type Token struct {
	Kind  Kind
	Flags Flags // String tokens only
	// Start and End are the byte offsets [Start, End) of the whole token (for a
	// String: prefix, quotes and content).
	Start, End int
	// Line and Col are the 1-based line and byte column of Start.
	Line, Col int
	// ContentStart and ContentEnd are the byte offsets [ContentStart,
	// ContentEnd) of a String's text between its quotes. Zero for other kinds.
	ContentStart, ContentEnd int
}

// Text returns the source text of the token.
func (t Token) Text(src []byte) []byte {
	if t.Start < 0 || t.End > len(src) || t.Start > t.End {
		return nil
	}
	return src[t.Start:t.End]
}

// Is reports whether the token's source text is s.
func (t Token) Is(src []byte, s string) bool {
	return t.End-t.Start == len(s) && string(src[t.Start:t.End]) == s
}
