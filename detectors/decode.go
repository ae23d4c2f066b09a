package detectors

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"
)

// Decoding of encoded text: runs of base64 (standard and URL-safe), of
// percent-encoding (%XX) and of escapes (\uXXXX, \xNN) are found with one cheap
// pass over a file, decoded when they decode to text, and the text is scanned by
// the rules (engine_decode.go). A file without such runs costs two loops over its
// bytes.

// encoding is how a span of text is encoded.
type encoding uint8

const (
	encBase64 encoding = iota + 1
	encPercent
	encEscape
)

func (e encoding) String() string {
	switch e {
	case encBase64:
		return "base64"
	case encPercent:
		return "percent"
	case encEscape:
		return "escape"
	}
	return "none"
}

const (
	// minBase64Run is the shortest base64 run decoded (12 bytes of text).
	minBase64Run = 16
	// maxDecoded bounds the text decoded from one span; a longer span is
	// decoded up to it.
	maxDecoded = 64 << 10
	// maxEscapeReach bounds how far a percent or escape run extends on either
	// side of its first escape (minified code has long lines without spaces).
	maxEscapeReach = 4 << 10
	// maxDecodeDepth is how many times text is decoded: 2 finds base64 inside
	// a percent-encoded URL, and stops a base64-of-base64 chain there.
	maxDecodeDepth = 2
)

// encodedSpan is a run text[start:end] that holds encoded data.
type encodedSpan struct {
	start, end int
	enc        encoding
}

// Byte classes for the scan.
const (
	clB64Std = 1 << iota // A-Z a-z 0-9 + /
	clB64URL             // A-Z a-z 0-9 - _
	clRun                // a byte that may stand in a percent or escape run
	clHex
)

var byteClass [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		var cl uint8
		alnum := b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
		if alnum || b == '+' || b == '/' {
			cl |= clB64Std
		}
		if alnum || b == '-' || b == '_' {
			cl |= clB64URL
		}
		// Runs stop at spaces, quotes, brackets and separators of code and
		// markup; everything else printable (URL syntax, backslashes) and any
		// non-ASCII byte belongs to them.
		if b > ' ' && b != 0x7f && !bytes.ContainsRune([]byte("\"'`<>(){}[],;|^"), rune(b)) {
			cl |= clRun
		}
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' {
			cl |= clHex
		}
		byteClass[c] = cl
	}
}

func isHexByte(b byte) bool { return byteClass[b]&clHex != 0 }

func allHex(b []byte) bool {
	for _, c := range b {
		if !isHexByte(c) {
			return false
		}
	}
	return true
}

// escapeAt returns the length of a triggering escape at text[i] ('%' or '\'):
// %XX, \xNN, \uXXXX or \UXXXXXXXX; 0 when there is none.
func escapeAt(text []byte, i int) int {
	switch text[i] {
	case '%':
		if i+2 < len(text) && isHexByte(text[i+1]) && isHexByte(text[i+2]) {
			return 3
		}
	case '\\':
		if i+1 >= len(text) {
			return 0
		}
		n := 0
		switch text[i+1] {
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			return 0
		}
		if i+2+n <= len(text) && allHex(text[i+2:i+2+n]) {
			return 2 + n
		}
	}
	return 0
}

// findEncoded returns the spans of text worth decoding, in order and not
// overlapping: percent and escape runs (a word around a valid %XX or \u/\x
// escape), then base64 runs of at least minBase64Run characters outside them,
// outside PEM blocks and outside data URIs of binary media.
func findEncoded(text []byte) []encodedSpan {
	var esc []encodedSpan
	// The next '%' and '\\' at or after i (len(text) when there is none),
	// found with IndexByte rather than a loop over every byte.
	pct, bsl := -1, -1
	next := func(from int, c byte) int {
		if j := bytes.IndexByte(text[from:], c); j >= 0 {
			return from + j
		}
		return len(text)
	}
	for i := 0; i < len(text); i++ {
		if pct < i {
			pct = next(i, '%')
		}
		if bsl < i {
			bsl = next(i, '\\')
		}
		if i = min(pct, bsl); i >= len(text) {
			break
		}
		c := text[i]
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
	const b64 = clB64Std | clB64URL
	// Every base64 run found starts at or after i, and text[i-1] is not a
	// base64 byte. A run of minBase64Run bytes from i on must cover
	// probe = i+minBase64Run-1: where text[probe] is not base64, none
	// starts before probe+1, and the bytes in between need no look.
	for i := 0; i+minBase64Run <= len(text); {
		probe := i + minBase64Run - 1
		if byteClass[text[probe]]&b64 == 0 {
			i = probe + 1
			continue
		}
		start := probe
		for start > i && byteClass[text[start-1]]&b64 != 0 {
			start--
		}
		i = probe + 1
		for i < len(text) && byteClass[text[i]]&b64 != 0 {
			i++
		}
		end := i
		if end-start < minBase64Run {
			continue
		}
		for n := 0; n < 2 && i < len(text) && text[i] == '='; n++ {
			i++
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

// skippedRegions returns the PEM blocks of text (BEGIN line to END line):
// their base64 is DER, which the private-key rules read as it is.
func skippedRegions(text []byte) []encodedSpan {
	var out []encodedSpan
	begin, end := []byte("-----BEGIN "), []byte("-----END ")
	for off := 0; ; {
		i := bytes.Index(text[off:], begin)
		if i < 0 {
			return out
		}
		s := off + i
		j := bytes.Index(text[s:], end)
		e := len(text)
		if j >= 0 {
			e = s + j + len(end)
			if k := bytes.IndexByte(text[e:], '\n'); k >= 0 {
				e += k
			} else {
				e = len(text)
			}
		}
		out = append(out, encodedSpan{start: s, end: e})
		off = e
	}
}

// binaryDataURI reports whether the base64 run at start is the data of a data
// URI of binary media (data:image/png;base64,...): images, SVG included, fonts,
// audio, video and octet streams.
func binaryDataURI(text []byte, start int) bool {
	const marker = ";base64,"
	if start < len(marker) || string(text[start-len(marker):start]) != marker {
		return false
	}
	head := text[max(start-200, 0) : start-len(marker)]
	i := bytes.LastIndex(head, []byte("data:"))
	if i < 0 {
		return false
	}
	mime := string(bytes.ToLower(head[i+len("data:"):]))
	for _, p := range []string{"image/", "font/", "audio/", "video/", "application/octet-stream", "application/pdf", "application/zip", "application/x-font", "application/font", "application/vnd.ms-fontobject", "application/wasm"} {
		if len(mime) >= len(p) && mime[:len(p)] == p {
			return true
		}
	}
	return false
}

// decodeSpan decodes text[s.start:s.end], up to maxOut bytes of output. offs
// maps the output back to the span for percent and escape runs: offs[k] is the
// offset in the span of the escape that produced output byte k, and
// offs[len(out)] the span's length; it is nil for base64, whose mapping is
// arithmetic. ok is false when the span does not decode to text.
func decodeSpan(text []byte, s encodedSpan, maxOut int) (out []byte, offs []int32, ok bool) {
	src := text[s.start:s.end]
	switch s.enc {
	case encBase64:
		out, ok = decodeBase64(src, maxOut)
		return out, nil, ok
	case encPercent, encEscape:
		out, offs = unescape(src, s.enc, maxOut)
		if !isText(out) || bytes.Equal(out, src) {
			return nil, nil, false
		}
		return out, offs, true
	}
	return nil, nil, false
}

// decodeBase64 decodes a run of base64 (with or without padding, either
// alphabet, not both), at most maxOut bytes of it, when it decodes to text. The
// first 48 bytes are decoded and checked first, so that binary data (keys,
// hashes, images) costs little.
func decodeBase64(src []byte, maxOut int) ([]byte, bool) {
	src = bytes.TrimRight(src, "=")
	std, url := false, false
	for _, c := range src {
		switch c {
		case '+', '/':
			std = true
		case '-', '_':
			url = true
		}
	}
	if std && url {
		return nil, false
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	if len(src)%4 == 1 {
		return nil, false // not a whole number of bytes
	}
	if n := maxOut / 3 * 4; len(src) > n {
		src = src[:n]
	}
	head := src[:min(len(src), 64)]
	if len(head) < len(src) {
		head = head[:len(head)/4*4]
	}
	buf := make([]byte, enc.DecodedLen(len(src)))
	n, err := enc.Decode(buf, head)
	if err != nil || !isText(buf[:n]) {
		return nil, false
	}
	if len(head) < len(src) {
		m, err := enc.Decode(buf[n:], src[len(head):])
		if err != nil {
			return nil, false
		}
		n += m
	}
	if !isText(buf[:n]) {
		return nil, false
	}
	return buf[:n], true
}

// isText reports whether b is text: valid UTF-8 (a rune cut at the end
// allowed) with no control characters other than tab, CR and LF.
func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	ascii := true
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return true
	}
	// Allow a multi-byte rune cut by the size bound.
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return utf8.Valid(b)
}

// unescape decodes a percent run (%XX) or an escape run (\uXXXX with surrogate
// pairs, \UXXXXXXXX, \xNN, and \n \t \r \\ \/ \" \' around them), leaving
// anything else as it is.
func unescape(src []byte, enc encoding, maxOut int) ([]byte, []int32) {
	out := make([]byte, 0, min(len(src), maxOut))
	offs := make([]int32, 0, min(len(src), maxOut)+1)
	emit := func(at int, b ...byte) {
		for _, c := range b {
			out = append(out, c)
			offs = append(offs, int32(at))
		}
	}
	i := 0
	for i < len(src) && len(out) < maxOut {
		c := src[i]
		if enc == encPercent {
			if c == '%' && escapeAt(src, i) == 3 {
				emit(i, unhex(src[i+1])<<4|unhex(src[i+2]))
				i += 3
				continue
			}
			emit(i, c)
			i++
			continue
		}
		if c != '\\' || i+1 >= len(src) {
			emit(i, c)
			i++
			continue
		}
		switch n := escapeAt(src, i); {
		case n == 4: // \xNN: a code point, as in Python and JavaScript strings
			emit(i, utf8.AppendRune(nil, rune(hexVal(src[i+2:i+4])))...)
			i += 4
		case n > 0:
			r := rune(hexVal(src[i+2 : i+n]))
			if r >= 0xd800 && r < 0xdc00 && i+n+6 <= len(src) && escapeAt(src, i+n) == 6 && src[i+n+1] == 'u' {
				if lo := rune(hexVal(src[i+n+2 : i+n+6])); lo >= 0xdc00 && lo < 0xe000 {
					r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
					n += 6
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			emit(i, utf8.AppendRune(nil, r)...)
			i += n
		default:
			switch src[i+1] {
			case 'n':
				emit(i, '\n')
			case 't':
				emit(i, '\t')
			case 'r':
				emit(i, '\r')
			case '\\', '/', '"', '\'':
				emit(i, src[i+1])
			default:
				emit(i, '\\', src[i+1])
			}
			i += 2
		}
	}
	if len(out) > maxOut {
		out, offs = out[:maxOut], offs[:maxOut]
	}
	offs = append(offs, int32(i))
	return out, offs
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func hexVal(b []byte) uint32 {
	var v uint32
	for _, c := range b {
		v = v<<4 | uint32(unhex(c))
	}
	return v
}

// decodeLayer maps positions in decoded text back to the text it was decoded
// from, and through its parents to the file.
type decodeLayer struct {
	parent *decodeLayer
	start  int // the span's offset in the parent text
	n      int // the span's length
	enc    encoding
	offs   []int32
}

// toParent maps [a, b) in the decoded text to the span of the parent text it
// was decoded from.
func (l *decodeLayer) toParent(a, b int) (int, int) {
	if l.enc == encBase64 {
		a = a / 3 * 4
		b = min((b+2)/3*4, l.n)
	} else {
		a, b = int(l.offs[min(a, len(l.offs)-1)]), int(l.offs[min(b, len(l.offs)-1)])
	}
	if b <= a {
		b = min(a+1, l.n)
	}
	return l.start + a, l.start + b
}

// toFile maps [a, b) in the decoded text to the file.
func (l *decodeLayer) toFile(a, b int) (int, int) {
	for x := l; x != nil; x = x.parent {
		a, b = x.toParent(a, b)
	}
	return a, b
}
