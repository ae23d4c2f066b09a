//go:build !unix

package pyextract

import "time"

func cpuTime() time.Duration { return 0 }
