package detectors

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/secretsweep/secretsweep/entropy"
)

// This file decides whether a (name, value) pair is a credential: by the words of
// the name, then by filters on the value that each carry a reason, so that
// --explain can say why a candidate was dropped.

// nameClass is what a name says about its value.
type nameClass uint8

const (
	nameNone     nameClass = iota
	namePassword           // password, passwd, pwd, passphrase, pass
	nameSecret             // secret, token, credential, api key, private key, auth
	nameKey                // a bare "key": a credential only when the value looks generated
)

// credWords are single words that make a name credential-like.
var credWords = map[string]nameClass{
	"password": namePassword, "passwd": namePassword, "pwd": namePassword, "passwort": namePassword,
	"passphrase": namePassword, "pass": namePassword, "pw": namePassword, "passw": namePassword,
	"mdp": namePassword, "contrasena": namePassword, "senha": namePassword, "parol": namePassword,
	"secret": nameSecret, "secrets": nameSecret, "token": nameSecret, "tokens": nameSecret,
	"credential": nameSecret, "credentials": nameSecret, "creds": nameSecret, "cred": nameSecret,
	"apikey": nameSecret, "apitoken": nameSecret, "accesskey": nameSecret, "secretkey": nameSecret,
	"privatekey": nameSecret, "authkey": nameSecret, "authtoken": nameSecret, "accesstoken": nameSecret,
	"clientsecret": nameSecret, "bearer": nameSecret, "auth": nameSecret, "authorization": nameSecret,
	"salt": nameSecret, "nonce": nameSecret, "verifier": nameSecret,
}

// keyQualifiers make "key" a credential word when they come right before it:
// api_key, access key, secret key, private key, ...
var keyQualifiers = map[string]bool{
	"api": true, "access": true, "secret": true, "private": true, "client": true, "app": true,
	"application": true, "auth": true, "encryption": true, "encrypt": true, "master": true, "signing": true,
	"account": true, "subscription": true, "consumer": true, "service": true, "license": true,
	"aes": true, "hmac": true, "jwt": true, "session": true, "crypt": true, "crypto": true, "cipher": true,
	"shared": true, "storage": true, "server": true, "admin": true, "dev": true, "developer": true,
	"rest": true, "sdk": true, "integration": true, "partner": true, "merchant": true, "webhook": true,
	"certificate": true, "cert": true, "repo": true, "gpg": true, "pgp": true, "ssh": true, "decryption": true,
	"bootstrap": true, "join": true, "cluster": true, "deploy": true, "oauth": true, "activation": true,
	"product": true, "install": true, "root": true, "host": true, "kms": true, "vault": true, "repokey": true,
}

// signatureQualifiers make "signature" or "ticket" name a credential.
var signatureQualifiers = map[string]bool{"oauth": true, "hmac": true, "webhook": true, "request": true, "api": true, "jsapi": true, "auth": true, "session": true, "service": true, "kerberos": true}

// notCredLast are words that, at the end of a name, say the value is about a
// credential rather than the credential itself: its length, file, field name, URL...
var notCredLast = map[string]bool{
	"url": true, "uri": true, "urls": true, "path": true, "paths": true, "file": true, "files": true,
	"filename": true, "dir": true, "directory": true, "name": true, "names": true, "type": true,
	"types": true, "length": true, "len": true, "size": true, "count": true, "max": true, "min": true,
	"id": true, "ids": true, "prefix": true, "suffix": true, "format": true, "regex": true,
	"pattern": true, "label": true, "hint": true, "message": true, "msg": true, "error": true,
	"errors": true, "placeholder": true, "help": true, "title": true, "description": true,
	"desc": true, "field": true, "fields": true, "column": true, "endpoint": true, "header": true,
	"expiry": true, "expires": true, "expiration": true, "expire": true, "timeout": true, "ttl": true,
	"policy": true, "mode": true, "method": true, "methods": true, "enabled": true, "enable": true,
	"disabled": true, "required": true, "validator": true, "validators": true, "class": true,
	"version": true, "algorithm": true, "alg": true, "algo": true, "scheme": true, "env": true,
	"var": true, "variable": true, "key_name": true, "ref": true, "template": true, "host": true,
	"hostname": true, "port": true, "user": true, "username": true, "login": true, "email": true,
	"text": true, "icon": true, "image": true, "link": true, "view": true, "form": true, "page": true,
	"route": true, "button": true, "style": true, "css": true, "status": true, "state": true,
	"reset": true, "changed": true, "updated": true, "created": true, "at": true, "date": true,
	"time": true, "kind": true, "source": true, "provider": true, "store": true, "manager": true,
	"service": true, "handler": true, "callback": true, "func": true, "function": true, "fn": true,
	"test": true, "tests": true, "example": true, "sample": true, "params": true, "param": true,
	"option": true, "options": true, "flag": true, "setting": true, "settings": true, "config": true,
	"response": true, "request": true, "req": true, "res": true, "resp": true, "result": true,
	"info": true, "data": true, "list": true, "map": true, "dict": true, "set": true, "index": true,
	"idx": true, "position": true, "pos": true, "offset": true, "start": true, "end": true,
	"char": true, "chars": true, "charset": true, "encoding": true, "location": true, "loc": true,
	"mask": true, "masked": true, "hash": true, "hashed": true, "hasher": true, "digest": true,
	"strength": true, "score": true, "rule": true, "rules": true, "used": true, "uses": true,
	"secretname": true, "secretref": true, "exists": true, "present": true, "valid": true, "is": true,
	"bytes": true, "bits": true, "number": true, "num": true, "entropy": true, "generator": true,
	"command": true, "cmd": true, "script": true, "plugin": true, "module": true, "mount": true,
	"volume": true, "namespace": true, "arn": true, "region": true, "bucket": true, "table": true,
	"attribute": true, "attr": true, "property": true, "prop": true, "arg": true, "args": true,
}

// notCredAny are words that anywhere in a name say it is not a credential value.
var notCredAny = map[string]bool{
	"public": true, "pub": true, "publishable": true, "fingerprint": true, "tokenizer": true,
	"tokenize": true, "tokenized": true, "tokens_count": true, "passthrough": true, "bypass": true,
	"passive": true, "compass": true, "passenger": true, "passage": true, "passport": true,
	"csrf": true, "xsrf": true, "forgot": true, "confirm_text": true, "keyboard": true,
	"monkey": true, "turkey": true, "hotkey": true, "keycode": true, "keystroke": true,
	"sort": true, "cache": true, "lookup": true, "pkey": true, "primary": true, "foreign": true,
	"sitekey": true, "recaptcha": true, "next": true, "page": true, "paging": true, "pagination": true,
	"continuation": true, "cursor": true, "lexer": true, "parser": true, "syntax": true,
	"checksum": true, "sha1": true, "sha2": true, "sha256": true, "sha512": true, "md5": true, "oid": true,
}

// splitWords splits an identifier into lower-case words on '_', '-', '.', spaces,
// brackets, quotes, camelCase boundaries and digit runs.
func splitWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r):
			if unicode.IsUpper(r) && len(cur) > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			cur = append(cur, r)
		case unicode.IsDigit(r):
			if len(cur) > 0 && !unicode.IsDigit(cur[len(cur)-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// classifyName says whether a name is credential-like, and of which kind. The
// last words decide: "password_file" is a file name, "reset_password_url" a URL.
func classifyName(name string) nameClass {
	// A dotted name is judged by its last part: "getpass.getuser.return_value"
	// is a return value, "spring.datasource.password" a password.
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	words := splitWords(name)
	if len(words) == 0 || len(words) > 12 {
		return nameNone
	}
	for _, w := range words {
		if notCredAny[w] {
			return nameNone
		}
	}
	// Joined pairs catch "apiKey" split as api+key and run-together names such as
	// "dbpassword" or "adminpass".
	class := nameNone
	for i, w := range words {
		c := credWords[w]
		if c == nameNone && w == "key" && i > 0 && keyQualifiers[words[i-1]] {
			c = nameSecret
		}
		if c == nameNone && (w == "signature" || w == "ticket") && i > 0 && signatureQualifiers[words[i-1]] {
			c = nameSecret // oauth_signature, hmac_signature, jsapi_ticket
		}
		if c == nameNone && w == "key" && i == len(words)-1 {
			c = nameKey
		}
		if (w == "auth" || w == "authorization") && i != len(words)-1 {
			c = nameNone // auth_url, authFQDN, AuthProxyWhitelist: about auth, not a credential
		}
		if c == nameNone {
			c = embeddedCredWord(w)
		}
		if c != nameNone {
			class = c
			// Words after the credential word decide whether it still names the value.
			for _, after := range words[i+1:] {
				if notCredLast[after] {
					class = nameNone
				}
			}
		}
	}
	return class
}

// embeddedCredWord finds a credential word run together with others in one
// lower-case word: "dbpassword", "adminpass", "mysqlpwd", "apitoken".
func embeddedCredWord(w string) nameClass {
	if len(w) < 5 {
		return nameNone
	}
	for _, suf := range []string{"password", "passwd", "passphrase", "secret", "token", "pwd", "pass", "apikey", "secretkey", "accesskey"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			if notCredAny[w] {
				return nameNone
			}
			if strings.HasPrefix(suf, "pass") || suf == "pwd" {
				return namePassword
			}
			return nameSecret
		}
	}
	for _, pre := range []string{"password", "passwd", "secret", "token"} {
		if strings.HasPrefix(w, pre) && len(w) > len(pre) {
			rest := w[len(pre):]
			if rest == "s" || strings.Trim(rest, "0123456789") == "" {
				if pre == "password" || pre == "passwd" {
					return namePassword
				}
				return nameSecret
			}
		}
	}
	return nameNone
}

// Reasons a candidate value is dropped.
const (
	reasonEmpty       = "empty"
	reasonShort       = "too-short"
	reasonPlaceholder = "placeholder"
	reasonTemplate    = "template"
	reasonReference   = "indirection"
	reasonPath        = "file-path-or-url"
	reasonSelf        = "derived-from-name"
	reasonExample     = "known-example"
	reasonProse       = "prose"
	reasonLowEntropy  = "low-entropy"
	reasonMasked      = "masked"
	reasonBool        = "boolean-or-null"
	reasonHash        = "password-hash"
	reasonIdentifier  = "identifier"
	// reasonNotCredential: the text has the shape but not the content (a Basic
	// value that does not decode to user:password).
	reasonNotCredential = "not-a-credential"
)

// looksGenerated: long enough, letters and digits, and high entropy: the shape
// of a generated key rather than of a name or a word.
func looksGenerated(v string) bool {
	if len(v) < 12 || strings.ContainsAny(v, " \t") {
		return false
	}
	var digit, letter bool
	for i := 0; i < len(v); i++ {
		digit = digit || (v[i] >= '0' && v[i] <= '9')
		letter = letter || (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')
	}
	if !digit || !letter || entropy.Shannon(v) < 3.3 {
		return false
	}
	// Hex is generated whatever its vowels; other text must not read as words
	// ("strangesnapshotwithuserid0").
	return entropy.Hex.Contains(v) || !pronounceable(v)
}

// isPasswordHash: crypt(3)-style hashes ($2b$, $6$, $argon2id$, {CRYPT}, {SSHA})
// and Django's algorithm$iterations$salt$hash. They are reported by the hash rule,
// not as plaintext passwords.
func isPasswordHash(v string) bool {
	if strings.HasPrefix(v, "{") {
		if i := strings.IndexByte(v, '}'); i > 1 && i < 12 {
			return true // {SSHA}..., {CRYPT}..., {bcrypt}...
		}
	}
	if len(v) >= 20 && v[0] == '$' && strings.Count(v, "$") >= 3 {
		return true
	}
	for _, p := range []string{"pbkdf2_sha256$", "pbkdf2_sha1$", "argon2$", "bcrypt$", "bcrypt_sha256$", "scrypt$", "sha1$", "md5$"} {
		if strings.HasPrefix(v, p) && strings.Count(v, "$") >= 2 {
			return true
		}
	}
	return false
}

// credValueWords are words that, in an identifier-shaped value, show the value
// names a credential ("db_password", "apiToken") rather than being one.
var credValueWords = []string{"password", "passwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "private_key", "access_key"}

func namesACredential(lv string) bool {
	for i := 0; i < len(lv); i++ {
		b := lv[i]
		if !isIdentByte(b) && b != '-' && b != '.' {
			return false
		}
	}
	for _, w := range credValueWords {
		if strings.Contains(lv, w) {
			return true
		}
	}
	return false
}

// identifierLike: a value shaped like a name in code rather than a credential:
// CONSTANT_NAMES, dotted.names, multi-word-slugs and camelCase words for tokens
// and keys, which are generated and rarely read as words.
func identifierLike(v string, class nameClass) bool {
	// CONSTANT_CASE with an underscore.
	if strings.Contains(v, "_") && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == "" && v[0] >= 'A' && v[0] <= 'Z' {
		return true
	}
	seps := "_."
	if class == nameSecret && !isUUIDShape(v) {
		seps = "_.-"
	}
	// Words of letters joined by separators: on_create, session.app, ceph-key-user.
	parts := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(seps, r) })
	if len(parts) >= 2 && strings.Trim(v, seps) == v {
		all := true
		for _, p := range parts {
			if p == "" || strings.IndexFunc(p, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
				all = false
				break
			}
		}
		if all && pronounceable(v) {
			return true
		}
	}
	if class != nameSecret {
		return false
	}
	// A short lower-case word: "comment", "include", "invalid", "channel".
	if len(v) < 10 && strings.Trim(v, "abcdefghijklmnopqrstuvwxyz") == "" && pronounceable(v) {
		return true
	}
	// camelCase or PascalCase words, or an upper-case word: databaseName, MaxResults, VERSION.
	if strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 && len(v) < 16 {
		humps := 0
		for i := 1; i < len(v); i++ {
			if v[i] >= 'A' && v[i] <= 'Z' && v[i-1] >= 'a' && v[i-1] <= 'z' {
				humps++
			}
		}
		upper := strings.ToUpper(v) == v
		if (upper || (humps >= 1 && humps <= 2 && !(v[1] >= 'A' && v[1] <= 'Z'))) && pronounceable(v) {
			return true
		}
	}
	// Paths of plain words: node-role.kubernetes.io/master, ace/lib/lang.
	if strings.Contains(v, "/") && strings.IndexFunc(v, unicode.IsDigit) < 0 && strings.ToLower(v) == v {
		return true
	}
	return false
}

// pronounceable: at least a quarter of the letters are vowels and no five
// consonants stand in a row, as in words and names made of words ("on_create",
// "databaseName"); generated strings drawn uniformly from the alphabet have about
// one vowel in five letters and long consonant runs.
func pronounceable(v string) bool {
	letters, vowels, run, maxRun := 0, 0, 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i] | 0x20
		if c < 'a' || c > 'z' {
			run = 0
			continue
		}
		letters++
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			if c != 'y' {
				vowels++
			}
			run = 0
		default:
			run++
			maxRun = max(maxRun, run)
		}
	}
	return letters > 0 && vowels*4 >= letters && maxRun < 5
}

// placeholderWords are values that stand for a credential rather than being one.
var placeholderWords = map[string]bool{
	"foo": true, "bar": true, "baz": true, "qux": true, "foobar": true, "pass": true, "password": true,
	"passwd": true, "pwd": true, "secret": true, "secrets": true, "token": true, "test": true,
	"testing": true, "tests": true, "example": true, "sample": true, "dummy": true, "fake": true,
	"mock": true, "placeholder": true, "changeme": true, "change_me": true, "change-me": true,
	"changeit": true, "replace_me": true, "replaceme": true, "replace-me": true, "todo": true,
	"tbd": true, "fixme": true, "redacted": true, "hidden": true, "censored": true, "none": true,
	"null": true, "nil": true, "undefined": true, "empty": true, "default": true, "value": true,
	"function": true, "object": true, "callable": true, "bytes": true, "int": true, "bool": true,
	"string": true, "str": true, "text": true, "key": true, "apikey": true, "api_key": true,
	"api-key": true, "secret_key": true, "secretkey": true, "mysecret": true, "mypassword": true,
	"yourpassword": true, "your_password": true, "my_password": true, "your-password": true,
	"password123": true, "pass123": true, "abc": true, "abc123": true, "abcd": true, "abcdef": true,
	"qwerty": true, "1234": true, "12345": true, "123456": true, "1234567": true, "12345678": true,
	"123456789": true, "admin": true, "administrator": true, "root": true, "user": true,
	"username": true, "guest": true, "demo": true, "xxx": true, "xxxx": true, "yyy": true,
	"required": true, "optional": true, "unknown": true, "unset": true, "notset": true,
	"secret123": true, "testpass": true, "testpassword": true, "test123": true, "s3cr3t": true,
	"p@ssw0rd": true, "passw0rd": true, "letmein": true, "hunter2": true, "insecure": true,
	"bearer": true, "basic": true, "auth": true, "authorization": true, "credentials": true,
	"client_secret": true, "access_token": true, "refresh_token": true, "id_token": true,
	"private_key": true, "public_key": true, "my_secret": true, "super_secret": true,
	"supersecret": true, "topsecret": true, "verysecret": true, "sekret": true, "secure": true,
	"encrypted": true, "generated": true, "random": true, "auto": true, "env": true, "environ": true,
}

// knownExamples are documented example credentials.
var knownExamples = []string{
	"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	"ASIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",
}

// isKnownExample reports whether s holds a documented example credential.
func isKnownExample(s string) bool {
	for _, ex := range knownExamples {
		if strings.Contains(s, ex) {
			return true
		}
	}
	return false
}

// filterValue returns "" when value may be a credential, else the reason it is
// not. class is what the name said; literal is false for unquoted values in code.
func filterValue(name, value string, class nameClass) string {
	v := strings.TrimSpace(value)
	switch {
	case v == "":
		return reasonEmpty
	case isTemplate(v):
		return reasonTemplate
	}
	if isKnownExample(v) {
		return reasonExample
	}
	lv := strings.ToLower(v)
	bare := strings.TrimFunc(lv, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if placeholderWords[lv] || placeholderWords[bare] || placeholderWords[strings.TrimRight(bare, "0123456789")] || isPlaceholder(lv) || placeholderPair(lv) {
		return reasonPlaceholder
	}
	if isPasswordHash(v) {
		return reasonHash
	}
	switch lv {
	case "true", "false", "yes", "no", "on", "off", "null", "none", "nil", "undefined", "0", "1", "-1":
		return reasonBool
	}
	n := utf8.RuneCountInString(v)
	minLen := 4
	if class == nameSecret {
		minLen = 6
	}
	if class == nameKey && !looksGenerated(v) {
		return reasonLowEntropy
	}
	if n < minLen {
		return reasonShort
	}
	if isMasked(v) {
		return reasonMasked
	}
	if looksLikePathOrURL(v) {
		return reasonPath
	}
	if derivedFromName(name, lv) || namesACredential(lv) {
		return reasonSelf
	}
	if identifierLike(v, class) || numberLike(v) {
		return reasonIdentifier
	}
	if strings.Count(v, " ") >= 3 || looksLikeProse(v) || strings.HasSuffix(v, ":") {
		return reasonProse
	}
	if class == nameSecret && n >= 6 && entropy.Shannon(v) < 2.0 {
		return reasonLowEntropy
	}
	return ""
}

func isTemplate(v string) bool {
	switch {
	case strings.Contains(v, "${"), strings.Contains(v, "{{"), strings.Contains(v, "%("),
		strings.Contains(v, "#{"), strings.Contains(v, "<%"), strings.Contains(v, "$("):
		return true
	case v[0] == '$' && len(v) > 1 && (isIdentByte(v[1]) || v[1] == '{'):
		// $VAR; but "$2b$..." hashes and "$ecret" style passwords with digits stay.
		return isIdentifier(v[1:]) && strings.ToUpper(v[1:]) == v[1:]
	case v[0] == '%' && strings.HasSuffix(v, "%") && len(v) > 2 && isIdentifier(v[1:len(v)-1]):
		return true // %VAR% (Windows)
	case v[0] == '{' || v[0] == '[':
		return true // {name} format field, or JSON text rather than a value
	case len(v) > 2 && strings.ContainsRune("#@_%", rune(v[0])) && v[1] == v[0]:
		return true // ###NAME###, @@NAME@@, __NAME__, %%NAME%%
	case v[0] == '%' && strings.HasSuffix(v, "%") && len(v) > 2 && strings.Trim(v[1:len(v)-1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") == "":
		return true // %VAR%, %DB.ROLE%
	case strings.Contains(v, "%s"), strings.Contains(v, "%d"):
		return true
	}
	return false
}

func isPlaceholder(lv string) bool {
	if lv[0] == '<' && lv[len(lv)-1] == '>' || lv[0] == '[' && lv[len(lv)-1] == ']' {
		return true
	}
	if placeholderTagRe().MatchString(lv) {
		return true // <password>, <your token> inside the value
	}
	for _, s := range []string{"xxx", "***", "...", "your_", "your-", "yourpass", "yourtoken", "yoursecret", "your ",
		"placeholder", "replace", "changeme", "change_me", "change-me", "example", "dummy", "fake", "sample",
		"insert", "enter_", "enter-", "put_your", "todo", "fixme", "redacted", "____", "----", "0000000",
		"aaaaaa", "abcdef", "12345", "asdf", "qwerty", "not_a_real", "not-a-real", "notreal", "mysecret", "mypassword",
		"secret_here", "password_here", "token_here", "key_here", "here_", "_here", "-here", "testtest", "foobar"} {
		if strings.Contains(lv, s) {
			return true
		}
	}
	return false
}

var placeholderTagRe = lazyRegexp(`<[a-z][a-z0-9 _.-]*>`)

// placeholderPair: "user:pass", "admin:secret": both halves placeholders.
func placeholderPair(lv string) bool {
	a, b, ok := strings.Cut(lv, ":")
	return ok && placeholderWords[a] && placeholderWords[b]
}

// numberLike: versions, OIDs, IP addresses and ranges: digits and dots, maybe
// behind a version operator ("^1.4.6", "2.16.840.1.113730.3.4.4").
func numberLike(v string) bool {
	v = strings.TrimLeft(v, "^~<>=v")
	return strings.Count(v, ".") >= 2 && strings.Trim(v, "0123456789.") == ""
}

// isMasked: a value made of one repeated character, such as "********" or "xxxxxxxx".
func isMasked(v string) bool {
	first, _ := utf8.DecodeRuneInString(v)
	for _, r := range v {
		if r != first {
			return false
		}
	}
	return true
}

func looksLikePathOrURL(v string) bool {
	if strings.Contains(v, "://") {
		// A URL with credentials is the URL detector's business; others are not secrets.
		return true
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") ||
		strings.HasPrefix(v, "~/") || (len(v) > 2 && v[1] == ':' && v[2] == '\\') {
		return !strings.ContainsAny(v, " ") && strings.Count(v, "/")+strings.Count(v, "\\") >= 1
	}
	lv := strings.ToLower(v)
	for _, ext := range []string{".pem", ".key", ".crt", ".cer", ".p12", ".pfx", ".jks", ".json", ".txt", ".yaml",
		".yml", ".env", ".ini", ".cfg", ".conf", ".xml", ".properties", ".gpg", ".asc", ".pub", ".der", ".html", ".py", ".js", ".keystore"} {
		if strings.HasSuffix(lv, ext) && !strings.ContainsAny(v, " ") {
			return true
		}
	}
	return false
}

// derivedFromName: the value repeats the name, e.g. password="password",
// api_key="api-key", DB_PASSWORD="db_password", token="my_token".
func derivedFromName(name, lv string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	nv := norm(lv)
	if nv == "" {
		return true
	}
	nn := norm(name)
	if nn != "" && (strings.Contains(nn, nv) || (len(nv) >= 8 && strings.Contains(nv, nn))) {
		return true
	}
	// The value is the name's last word with decoration: "my_token", "the-secret".
	words := splitWords(name)
	if len(words) > 0 {
		last := words[len(words)-1]
		if len(last) >= 4 && strings.Contains(nv, last) && len(nv) <= len(last)+6 && isIdentifier(lv) {
			return true
		}
	}
	return false
}

// labelWords are words of labels and help texts ("API password", "User name",
// "your token"): a two-word value with one of them is a label, not a password.
var labelWords = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "credential": true, "credentials": true,
	"name": true, "user": true, "username": true, "api": true, "key": true, "token": true,
	"secret": true, "the": true, "your": true, "my": true, "for": true, "of": true, "here": true,
	"value": true, "string": true, "id": true, "new": true, "old": true, "enter": true, "a": true,
}

// looksLikeProse: several words of letters, as in a message or a label.
func looksLikeProse(v string) bool {
	words := strings.Fields(v)
	if len(words) < 2 {
		return false
	}
	letters, labels := 0, 0
	for _, w := range words {
		if strings.IndexFunc(w, func(r rune) bool {
			return !unicode.IsLetter(r) && r != '\'' && r != ',' && r != '.' && r != ':' && r != '!' && r != '?' && r != '_'
		}) < 0 {
			letters++
		}
		if labelWords[strings.ToLower(strings.Trim(w, ".,:!?"))] {
			labels++
		}
	}
	if letters != len(words) {
		return false
	}
	return len(words) >= 3 || labels > 0
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return !(s[0] >= '0' && s[0] <= '9')
}

// isUUIDShape: 8-4-4-4-12 groups, whatever the letters.
func isUUIDShape(v string) bool {
	parts := strings.Split(v, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range []int{8, 4, 4, 4, 12} {
		if len(parts[i]) != n {
			return false
		}
	}
	return true
}
