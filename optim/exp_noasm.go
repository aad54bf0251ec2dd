//go:build !amd64 || purego

package optim

// expSIMD is false where there is no SIMD kernel: expInto runs its scalar
// loop.
var expSIMD = false

// expAVX2 is never called where expSIMD is false.
func expAVX2(z *float64, n int) int {
	panic("optim: no SIMD kernels")
}

// expAVX2f32 is never called where expSIMD is false.
func expAVX2f32(z *float32, n int) int {
	panic("optim: no SIMD kernels")
}

// sigmoidAVX2 is never called where expSIMD is false.
func sigmoidAVX2(z *float64, n int) int {
	panic("optim: no SIMD kernels")
}

// sigmoidAVX2f32 is never called where expSIMD is false.
func sigmoidAVX2f32(z *float32, n int) int {
	panic("optim: no SIMD kernels")
}
