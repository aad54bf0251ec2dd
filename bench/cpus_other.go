//go:build !linux

package bench

// affinityCPUs returns 0: the affinity mask is read on Linux only.
func affinityCPUs() int { return 0 }
