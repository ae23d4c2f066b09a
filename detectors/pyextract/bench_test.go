package pyextract

import (
	"os"
	"testing"
	"time"
)

// benchSource returns the testdata files concatenated.
func benchSource(b testing.TB) []byte {
	var src []byte
	for _, file := range pyFiles(b) {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		src = append(src, data...)
		src = append(src, '\n')
	}
	return src
}

// reportCPU adds a "cpu-MB/s" metric: bytes per second of process CPU time,
// which a busy shared machine does not distort as it does wall-clock MB/s.
// With GOMAXPROCS > 1 it includes the garbage collector's work on other
// threads, so it is a lower bound.
func reportCPU(b *testing.B, start time.Duration, size int) {
	if d := cpuTime() - start; d > 0 && start > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
	}
}

// BenchmarkExtract measures Extract on the testdata files concatenated
// (reported as MB/s).
func BenchmarkExtract(b *testing.B) {
	src := benchSource(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		Extract(src)
	}
	reportCPU(b, start, len(src))
}

// BenchmarkScan measures the tokenizer alone on the same input.
func BenchmarkScan(b *testing.B) {
	src := benchSource(b)
	b.SetBytes(int64(len(src)))
	var s Scanner
	start := cpuTime()
	for b.Loop() {
		s.Init(src)
		for s.Scan().Kind != EOF {
		}
	}
	reportCPU(b, start, len(src))
}
