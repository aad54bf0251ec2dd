//go:build !amd64 || amd64.v3

package optim

// fusesMultiplyAdd reports whether the compiler may fuse x*y + z into one
// rounding (Go allows it; it does so on arm64 and with GOAMD64=v3), in
// which case code paths that promise the same operations in the same order
// can still differ in the last bits.
const fusesMultiplyAdd = true
