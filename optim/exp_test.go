package optim

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ulpsFrom returns |got − ref| in units of the float64 spacing at ref.
func ulpsFrom(got float64, ref *big.Float) float64 {
	r, _ := ref.Float64()
	ulp := math.Nextafter(math.Abs(r), math.Inf(1)) - math.Abs(r)
	d, _ := new(big.Float).SetPrec(refPrec).Sub(new(big.Float).SetFloat64(got), ref).Float64()
	return math.Abs(d) / ulp
}

// expMaxUlps is expf64's error bound: the final rounding (0.5 ulp) plus
// the table's and polynomial's errors, each below 2^−60 relative, and the
// rounding of the small terms (≈ 0.005 ulp each) — 0.52 leaves the margin
// for those.
const expMaxUlps = 0.52

// TestExpAccuracy compares expf64 with a 192-bit reference (bigExp, see
// careful_test.go) over its whole fast range, near 0, and at the table's
// break points, and checks that it is never less accurate than math.Exp
// there (which is measured at up to 1.6 ulp on amd64).
func TestExpAccuracy(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	n := 60000
	if testing.Short() {
		n = 6000
	}
	worst, worstStd := 0.0, 0.0
	for i := range n {
		var x float64
		switch i % 4 {
		case 0:
			x = -708 + 1417*rnd.Float64()
		case 1:
			x = 40 * (rnd.Float64() - 0.5)
		case 2:
			x = 1e-4 * (rnd.Float64() - 0.5)
		default: // near (j + ½)·ln2/N, where reduction is hardest
			x = (float64(rnd.IntN(20000)-10000) + 0.5) * math.Ln2 / expN
		}
		ref := bigExp(x)
		e := ulpsFrom(expf64(x), ref)
		require.LessOrEqual(t, e, expMaxUlps, "expf64(%v)", x)
		worst = max(worst, e)
		worstStd = max(worstStd, ulpsFrom(math.Exp(x), ref))
	}
	t.Logf("max error: expf64 %.4f ulp, math.Exp %.4f ulp (%d arguments)", worst, worstStd, n)
	assert.LessOrEqual(t, worst, worstStd)
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300} {
		assert.LessOrEqual(t, ulpsFrom(expf64(x), bigExp(x)), expMaxUlps, "expf64(%v)", x)
	}
	assert.Equal(t, 1.0, expf64(0))
}

// TestExpSpecialCases checks that arguments outside the fast range behave
// exactly as math.Exp: overflow, subnormal results, underflow to 0, ±Inf
// and NaN.
func TestExpSpecialCases(t *testing.T) {
	for _, x := range []float64{709, 709.7, 709.8, 710, 1000, math.Inf(1), -708, -708.5, -720, -745.1,
		-745.2, -1000, math.Inf(-1), math.MaxFloat64, -math.MaxFloat64} {
		assert.Equal(t, math.Float64bits(math.Exp(x)), math.Float64bits(expf64(x)), "expf64(%v)", x)
	}
	assert.True(t, math.IsNaN(expf64(math.NaN())))
}

// BenchmarkExp measures four independent sigmoids (one seed3 forward
// pass) with math.Exp and with expf64.
func BenchmarkExp(b *testing.B) {
	for _, f := range []struct {
		name string
		exp  func(float64) float64
	}{{"exp=math", math.Exp}, {"exp=expf64", expf64}} {
		b.Run(f.name, func(b *testing.B) {
			z := [4]float64{-0.99, 0.27, 0.6, -0.56}
			var s float64
			for b.Loop() {
				for _, v := range z {
					s += 1 / (1 + f.exp(-v))
				}
				z[0] += 1e-9
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(4*b.N), "ns/exp")
			if math.IsNaN(s) {
				b.Fatal("NaN")
			}
		})
	}
}

// withExpSIMD runs f with expSIMD set to on, restoring it afterwards.
func withExpSIMD(on bool, f func()) {
	old := expSIMD
	expSIMD = on
	defer func() { expSIMD = old }()
	f()
}

// expTestValues returns arguments for expInto's SIMD test: the special
// values and NaN payloads, the ends of the fast range (−708, 709) and
// their neighbours, subnormals, the table's break points ±ulp, and random
// values over the fast range, over [−40, 40] (the sigmoids' arguments) and
// near 0, with the out-of-range ones scattered among them so that the
// kernel's groups end at every position.
func expTestValues(rnd *rand.Rand) []float64 {
	vs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000123),
		-708, 709, math.Nextafter(-708, 0), math.Nextafter(709, 0), math.Nextafter(-708, -1000),
		math.Nextafter(709, 1000), -745.2, 710, 1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308,
		math.MaxFloat32, -math.MaxFloat32, 88.72, -103.97, 1, -1}
	for j := -512; j <= 512; j++ {
		b := float64(j) * math.Ln2 / expN
		vs = append(vs, b, math.Nextafter(b, math.Inf(1)), math.Nextafter(b, math.Inf(-1)))
	}
	for i := range 30000 {
		switch i % 3 {
		case 0:
			vs = append(vs, -708+1417*rnd.Float64())
		case 1:
			vs = append(vs, 80*rnd.Float64()-40)
		default:
			vs = append(vs, (2*rnd.Float64()-1)*math.Ldexp(1, -rnd.IntN(60)))
		}
		if rnd.IntN(200) == 0 {
			vs = append(vs, vs[rnd.IntN(26)]) // a special value among them
		}
	}
	return vs
}

// TestExpSIMDBitIdentical requires expInto and activate's Sigmoid with
// their AVX2 kernels (expSIMD) and with their scalar loops to give the same
// bits, in float64 and in float32: on expTestValues in blocks of every
// length from 0 to 67, swept from four starting offsets (every tail
// length, and every position of an out-of-range value in a group), NaN
// payloads included, and in one call on a million random values.
func TestExpSIMDBitIdentical(t *testing.T) {
	if !expSIMD {
		t.Skip("no AVX2 kernel on this CPU or build: expInto is its scalar loop")
	}
	rnd := rand.New(rand.NewPCG(12, 4))
	vs := expTestValues(rnd)
	vs32 := make([]float32, len(vs))
	for i, v := range vs {
		vs32[i] = float32(v)
		if i%5 == 0 { // float32 arguments of every exponent and sign
			vs32[i] = math.Float32frombits(rnd.Uint32())
		}
	}
	for _, fn := range []string{"exp", "sigmoid"} {
		t.Run(fn+"/float64", func(t *testing.T) { checkExpSIMD(t, fn, vs, rnd) })
		t.Run(fn+"/float32", func(t *testing.T) { checkExpSIMD(t, fn, vs32, rnd) })
	}
}

// TestExpKernelCounts checks the number of values the SIMD kernels report
// replaced: they must stop before the first group of four holding an
// argument of exp outside (−708, 709), or a NaN, and take every group
// before it; the ends of the range themselves are outside (there
// math.Exp and the fast path agree, so no bit comparison would see a
// kernel that took them).
func TestExpKernelCounts(t *testing.T) {
	if !expSIMD {
		t.Skip("no AVX2 kernel on this CPU or build")
	}
	t.Run("float64", func(t *testing.T) { checkExpKernelCounts[float64](t) })
	t.Run("float32", func(t *testing.T) { checkExpKernelCounts[float32](t) })
}

func checkExpKernelCounts[T Float](t *testing.T) {
	nan := T(math.NaN())
	in := func(x float64) T { // just inside, in T
		if unsafe.Sizeof(T(0)) == 4 {
			return T(math.Nextafter32(float32(x), 0))
		}
		return T(math.Nextafter(x, 0))
	}
	bits := func(v []T) []uint64 {
		b := make([]uint64, len(v))
		for i, f := range v {
			b[i] = math.Float64bits(float64(f))
		}
		return b
	}
	lo, hi := T(-708), T(709)
	cases := []struct {
		name string
		x    []T // exp's arguments (the sigmoid's are their negatives)
		want int
	}{
		{"none", nil, 0},
		{"−708 first", []T{lo, 0, 0, 0}, 0},
		{"709 last", []T{0, 0, 0, hi}, 0},
		{"just inside", []T{in(-708), 0, 1, in(709)}, 4},
		{"NaN last", []T{0, 0, 0, nan}, 0},
		{"+Inf", []T{0, T(math.Inf(1)), 0, 0}, 0},
		{"second group", []T{0, 1, 2, 3, 4, lo, 6, 7}, 4},
		{"third group", []T{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, nan}, 8},
		{"all", []T{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 12},
		{"a tail of 3", []T{0, 1, 2, 3, 4, 5, 6}, 4},
	}
	for _, c := range cases {
		n := len(c.x) &^ 3
		z := slices.Clone(c.x)
		var got int
		if unsafe.Sizeof(T(0)) == 8 {
			got = expAVX2((*float64)(unsafe.Pointer(unsafe.SliceData(z))), n)
		} else {
			got = expAVX2f32((*float32)(unsafe.Pointer(unsafe.SliceData(z))), n)
		}
		assert.Equal(t, c.want, got, "exp: %s", c.name)
		assert.Equal(t, bits(c.x[got:]), bits(z[got:]), "exp: %s: the values after the kernel's are left alone", c.name)
		z = make([]T, len(c.x))
		for i, v := range c.x {
			z[i] = -v
		}
		if unsafe.Sizeof(T(0)) == 8 {
			got = sigmoidAVX2((*float64)(unsafe.Pointer(unsafe.SliceData(z))), n)
		} else {
			got = sigmoidAVX2f32((*float32)(unsafe.Pointer(unsafe.SliceData(z))), n)
		}
		assert.Equal(t, c.want, got, "sigmoid: %s", c.name)
	}
}

// checkExpSIMD is TestExpSIMDBitIdentical for one function and float type.
func checkExpSIMD[T Float](t *testing.T, fn string, vs []T, rnd *rand.Rand) {
	f := func(z []T) { expInto(z) }
	if fn == "sigmoid" {
		f = func(z []T) { activate(Sigmoid, z) }
	}
	want := slices.Clone(vs)
	withExpSIMD(false, func() { f(want) })
	sweepBlocks(t, fn, vs, want, f)
	// In one call on 2^20 values uniform in [−1, 1], [−40, 40] and the
	// fast range, which the kernel computes whole (no special value ends
	// it): a multiply-add fused in the kernel changes a few results in
	// 10^5 (lo + hi·p, for one).
	vs = nil
	for _, r := range []float64{1, 40, 707} {
		for range 1 << 20 / 3 {
			vs = append(vs, T(r*(2*rnd.Float64()-1)))
		}
	}
	if fn == "exp" {
		require.Equal(t, len(vs)&^3, expVector(slices.Clone(vs)), "the kernel stopped early")
	} else {
		require.Equal(t, len(vs)&^3, sigmoidVector(slices.Clone(vs)), "the kernel stopped early")
	}
	want = slices.Clone(vs)
	withExpSIMD(false, func() { f(want) })
	got := slices.Clone(vs)
	f(got)
	requireKernelBits(t, fn, vs, want, got, 0)
}

// floatBits returns the bits of v in its own width.
func floatBits[T Float](v T) uint64 {
	if unsafe.Sizeof(v) == 4 {
		return uint64(math.Float32bits(float32(v)))
	}
	return math.Float64bits(float64(v))
}

// requireKernelBits requires got, the SIMD path's results for the arguments
// in[off:off+len(got)], to have the bits of want[off:…], the portable
// path's, naming the function fn and the first differing element.
func requireKernelBits[T Float](t *testing.T, fn string, in, want, got []T, off int) {
	t.Helper()
	for i, g := range got {
		if floatBits(want[off+i]) == floatBits(g) {
			continue // (require.Equal on a million values takes a second)
		}
		require.Equal(t, floatBits(want[off+i]), floatBits(g),
			"%s(%v) (bits %#x, element %d of a block of %d): SIMD %v, portable %v",
			fn, in[off+i], floatBits(in[off+i]), i, len(got), g, want[off+i])
	}
}

// sweepBlocks runs f, a SIMD path, on copies of the blocks of vs of every
// length from 0 to 67 in turn, swept from four starting offsets (so that
// every tail length of a kernel's vectors meets every position), and
// requires the bits of want, the portable path's results on vs.
func sweepBlocks[T Float](t *testing.T, fn string, vs, want []T, f func([]T)) {
	t.Helper()
	for shift := range 4 {
		for off, n := shift, 0; off < len(vs); off, n = off+n, (n+1)%68 {
			got := slices.Clone(vs[off:min(off+n, len(vs))])
			f(got)
			requireKernelBits(t, fn, vs, want, got, off)
		}
	}
}

// BenchmarkExpInto times expInto and activate's Sigmoid on n values in
// [−8, 8], with the SIMD kernels (kernel=simd, where the CPU has them)
// and with the scalar loops (kernel=scalar), in float64 and float32.
func BenchmarkExpInto(b *testing.B) {
	benchmarkExpInto[float64](b, "float64")
	benchmarkExpInto[float32](b, "float32")
}

func benchmarkExpInto[T Float](b *testing.B, typ string) {
	for _, fn := range []string{"exp", "sigmoid"} {
		for _, n := range []int{4, 8, 12, 64} {
			for _, simd := range []bool{true, false} {
				if simd && !expSIMD {
					continue
				}
				kernel := map[bool]string{true: "simd", false: "scalar"}[simd]
				b.Run(fmt.Sprintf("func=%s/type=%s/n=%d/kernel=%s", fn, typ, n, kernel), func(b *testing.B) {
					rnd := rand.New(rand.NewPCG(1, uint64(n)))
					src := make([]T, n)
					for i := range src {
						src[i] = T(16*rnd.Float64() - 8)
					}
					z := make([]T, n)
					b.ReportAllocs()
					withExpSIMD(simd, func() {
						for b.Loop() {
							copy(z, src)
							if fn == "exp" {
								expInto(z)
							} else {
								activate(Sigmoid, z)
							}
						}
					})
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/value")
				})
			}
		}
	}
}
