package entropy_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/secretsweep/secretsweep/entropy"
)

func ExampleShannon() {
	fmt.Printf("%.2f\n", entropy.Shannon("aaaaaaaa"))
	fmt.Printf("%.2f\n", entropy.Shannon("abababab"))
	fmt.Printf("%.2f\n", entropy.Shannon("0123456789abcdef"))
	// Output:
	// 0.00
	// 1.00
	// 4.00
}

func ExampleCharset_Contains() {
	fmt.Println(entropy.Hex.Contains("deadBEEF01"))
	fmt.Println(entropy.Hex.Contains("deadbeefg"))
	fmt.Println(entropy.Base64.Contains("c2VjcmV0Cg=="))
	// Output:
	// true
	// false
	// true
}

func ExampleClasses() {
	fmt.Println(entropy.Classes("password"))
	fmt.Println(entropy.Classes("Pa55w0rd!"))
	// Output:
	// 1
	// 4
}

func TestShannon(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"", 0},
		{"a", 0},
		{"ab", 1},
		{"abcd", 2},
		{"aab", -(2.0/3*math.Log2(2.0/3) + 1.0/3*math.Log2(1.0/3))},
		{"AKIAIOSFODNN7EXAMPLE", 3.684183719779189},
	}
	for _, tt := range tests {
		if got := entropy.Shannon(tt.in); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Shannon(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMax(t *testing.T) {
	if got := entropy.Max(8, 64); got != 3 {
		t.Errorf("Max(8, 64) = %v, want 3", got)
	}
	if got := entropy.Max(1000, 16); got != 4 {
		t.Errorf("Max(1000, 16) = %v, want 4", got)
	}
	if got := entropy.Max(1, 16); got != 0 {
		t.Errorf("Max(1, 16) = %v, want 0", got)
	}
}

func TestCharsetEmpty(t *testing.T) {
	for _, c := range []*entropy.Charset{entropy.Hex, entropy.Base64, entropy.Base64URL, entropy.Alnum} {
		if c.Contains("") {
			t.Errorf("%s.Contains(\"\") = true", c.Name())
		}
	}
}
