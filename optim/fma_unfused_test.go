//go:build amd64 && !amd64.v3

package optim

// fusesMultiplyAdd reports whether the compiler may fuse x*y + z into one
// rounding; with GOAMD64 below v3 amd64 has no FMA instruction, so it
// never does.
const fusesMultiplyAdd = false
