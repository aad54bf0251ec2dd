//go:build amd64 && !purego

package optim

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// tanhSIMD reports whether wideTanhInto runs its AVX2 kernel
// (tanh_amd64.s); wideTanhGo, the portable path, computes the same bits.
// Tests switch it.
var tanhSIMD = cpu.X86.HasAVX2

// wideTanhAVX2 replaces each of the n values at z by its tanh as
// wideTanhGo computes it, four at a time; n is a multiple of 4.
//
//go:noescape
func wideTanhAVX2(z *float64, n int)

// tanhConsts are the constants of wideTanhAVX2 other than expInto's
// expInvLn2N, expLn2HiN and expLn2LoN (which an init function sets, and
// which the kernel reads from them): the kernel finds the fields through
// the offsets of go_asm.h.
type tanhConsts struct {
	abs   uint64  // all bits but the sign
	c22   float64 // the clamp of wideTanhGo's argument of exp
	shift float64 // expShift
	bias  uint64  // the exponent bias of float64
	// expInto's polynomial.
	half, c6, c24, c120 float64
	// tanhFrom's.
	p0, p1, p2, q0, q1, q2 float64
	one                    float64
	mtwo                   float64 // −2
	small                  float64 // the end of the small branch
}

// tanhK are the values of tanhConsts, from the expressions of expInto and
// tanhFrom (wideTanhP and wideTanhQ are initialised before it).
var tanhK = tanhConsts{
	abs: 1<<63 - 1, c22: 22, shift: expShift, bias: 1023,
	half: 0.5, c6: 1.0 / 6, c24: 1.0 / 24, c120: 1.0 / 120,
	p0: wideTanhP[0], p1: wideTanhP[1], p2: wideTanhP[2],
	q0: wideTanhQ[0], q1: wideTanhQ[1], q2: wideTanhQ[2],
	one: 1, mtwo: -2, small: 0.625,
}

// The kernel indexes expTab with n & 127, entries of 16 bytes, and takes
// k as n >> 7.
var (
	_ [expN - 128]struct{}
	_ [128 - expN]struct{}
	_ [unsafe.Sizeof(expTab[0]) - 16]struct{}
	_ [16 - unsafe.Sizeof(expTab[0])]struct{}
)
