package detectors

import "testing"

func TestLuhnAndIssuer(t *testing.T) {
	for _, tt := range []struct {
		num  string
		want bool
	}{
		{"4539017494109883", true},  // Visa
		{"5312144057950055", true},  // Mastercard
		{"371418259684277", true},   // Amex, 15 digits
		{"4539017494109884", false}, // Luhn fails
		{"1234567890123452", false}, // no issuer
		{"37141825968427", false},   // Amex with 14 digits
	} {
		d := []byte(tt.num)
		if got := cardIssuer(d) && luhn(d); got != tt.want {
			t.Errorf("%s: card = %v, want %v", tt.num, got, tt.want)
		}
	}
}

func TestCardScope(t *testing.T) {
	eng, err := NewEngine(defaultConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	src := []byte("card = '4539017494109883'\n")
	for path, want := range map[string]bool{
		"app/payments.py":            false,
		"tests/fixtures/payments.py": true,
		"data/export.csv":            true,
		"seed.sql":                   true,
	} {
		fs, err := eng.Scan(path, src)
		if err != nil {
			t.Fatal(err)
		}
		if got := hasRule(fs, "payment-card"); got != want {
			t.Errorf("%s: payment-card found %v, want %v", path, got, want)
		}
	}
}
