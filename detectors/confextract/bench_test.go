package confextract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchInput repeats the testdata/config files of format f to about 1 MB, so
// that the throughput (MB/s, from b.SetBytes) is that of realistic files.
func benchInput(b *testing.B, f Format) []byte {
	var unit []byte
	for _, name := range goldenFiles(b) {
		src, err := os.ReadFile(filepath.Join(configDir, name))
		if err != nil {
			b.Fatal(err)
		}
		if Detect(name, src) == f {
			unit = append(unit, src...)
			if len(src) > 0 && src[len(src)-1] != '\n' {
				unit = append(unit, '\n')
			}
			if f == YAML {
				unit = append(unit, "---\n"...)
			}
		}
	}
	if len(unit) == 0 {
		b.Skip("no testdata")
	}
	return []byte(strings.Repeat(string(unit), (1<<20)/len(unit)+1))
}

func BenchmarkExtract(b *testing.B) {
	for f := Env; f < numFormats; f++ {
		if f == JupyterNotebook {
			continue
		}
		b.Run(f.String(), func(b *testing.B) {
			src := benchInput(b, f)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				Extract(f, src)
			}
			reportCPU(b, c0, len(src))
		})
	}
}

func BenchmarkNotebook(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(configDir, "notebook.ipynb"))
	if err != nil {
		b.Fatal(err)
	}
	// one notebook with many cells
	cell := src[strings.Index(string(src), "  {\n   \"cell_type\": \"code\""):strings.Index(string(src), "  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null")]
	big := []byte("{\n \"cells\": [\n" + strings.Repeat(string(cell), (1<<20)/len(cell)) + "  {}\n ]\n}\n")
	b.SetBytes(int64(len(big)))
	b.ReportAllocs()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := Notebook(big); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0, len(big))
}

// reportCPU reports the throughput by CPU time of the process (MB per CPU
// second, GC included), which unlike MB/s does not depend on how busy the
// machine is. Meaningful with -cpu=1.
func reportCPU(b *testing.B, c0 time.Duration, n int) {
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/1e6/d.Seconds(), "cpu-MB/s")
	}
}
