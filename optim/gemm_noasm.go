//go:build !amd64 || purego

package optim

// gemmSIMD is false where there are no micro-kernels: gemm runs its
// portable loops.
var gemmSIMD = false

func gemm4x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int) {
	panic("optim: no SIMD kernels")
}

func gemm4x8(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int) {
	panic("optim: no SIMD kernels")
}

func gemm4x4(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int) {
	panic("optim: no SIMD kernels")
}

func gemm4x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64) {
	panic("optim: no SIMD kernels")
}

func gemm1x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int) {
	panic("optim: no SIMD kernels")
}

func gemm1x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64) {
	panic("optim: no SIMD kernels")
}
