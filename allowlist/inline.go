package allowlist

import (
	"strings"
)

// Inline markers. A marker counts only inside a comment: it must follow a
// comment opener, with nothing but spaces and tabs between them, and the
// opener must start the line or follow a space or tab (so the "//" of
// "http://" and a "#" inside a word are not openers). The openers are
//
//	#   ##   //   ///   --   ;   ;;   /*   /**   <!--   {#   REM
//
// ("<!--" and "/*" may also follow other text, as in "<b>x</b><!-- ... -->";
// REM is matched in any case and needs a space after it). A marker must end
// at the end of the line, a space, "-->" or a punctuation character other
// than '-' and '_': "secretsweep:allowed" and "gitleaks:allow-list" are not
// markers.
// Other pragmas go in their own comment: "# noqa: S105  # secretsweep:allow".
//
// Requiring the opener means that a secret value which happens to contain a
// marker ("tok3n-secretsweep:allow") does not allow itself, and neither does a
// marker inside a string, unless the string itself holds a comment opener
// and a space before the marker. It also means that some gitleaks:allow
// markers that gitleaks honours anywhere in the line are not honoured here.
const (
	MarkerAllow           = "secretsweep:allow"
	MarkerAllowNextLine   = "secretsweep:allow-next-line"
	MarkerGitleaksAllow   = "gitleaks:allow"
	MarkerPragmaAllow     = "pragma: allowlist secret"          // detect-secrets
	MarkerPragmaAllowNext = "pragma: allowlist nextline secret" // detect-secrets
)

// Marker kinds: allows its own line, or the next one.
const (
	markerKindLine     = 1
	markerKindNextLine = 2
)

// InlineAllowed reports whether line, the finding's own line, holds a marker
// that allows it: secretsweep:allow, gitleaks:allow or detect-secrets'
// "pragma: allowlist secret", in a comment. It returns the marker in its
// canonical spelling (one of the Marker constants).
func InlineAllowed(line string) (marker string, ok bool) {
	return findMarker(line, markerKindLine)
}

// AllowsNextLine reports whether prevLine, the line above a finding, holds a
// marker that allows the next line: secretsweep:allow-next-line or
// detect-secrets' "pragma: allowlist nextline secret", in a comment.
func AllowsNextLine(prevLine string) (marker string, ok bool) {
	return findMarker(prevLine, markerKindNextLine)
}

// Inline checks both: markers on the finding's line, then on the line above.
// The verdict names the marker and where it was.
func Inline(line, prevLine string) (Verdict, bool) {
	if m, ok := InlineAllowed(line); ok {
		return Verdict{Kind: KindInline, Source: "inline marker \"" + m + "\" on the finding's line"}, true
	}
	if m, ok := AllowsNextLine(prevLine); ok {
		return Verdict{Kind: KindInline, Source: "inline marker \"" + m + "\" on the line above"}, true
	}
	return Verdict{}, false
}

func findMarker(line string, kind int) (string, bool) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != 's' && c != 'g' && c != 'p' {
			continue
		}
		name, n, k := markerAt(line[i:])
		if n == 0 || k != kind || !markerEnds(line[i+n:]) || !commentBefore(line[:i]) {
			continue
		}
		return name, true
	}
	return "", false
}

// markerAt returns the marker that s starts with, its length in s and its
// kind, or n == 0.
func markerAt(s string) (name string, n int, kind int) {
	switch {
	case strings.HasPrefix(s, MarkerAllowNextLine):
		return MarkerAllowNextLine, len(MarkerAllowNextLine), markerKindNextLine
	case strings.HasPrefix(s, MarkerAllow):
		return MarkerAllow, len(MarkerAllow), markerKindLine
	case strings.HasPrefix(s, MarkerGitleaksAllow):
		return MarkerGitleaksAllow, len(MarkerGitleaksAllow), markerKindLine
	case strings.HasPrefix(s, "pragma:"):
		// pragma:[ \t]*allowlist[ \t]+(nextline[ \t]+)?secret, as detect-secrets
		// writes and reads it.
		i := len("pragma:")
		i += spaces(s[i:])
		if !strings.HasPrefix(s[i:], "allowlist") {
			return "", 0, 0
		}
		i += len("allowlist")
		sp := spaces(s[i:])
		if sp == 0 {
			return "", 0, 0
		}
		i += sp
		name, kind = MarkerPragmaAllow, markerKindLine
		if strings.HasPrefix(s[i:], "nextline") {
			j := i + len("nextline")
			if sp := spaces(s[j:]); sp > 0 {
				i = j + sp
				name, kind = MarkerPragmaAllowNext, markerKindNextLine
			}
		}
		if !strings.HasPrefix(s[i:], "secret") {
			return "", 0, 0
		}
		return name, i + len("secret"), kind
	}
	return "", 0, 0
}

func spaces(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// markerEnds reports whether the text after a marker ends it.
func markerEnds(rest string) bool {
	if rest == "" {
		return true
	}
	c := rest[0]
	switch {
	case strings.HasPrefix(rest, "-->"):
		return true // the end of an HTML comment
	case c == '-' || c == '_':
		return false
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c >= 0x80:
		return false
	}
	return true
}

// commentBefore reports whether before, the text of the line before a
// marker, ends with a comment opener and optional spaces.
func commentBefore(before string) bool {
	trimmed := strings.TrimRight(before, " \t")
	if trimmed == "" {
		return false
	}
	// startOK: the opener starts the line or follows a space or tab.
	startOK := func(rest string) bool { return rest == "" || isSpace(rest[len(rest)-1]) }
	n := len(trimmed)
	switch trimmed[n-1] {
	case '#':
		rest := strings.TrimRight(trimmed, "#")
		return startOK(rest) || strings.HasSuffix(rest, "{") && startOK(rest[:len(rest)-1])
	case ';':
		return startOK(strings.TrimRight(trimmed, ";"))
	case '/':
		rest := strings.TrimRight(trimmed, "/")
		return n-len(rest) >= 2 && startOK(rest)
	case '-':
		rest := strings.TrimRight(trimmed, "-")
		if n-len(rest) < 2 {
			return false
		}
		return strings.HasSuffix(rest, "<!") || startOK(rest)
	case '*':
		rest := strings.TrimRight(trimmed, "*")
		return strings.HasSuffix(rest, "/")
	case 'M', 'm':
		// REM needs a space between it and the marker.
		if n < 3 || len(before) == n || !strings.EqualFold(trimmed[n-3:], "rem") {
			return false
		}
		return startOK(trimmed[:n-3])
	}
	return false
}
