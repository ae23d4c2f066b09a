package detectors

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// Detectors for credentials that have a shape of their own wherever they stand:
// a password inside a URL, an HTTP Authorization value, a SQL password clause.

const (
	detURL    = "url-credentials"
	detBasic  = "basic-auth"
	detBearer = "bearer-token"
	detSQL    = "sql-password"
	detCurl   = "cli-password"
)

func init() {
	registerBuiltin(specialCandidates, detURL, detBasic, detBearer, detSQL, detCurl)
}

// The detectors' regexes are compiled on first use: a scan whose files hold
// no hint word for them (most pre-commit scans) never pays for them.
var (
	// scheme://user:password@host
	urlCredRe = lazyRegexp(`(?i)\b[a-z][a-z0-9+.\-]{1,30}://([^\s:@/"'<>\\{}]{0,128}):([^\s@/"'<>\\]{1,256})@[A-Za-z0-9.\-_\[\]%]`)
	basicRe   = lazyRegexp(`(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})`)
	bearerRe  = lazyRegexp(`(?i)\b(?:bearer|token)\s+([A-Za-z0-9\-._~+/]{16,}=*)`)
	optRe     = lazyRegexp(`(?i)(?:^|\s)--?(?:password|passwd|pass|pwd|db-password|token|auth-token|api-key|apikey|secret|client-secret)(?:\s+|=)['"]?([^\s'"\\]{4,128})`)
	curlRe    = lazyRegexp(`(?:^|\s)(?:-u|--user)\s*['"]?([^:\s'"]{1,64}):([^\s'"@]{1,128})`)
	sqlRe     = lazyRegexp(`(?i)\b(?:identified\s+(?:with\s+\w+\s+)?by|(?:user|role)\s+[\w"'@.%-]+\s+(?:with\s+)?(?:encrypted\s+)?password|with\s+(?:encrypted\s+)?password|login\s+password)\s+(?:'([^'\s]{3,128})'|"([^"\s]{3,128})"|([^\s;'"]{3,128}))`)
)

// lazyRegexp returns a function that compiles expr on its first call (and
// panics if it does not compile, as regexp.MustCompile) and returns it.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

func specialCandidates(f *fileScan) []candidate {
	data, explain := f.data, f.explain
	if skipKinds[fileKind(f.path)] {
		return nil
	}
	var out []candidate
	add := func(det string, off, s, e int, secret, reason string) {
		if reason == "" || explain {
			out = append(out, candidate{Detector: det, Start: off + s, End: off + e, Secret: secret, Dropped: reason})
		}
	}
	for _, hl := range f.hints {
		off, g := hl.start, hl.groups
		if hl.end-off > 64<<10 {
			continue // minified code, data blobs
		}
		line := data[off:hl.end]
		// A credential in a URL needs an '@' after the "://": most lines with
		// a URL have none, and skip the regex.
		if g&hintURL != 0 && urlMayHoldCredential(line) {
			for _, m := range urlCredRe().FindAllSubmatchIndex(line, -1) {
				user, pw := string(line[m[2]:m[3]]), string(line[m[4]:m[5]])
				add(detURL, off, m[4], m[5], pw, urlPasswordReason(user, pw))
			}
		}
		if g&hintBasic != 0 {
			for _, m := range basicRe().FindAllSubmatchIndex(line, -1) {
				tok := string(line[m[2]:m[3]])
				add(detBasic, off, m[2], m[3], tok, basicReason(tok))
			}
		}
		if g&hintBearer != 0 {
			for _, m := range bearerRe().FindAllSubmatchIndex(line, -1) {
				tok := string(line[m[2]:m[3]])
				add(detBearer, off, m[2], m[3], tok, tokenReason(tok))
			}
		}
		if g&hintCurl != 0 {
			for _, m := range curlRe().FindAllSubmatchIndex(line, -1) {
				pw := string(line[m[4]:m[5]])
				add(detCurl, off, m[4], m[5], pw, filterValue("password", pw, namePassword))
			}
		}
		if g&hintOpt != 0 {
			for _, m := range optRe().FindAllSubmatchIndex(line, -1) {
				pw := string(line[m[2]:m[3]])
				r := filterValue("password", pw, namePassword)
				if r == "" && strings.HasPrefix(pw, "-") {
					r = reasonReference // the next option, not a value
				}
				add(detCurl, off, m[2], m[3], pw, r)
			}
		}
		if g&hintSQL != 0 {
			for _, m := range sqlRe().FindAllSubmatchIndex(line, -1) {
				for k := 1; k <= 3; k++ {
					if m[2*k] >= 0 {
						pw := string(line[m[2*k]:m[2*k+1]])
						add(detSQL, off, m[2*k], m[2*k+1], pw, filterValue("password", pw, namePassword))
					}
				}
			}
		}
	}
	return out
}

// urlMayHoldCredential reports whether line has an '@' after its first
// "://", which every match of urlCredRe does.
func urlMayHoldCredential(line []byte) bool {
	i := bytes.Index(line, []byte("://"))
	return i >= 0 && bytes.IndexByte(line[i+3:], '@') >= 0
}

func urlPasswordReason(user, pw string) string {
	if user != "" && strings.EqualFold(user, pw) {
		return reasonPlaceholder // admin:admin, user:user: examples
	}
	if strings.HasPrefix(pw, "$") || strings.HasPrefix(pw, "%(") || strings.Contains(pw, "${") || strings.Contains(pw, "{{") {
		return reasonTemplate
	}
	return filterValue("password", pw, namePassword)
}

// basicReason: a Basic credential must decode to printable "user:password".
func basicReason(tok string) string {
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
		if err != nil {
			return reasonNotCredential
		}
	}
	s := string(raw)
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return reasonNotCredential
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return reasonNotCredential
		}
	}
	// A decoded Basic password may hold spaces: skip the prose test.
	if r := filterValue("password", s[i+1:], namePassword); r != "" && r != reasonProse {
		return r
	}
	return ""
}

// tokenReason: a bearer token must look generated: letters and digits, no words.
func tokenReason(tok string) string {
	if r := filterValue("token", tok, nameSecret); r != "" {
		return r
	}
	var digit, letter bool
	for _, r := range tok {
		digit = digit || unicode.IsDigit(r)
		letter = letter || unicode.IsLetter(r)
	}
	if !digit || !letter {
		return reasonLowEntropy
	}
	return ""
}
