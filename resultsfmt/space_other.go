//go:build !unix

package resultsfmt

// freeSpace cannot tell the free space here: writes find out.
func freeSpace(dir string) (uint64, bool) { return 0, false }
