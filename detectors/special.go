package detectors

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
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

var (
	// scheme://user:password@host
	urlCredRe = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]{1,30}://([^\s:@/"'<>\\{}]{0,128}):([^\s@/"'<>\\]{1,256})@[A-Za-z0-9.\-_\[\]%]`)
	basicRe   = regexp.MustCompile(`(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})`)
	bearerRe  = regexp.MustCompile(`(?i)\b(?:bearer|token)\s+([A-Za-z0-9\-._~+/]{16,}=*)`)
	optRe     = regexp.MustCompile(`(?i)(?:^|\s)--?(?:password|passwd|pass|pwd|db-password|token|auth-token|api-key|apikey|secret|client-secret)(?:\s+|=)['"]?([^\s'"\\]{4,128})`)
	curlRe    = regexp.MustCompile(`(?:^|\s)(?:-u|--user)\s*['"]?([^:\s'"]{1,64}):([^\s'"@]{1,128})`)
	sqlRe     = regexp.MustCompile(`(?i)\b(?:identified\s+(?:with\s+\w+\s+)?by|(?:user|role)\s+[\w"'@.%-]+\s+(?:with\s+)?(?:encrypted\s+)?password|with\s+(?:encrypted\s+)?password|login\s+password)\s+(?:'([^'\s]{3,128})'|"([^"\s]{3,128})"|([^\s;'"]{3,128}))`)
	hintsURL  = []byte("://")
)

func specialCandidates(path string, data []byte, explain bool) []candidate {
	if skipKinds[fileKind(path)] {
		return nil
	}
	var out []candidate
	lower := asciiLower(data)
	// Each regex runs only on the lines that hold its hint, so that its cost
	// follows the number of candidate lines, not the size of the file.
	eachLineWith(data, lower, hintsURL, func(off int, line []byte) {
		for _, m := range urlCredRe.FindAllSubmatchIndex(line, -1) {
			user, pw := string(line[m[2]:m[3]]), string(line[m[4]:m[5]])
			if r := urlPasswordReason(user, pw); r == "" || explain {
				out = append(out, candidate{Detector: detURL, Start: off + m[4], End: off + m[5], Secret: pw, Dropped: r})
			}
		}
	})
	eachLineWith(data, lower, []byte("basic"), func(off int, line []byte) {
		for _, m := range basicRe.FindAllSubmatchIndex(line, -1) {
			tok := string(line[m[2]:m[3]])
			if r := basicReason(tok); r == "" || explain {
				out = append(out, candidate{Detector: detBasic, Start: off + m[2], End: off + m[3], Secret: tok, Dropped: r})
			}
		}
	})
	bearer := func(off int, line []byte) {
		for _, m := range bearerRe.FindAllSubmatchIndex(line, -1) {
			tok := string(line[m[2]:m[3]])
			if r := tokenReason(tok); r == "" || explain {
				out = append(out, candidate{Detector: detBearer, Start: off + m[2], End: off + m[3], Secret: tok, Dropped: r})
			}
		}
	}
	eachLineWith(data, lower, []byte("bearer"), bearer)
	eachLineWith(data, lower, []byte("token "), func(off int, line []byte) {
		if !bytes.Contains(asciiLower(line), []byte("bearer")) { // not already scanned
			bearer(off, line)
		}
	})
	sql := func(off int, line []byte) {
		for _, m := range sqlRe.FindAllSubmatchIndex(line, -1) {
			for g := 1; g <= 3; g++ {
				if m[2*g] >= 0 {
					pw := string(line[m[2*g]:m[2*g+1]])
					r := filterValue("password", pw, namePassword)
					if r == "" || explain {
						out = append(out, candidate{Detector: detSQL, Start: off + m[2*g], End: off + m[2*g+1], Secret: pw, Dropped: r})
					}
				}
			}
		}
	}
	eachLineWith(data, lower, []byte("curl"), func(off int, line []byte) {
		for _, m := range curlRe.FindAllSubmatchIndex(line, -1) {
			pw := string(line[m[4]:m[5]])
			r := filterValue("password", pw, namePassword)
			if r == "" || explain {
				out = append(out, candidate{Detector: detCurl, Start: off + m[4], End: off + m[5], Secret: pw, Dropped: r})
			}
		}
	})
	eachLineWith(data, lower, []byte(" -"), func(off int, line []byte) {
		for _, m := range optRe.FindAllSubmatchIndex(line, -1) {
			pw := string(line[m[2]:m[3]])
			r := filterValue("password", pw, namePassword)
			if r == "" && strings.HasPrefix(pw, "-") {
				r = reasonReference // the next option, not a value
			}
			if r == "" || explain {
				out = append(out, candidate{Detector: detCurl, Start: off + m[2], End: off + m[3], Secret: pw, Dropped: r})
			}
		}
	})
	eachLineWith(data, lower, []byte("identified"), sql)
	eachLineWith(data, lower, []byte(" password "), func(off int, line []byte) {
		if !bytes.Contains(asciiLower(line), []byte("identified")) {
			sql(off, line)
		}
	})
	return out
}

// eachLineWith calls fn for every line of data whose lower-case form holds hint,
// with the line's offset. Lines over 64 KiB are passed over (minified code).
func eachLineWith(data, lower, hint []byte, fn func(off int, line []byte)) {
	for from := 0; from < len(lower); {
		i := bytes.Index(lower[from:], hint)
		if i < 0 {
			return
		}
		i += from
		ls := bytes.LastIndexByte(lower[:i], '\n') + 1
		le := bytes.IndexByte(lower[i:], '\n')
		if le < 0 {
			le = len(lower)
		} else {
			le += i
		}
		if le-ls <= 64<<10 {
			fn(ls, data[ls:le])
		}
		from = le + 1
	}
}

// urlPasswordReason returns why a URL's password is not a credential, or "".
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
