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
)

func init() {
	registerBuiltin(specialCandidates, detURL, detBasic, detBearer, detSQL)
}

var (
	// scheme://user:password@host
	urlCredRe = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]{1,30}://([^\s:@/"'<>\\{}]{1,128}):([^\s@/"'<>\\]{1,256})@[A-Za-z0-9.\-_\[\]%]`)
	basicRe   = regexp.MustCompile(`(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})`)
	bearerRe  = regexp.MustCompile(`(?i)\b(?:bearer|token)\s+([A-Za-z0-9\-._~+/]{16,}=*)`)
	sqlRe     = regexp.MustCompile(`(?i)\bidentified\s+by\s+(?:'([^'\s]{3,128})'|"([^"\s]{3,128})"|([^\s;'"]{3,128}))`)
	hintsURL  = []byte("://")
)

func specialCandidates(path string, data []byte) []candidate {
	if skipKinds[fileKind(path)] {
		return nil
	}
	var out []candidate
	if bytes.Contains(data, hintsURL) {
		for _, m := range urlCredRe.FindAllSubmatchIndex(data, -1) {
			user, pw := string(data[m[2]:m[3]]), string(data[m[4]:m[5]])
			if urlPasswordOK(user, pw) {
				out = append(out, candidate{Detector: detURL, Start: m[4], End: m[5], Secret: pw})
			}
		}
	}
	lower := asciiLower(data)
	if bytes.Contains(lower, []byte("basic")) {
		for _, m := range basicRe.FindAllSubmatchIndex(data, -1) {
			tok := string(data[m[2]:m[3]])
			if basicOK(tok) {
				out = append(out, candidate{Detector: detBasic, Start: m[2], End: m[3], Secret: tok})
			}
		}
	}
	if bytes.Contains(lower, []byte("bearer")) || bytes.Contains(lower, []byte("token ")) {
		for _, m := range bearerRe.FindAllSubmatchIndex(data, -1) {
			tok := string(data[m[2]:m[3]])
			if tokenOK(tok) {
				out = append(out, candidate{Detector: detBearer, Start: m[2], End: m[3], Secret: tok})
			}
		}
	}
	if bytes.Contains(lower, []byte("identified")) {
		for _, m := range sqlRe.FindAllSubmatchIndex(data, -1) {
			for g := 1; g <= 3; g++ {
				if m[2*g] >= 0 {
					pw := string(data[m[2*g]:m[2*g+1]])
					if filterValue("password", pw, namePassword) == "" && !strings.EqualFold(pw, "password") {
						out = append(out, candidate{Detector: detSQL, Start: m[2*g], End: m[2*g+1], Secret: pw})
					}
				}
			}
		}
	}
	return out
}

func urlPasswordOK(user, pw string) bool {
	if strings.EqualFold(user, pw) {
		return false // admin:admin, user:user: examples
	}
	if strings.HasPrefix(pw, "$") || strings.HasPrefix(pw, "%(") || strings.Contains(pw, "${") || strings.Contains(pw, "{{") {
		return false
	}
	// A port, not a password: http://host:8080@... does not occur, but user:1234 might be a port typo.
	return filterValue("password", pw, namePassword) == ""
}

// basicOK: a Basic credential decodes to printable "user:password".
func basicOK(tok string) bool {
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
		if err != nil {
			return false
		}
	}
	s := string(raw)
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return filterValue("password", s[i+1:], namePassword) == ""
}

// tokenOK: a bearer token looks generated: mixed character classes, no words.
func tokenOK(tok string) bool {
	if filterValue("token", tok, nameSecret) != "" {
		return false
	}
	var digit, letter bool
	for _, r := range tok {
		digit = digit || unicode.IsDigit(r)
		letter = letter || unicode.IsLetter(r)
	}
	return digit && letter
}
