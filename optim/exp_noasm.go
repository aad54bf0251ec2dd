//go:build !amd64 || purego

package optim

// expSIMD is false where there is no SIMD kernel: expInto runs its scalar
// loop.
var expSIMD = false

func expAVX2(z *float64, n int) int {
	panic("optim: no SIMD kernels")
}

func expAVX2f32(z *float32, n int) int {
	panic("optim: no SIMD kernels")
}

func sigmoidAVX2(z *float64, n int) int {
	panic("optim: no SIMD kernels")
}

func sigmoidAVX2f32(z *float32, n int) int {
	panic("optim: no SIMD kernels")
}
