package detectors

import "strings"

// The payment-card detector finds card numbers (13 to 19 digits, optionally in
// groups separated by one space or dash) that carry a known issuer prefix and pass
// the Luhn check, in data and fixture files: card numbers in code are rare and
// long digit runs there are mostly ids and constants.

const detCard = "payment-card"

func init() {
	registerBuiltin(cardCandidates, detCard)
}

// dataKinds are file kinds that hold data rather than code.
var dataKinds = map[string]bool{
	".csv": true, ".tsv": true, ".json": true, ".jsonl": true, ".ndjson": true, ".yaml": true, ".yml": true,
	".xml": true, ".sql": true, ".txt": true, ".log": true, ".dat": true, ".psv": true, ".fixture": true,
}

// cardScope reports whether path is a data or fixture file.
func cardScope(path string) bool {
	if dataKinds[fileKind(path)] {
		return true
	}
	lp := "/" + strings.ToLower(path)
	for _, d := range []string{"/fixtures/", "/fixture/", "/testdata/", "/test_data/", "/seeds/", "/seed/", "/dumps/", "/data/"} {
		if strings.Contains(lp, d) {
			return true
		}
	}
	return false
}

// testCards are issuers' documented test numbers, published for use in test
// environments: reported as examples, not as cards.
var testCards = map[string]bool{
	"4242424242424242": true, "4000056655665556": true, "4111111111111111": true, "4012888888881881": true,
	"4222222222222": true, "5555555555554444": true, "5200828282828210": true, "5105105105105100": true,
	"2223003122003222": true, "378282246310005": true, "371449635398431": true, "378734493671000": true,
	"6011111111111117": true, "6011000990139424": true, "3056930009020004": true, "36227206271667": true,
	"30569309025904": true, "38520000023237": true, "3566002020360505": true, "3530111333300000": true,
	"6200000000000005": true, "5019717010103742": true, "6331101999990016": true, "4000000000000002": true,
	"4000000000009995": true, "4000000000000077": true, "4000000000000341": true, "5454545454545454": true,
}

func cardCandidates(f *fileScan) []candidate {
	data, explain := f.data, f.explain
	if !cardScope(f.path) {
		return nil
	}
	var out []candidate
	for i := 0; i < len(data); i++ {
		if !isDigit(data[i]) || (i > 0 && (isDigit(data[i-1]) || isAlnum(data[i-1]))) {
			continue
		}
		// Read digits with single separators, all of the same kind.
		var digits []byte
		var sep byte
		j := i
		for j < len(data) && len(digits) <= 19 {
			c := data[j]
			if isDigit(c) {
				digits = append(digits, c)
				j++
				continue
			}
			if (c == ' ' || c == '-') && j+1 < len(data) && isDigit(data[j+1]) && (sep == 0 || sep == c) && len(digits) >= 3 {
				sep = c
				j++
				continue
			}
			break
		}
		end := j
		if end < len(data) && (isAlnum(data[end]) || data[end] == '.' && end+1 < len(data) && isDigit(data[end+1])) {
			i = end
			continue // part of a longer token or a decimal number
		}
		if n := len(digits); n >= 13 && n <= 19 && cardIssuer(digits) && luhn(digits) && !sameDigit(digits) {
			reason := ""
			if testCards[string(digits)] {
				reason = reasonExample
			}
			if reason == "" || explain {
				out = append(out, candidate{Detector: detCard, Start: i, End: end, Secret: string(data[i:end]), Dropped: reason})
			}
		}
		i = end
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
func isAlnum(b byte) bool { return isIdentByte(b) }

// cardIssuer checks the number's length against its issuer prefix (IIN).
func cardIssuer(d []byte) bool {
	n := len(d)
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p2 == 65, p4 >= 6440 && p4 <= 6499: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p2 == 36, p2 == 38, p2 == 39, p4 >= 3000 && p4 <= 3059: // Diners Club
		return n >= 14 && n <= 19
	case p2 == 62: // UnionPay
		return n >= 16 && n <= 19
	case p4 == 5018, p4 == 5020, p4 == 5038, p4 == 5893, p4 == 6304, p4 == 6759, p4 == 6761, p4 == 6762, p4 == 6763: // Maestro
		return n >= 12 && n <= 19
	}
	return false
}

// luhn reports whether the digits pass the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

func sameDigit(d []byte) bool {
	for _, c := range d[1:] {
		if c != d[0] {
			return false
		}
	}
	return true
}
