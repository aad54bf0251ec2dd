package optim

import (
	"math"
	"math/big"
	"unsafe"
)

// expTabBits is log2 of the number of entries of the 2^(j/N) table.
const expTabBits = 7

const (
	expN     = 1 << expTabBits
	expShift = 0x1.8p52 // adding it rounds a float64 below 2^51 to an integer
)

var (
	// expInvLn2N is N/ln 2.
	expInvLn2N float64
	// expLn2HiN + expLn2LoN is ln 2/N, with expLn2HiN's low 17 mantissa
	// bits zero so that n·expLn2HiN is exact for |n| < 2^17 (Cody & Waite).
	expLn2HiN, expLn2LoN float64
	// expTab[j] = hi + lo is 2^(j/N) to about 106 bits.
	expTab [expN]struct{ hi, lo float64 }
)

// ln2Digits is ln 2 to 100 decimal places.
const ln2Digits = "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875"

func init() {
	const prec = 256
	ln2, _, err := big.ParseFloat(ln2Digits, 10, prec, big.ToNearestEven)
	if err != nil {
		panic("optim: bad ln 2 constant: " + err.Error())
	}
	ln2N := new(big.Float).SetPrec(prec).SetMantExp(ln2, -expTabBits)
	f, _ := ln2N.Float64()
	expLn2HiN = math.Float64frombits(math.Float64bits(f) &^ (1<<17 - 1))
	lo := new(big.Float).SetPrec(prec).Sub(ln2N, new(big.Float).SetFloat64(expLn2HiN))
	expLn2LoN, _ = lo.Float64()
	inv := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).SetInt64(expN), ln2)
	expInvLn2N, _ = inv.Float64()
	// 2^(1/N) by expTabBits square roots of 2, then its powers.
	root := new(big.Float).SetPrec(prec).SetInt64(2)
	for range expTabBits {
		root.Sqrt(root)
	}
	p := new(big.Float).SetPrec(prec).SetInt64(1)
	for j := range expTab {
		hi, _ := p.Float64()
		rest := new(big.Float).SetPrec(prec).Sub(p, new(big.Float).SetFloat64(hi))
		lo, _ := rest.Float64()
		expTab[j].hi, expTab[j].lo = hi, lo
		p.Mul(p, root)
	}
}

// expf64 returns e^x with an error below 0.52 ulp (tested against a
// 192-bit reference), about twice as fast as math.Exp. It follows the
// table-driven method of Tang (1989) as in ARM's optimized-routines and
// musl: x = (k·N + j)·ln2/N + r with |r| ≤ ln2/(2N), e^x =
// 2^k · 2^(j/N) · e^r, 2^(j/N) from a double-float table and e^r − 1 from
// its degree-5 Taylor polynomial (truncation below 6e-19 relative for
// |r| ≤ 0.0028). Arguments whose result would overflow, be subnormal or
// zero, and NaN, are passed to math.Exp, so every special case behaves as
// math.Exp's.
//
//	Tang, P. T. P.: Table-driven implementation of the exponential function
//	in IEEE floating-point arithmetic. ACM TOMS 15(2), 144–157 (1989).
func expf64(x float64) float64 {
	a := [1]float64{x}
	expInto(a[:])
	return a[0]
}

// expInto replaces every z[i] by e^z[i], computed in float64 as expf64
// does and rounded once to T. Activations call it on a block of samples:
// one call for the block, whose loop overlaps the independent exponentials,
// instead of a call per sample (expf64 is too large to be inlined). The
// float64 conversions keep the compiler from fusing a multiply and an add
// (as it may with GOAMD64=v3 and on arm64), so that every build rounds
// each operation as written, as the SIMD kernels (exp_amd64.s,
// tanh_amd64.s) do too. Where expSIMD is set and z holds at least
// expVectorMin values, the kernel replaces them four at a time up to the
// first group outside the fast range, and the loop below does the rest,
// with the same bits.
func expInto[T Float](z []T) {
	if expSIMD && len(z) >= expVectorMin {
		z = z[expVector(z):]
	}
	for i, v := range z {
		x := float64(v)
		if !(x > -708 && x < 709) {
			z[i] = T(math.Exp(x))
			continue
		}
		kd := float64(x*expInvLn2N) + expShift
		n := int64(math.Float64bits(kd)) // low bits hold round(x·N/ln 2)
		kd -= expShift
		r := x - float64(kd*expLn2HiN) - float64(kd*expLn2LoN)
		t := expTab[n&(expN-1)]
		k := (n << (64 - 52)) >> (64 - 52 + expTabBits) // sign-extended n >> expTabBits
		r2 := r * r
		p := r + float64(r2*(0.5+float64(r*(1.0/6)))) + float64(r2*r2*(1.0/24+float64(r*(1.0/120))))
		scale := math.Float64frombits(uint64(k+1023) << 52)
		z[i] = T(scale * (t.hi + (t.lo + float64(t.hi*p))))
	}
}

// expVectorMin is the fewest values on which expInto runs its SIMD kernel.
// One group of four takes as long as its chain of dependent operations,
// about as long as four scalar exponentials side by side
// (BenchmarkExpInto: 25 against 23 ns); from two groups on the groups
// overlap and the kernel wins (27 against 42 ns at 8 values, 93 against
// 302 at 64).
const expVectorMin = 8

// sigmoidVectorMin is the fewest values on which activate's Sigmoid runs
// its SIMD kernel: at four values it ties the scalar loops alone
// (BenchmarkExpInto: 32 ns each), and in a Step, whose other work overlaps
// its chain, it is faster (xor's Step, 2→2→1: 196 ns with its output's
// four sigmoids in the kernel against 212 without).
const sigmoidVectorMin = 4

// expVector runs expInto's SIMD kernel on z's groups of four values and
// returns the number of values it replaced (see expAVX2). len(z) ≥ 4.
func expVector[T Float](z []T) int {
	n := len(z) &^ 3
	if unsafe.Sizeof(T(0)) == 8 {
		return expAVX2((*float64)(unsafe.Pointer(unsafe.SliceData(z))), n)
	}
	return expAVX2f32((*float32)(unsafe.Pointer(unsafe.SliceData(z))), n)
}

// sigmoidVector runs the SIMD kernel of activate's Sigmoid on z's groups
// of four values and returns the number of values it replaced (see
// sigmoidAVX2). len(z) ≥ 4.
func sigmoidVector[T Float](z []T) int {
	n := len(z) &^ 3
	if unsafe.Sizeof(T(0)) == 8 {
		return sigmoidAVX2((*float64)(unsafe.Pointer(unsafe.SliceData(z))), n)
	}
	return sigmoidAVX2f32((*float32)(unsafe.Pointer(unsafe.SliceData(z))), n)
}
