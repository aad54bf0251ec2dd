//go:build amd64 && !purego

package optim

import "golang.org/x/sys/cpu"

// expSIMD reports whether expInto runs its AVX2 kernels (exp_amd64.s) on
// groups of four values; its scalar loop computes the same bits. Tests
// switch it.
var expSIMD = cpu.X86.HasAVX2

// expAVX2 replaces the first values of z[:n] by their exponentials as
// expInto computes them, four at a time, n a multiple of 4. It stops
// before the first group of four that holds a value outside expInto's
// fast range (−708, 709) or a NaN, and returns the number of values it
// replaced.
//
//go:noescape
func expAVX2(z *float64, n int) int

// expAVX2f32 is expAVX2 for float32 values, each converted exactly to
// float64 and its exponential rounded once to float32, as expInto[float32]
// does.
//
//go:noescape
func expAVX2f32(z *float32, n int) int

// sigmoidAVX2 replaces the first values v of z[:n] by 1/(1 + e^−v) as
// activate computes them for Sigmoid (e^−v by expInto), four at a time, n
// a multiple of 4. Like expAVX2, it stops before the first group with an
// argument of the exponential outside the fast range, and returns the
// number of values it replaced.
//
//go:noescape
func sigmoidAVX2(z *float64, n int) int

// sigmoidAVX2f32 is sigmoidAVX2 for float32 values: e^−v rounded to
// float32 and 1/(1 + e) computed in float32, as activate[float32] does.
//
//go:noescape
func sigmoidAVX2f32(z *float32, n int) int

// expConsts are the constants of expAVX2 other than expInvLn2N, expLn2HiN
// and expLn2LoN (which an init function sets, and which the kernels read
// from them); the kernels find the fields through the offsets of go_asm.h.
type expConsts struct {
	shift               float64    // expShift
	bias                uint64     // the exponent bias of float64
	half, c6, c24, c120 float64    // expInto's polynomial
	lo, hi              [4]float64 // the fast range's ends, excluded, in four lanes
	sign                uint64     // the sign bit
	one                 float64
	one32               float32
}

// expK are the values of expConsts, from the expressions of expInto.
var expK = expConsts{shift: expShift, bias: 1023, half: 0.5, c6: 1.0 / 6, c24: 1.0 / 24, c120: 1.0 / 120, lo: [4]float64{-708, -708, -708, -708}, hi: [4]float64{709, 709, 709, 709},
	sign: 1 << 63, one: 1, one32: 1}
