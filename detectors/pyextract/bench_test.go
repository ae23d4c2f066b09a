package pyextract

import (
	"os"
	"testing"
)

// BenchmarkExtract measures Extract on the testdata files concatenated
// (reported as MB/s).
func BenchmarkExtract(b *testing.B) {
	var src []byte
	for _, file := range pyFiles(b) {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		src = append(src, data...)
		src = append(src, '\n')
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(src)
	}
}

// BenchmarkScan measures the tokenizer alone on the same input.
func BenchmarkScan(b *testing.B) {
	var src []byte
	for _, file := range pyFiles(b) {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		src = append(src, data...)
		src = append(src, '\n')
	}
	b.SetBytes(int64(len(src)))
	var s Scanner
	for b.Loop() {
		s.Init(src)
		for s.Scan().Kind != EOF {
		}
	}
}
