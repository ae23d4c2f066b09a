package detectors

import (
	"strings"
	"sync"
)

// commonPasswords are among the most used passwords in public breach corpora; a
// hardcoded password in this list, or shorter than 8 characters, is tagged
// "weak-password" (it is reported all the same: a weak password is still a
// credential, and an easy one to guess). The map is built on first use: most
// scans find no password.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
		123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123
		baseball abc123 football monkey letmein 696969 shadow master 666666 qwertyuiop
		123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777 121212 000000
		qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer
		harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey
		ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111
		zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger
		princess joshua cheese amanda summer love ashley nicole chelsea biteme matthew
		access yankees 987654321 dallas austin thunder taylor matrix mobilemail mom monitor
		monitoring montana moon moscow welcome welcome1 admin admin123 root toor changeme
		password1 password123 passw0rd p@ssw0rd secret secret123 test test123 guest
		qwerty123 1q2w3e4r 1q2w3e iloveyou1 abcd1234 letmein1 hello hello123 default
	`) {
		m[p] = true
	}
	return m
})

// weakPassword reports whether a hardcoded password is short or common.
func weakPassword(pw string) bool {
	return len(pw) < 8 || commonPasswords()[strings.ToLower(pw)]
}
