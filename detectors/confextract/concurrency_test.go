package confextract

import (
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// TestConcurrent runs Extract on every testdata file from several goroutines
// at once (the scratch pool is shared) and compares with a sequential run.
func TestConcurrent(t *testing.T) {
	type file struct {
		f   Format
		src []byte
	}
	var files []file
	for _, name := range goldenFiles(t) {
		src, err := os.ReadFile(filepath.Join(configDir, name))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file{Detect(name, src), src})
	}
	want := make([]any, len(files))
	for i, fl := range files {
		want[i] = Extract(fl.f, fl.src)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				for i, fl := range files {
					if got := Extract(fl.f, fl.src); !reflect.DeepEqual(got, want[i]) {
						t.Errorf("file %d: concurrent result differs", i)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
