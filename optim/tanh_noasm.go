//go:build !amd64 || purego

package optim

// tanhSIMD is false where there is no SIMD kernel: wideTanhInto runs
// wideTanhGo.
var tanhSIMD = false

func wideTanhAVX2(z *float64, n int) {
	panic("optim: no SIMD kernels")
}
