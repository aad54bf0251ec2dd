package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// gemmRef is gemm's definition written out: one chain of math.FMA per
// element of C, in k order.
func gemmRef(m, n, k int, a []float64, ars, acs int, b []float64, brs, bcs int, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			v := c[i*ldc+j]
			for p := range k {
				v = math.FMA(a[i*ars+p*acs], b[p*brs+j*bcs], v)
			}
			c[i*ldc+j] = v
		}
	}
}

// randSlice returns n values of mixed signs and magnitudes.
func randSlice(rnd *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rnd.NormFloat64() * math.Exp2(float64(rnd.IntN(9)-4))
	}
	return s
}

// withSIMD runs f with gemmSIMD set to on, restoring it afterwards.
func withSIMD(on bool, f func()) {
	old := gemmSIMD
	gemmSIMD = on
	defer func() { gemmSIMD = old }()
	f()
}

// TestGemmSIMDBitIdentical runs gemm with the SIMD micro-kernels and with
// the portable loops on random shapes (edges that are not multiples of the
// 4×12 tile, of the packed blocks of A and of the chunks of p included),
// every layout of A and B (row-major or transposed), padded leading
// dimensions and nonzero initial C, and requires both, and the definition
// gemmRef, to give the same bits; so must gemmPacked on B packed by
// gemmPackB. One workspace serves every shape, as in an MSE, so a stale
// packed value would show.
func TestGemmSIMDBitIdentical(t *testing.T) {
	if !gemmSIMD {
		t.Log("no AVX2+FMA on this CPU: comparing the portable path with the definition only")
	}
	simd := gemmSIMD
	rnd := rand.New(rand.NewPCG(12, 1))
	shapes := [][3]int{{1, 1, 1}, {4, 12, 1}, {4, 4, 7}, {5, 13, 3}, {3, 11, 9}, {8, 24, 64}, {64, 128, 64},
		{10, 10, 128}, {66, 25, 17}, {gemmMC + 4, 30, gemmKC + 1}, {2*gemmMC + 7, 23, 2*gemmKC + 3}, {3, 40, gemmKC + 9}}
	for range 60 {
		shapes = append(shapes, [3]int{1 + rnd.IntN(40), 1 + rnd.IntN(60), 1 + rnd.IntN(90)})
	}
	ws := new(gemmWork)
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for layout := range 4 {
			transA, transB := layout&1 != 0, layout&2 != 0
			ars, acs := k+rnd.IntN(3), 1
			if transA {
				ars, acs = 1, m+rnd.IntN(3)
			}
			brs, bcs := n+rnd.IntN(3), 1
			if transB {
				brs, bcs = 1, k+rnd.IntN(3)
			}
			ldc := n + rnd.IntN(3)
			a := randSlice(rnd, (m-1)*ars+(k-1)*acs+1)
			b := randSlice(rnd, (k-1)*brs+(n-1)*bcs+1)
			// Guard values after C catch stores past its end.
			lenC := (m-1)*ldc + n
			c0 := randSlice(rnd, lenC+8)
			want := append([]float64(nil), c0...)
			gemmRef(m, n, k, a, ars, acs, b, brs, bcs, want[:lenC], ldc)
			for _, on := range []bool{false, true} {
				if on && !simd {
					continue
				}
				// gemm, and gemmPacked on B packed by gemmPackB.
				got := append([]float64(nil), c0...)
				withSIMD(on, func() { gemm(ws, m, n, k, a, ars, acs, b, brs, bcs, got[:lenC], ldc) })
				gotPacked := append([]float64(nil), c0...)
				pb := make([]float64, gemmPackedLen(n, k))
				gemmPackB(pb, n, k, b, brs, bcs)
				withSIMD(on, func() { gemmPacked(ws, m, n, k, a, ars, acs, pb, gotPacked[:lenC], ldc) })
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("m=%d n=%d k=%d transA=%v transB=%v simd=%v: c[%d] = %v, want %v (bits differ)",
							m, n, k, transA, transB, on, i, got[i], want[i])
					}
					if math.Float64bits(gotPacked[i]) != math.Float64bits(want[i]) {
						t.Fatalf("gemmPacked m=%d n=%d k=%d transA=%v transB=%v simd=%v: c[%d] = %v, want %v (bits differ)",
							m, n, k, transA, transB, on, i, gotPacked[i], want[i])
					}
				}
			}
		}
	}
}

// BenchmarkGemm times gemm on square-ish products and on the three
// products of the MNIST slice's wide layer (256 samples of a block, 784
// inputs, 256 neurons) in the layouts the MSE uses: forward (A the inputs
// row-major, B the transposed weights packed once), backward delta (A the
// deltas, B the weights) and weight gradient (A the transposed deltas, B
// the inputs), with the SIMD kernels and the portable loops.
func BenchmarkGemm(b *testing.B) {
	type product struct {
		name     string
		m, n, k  int
		ars, acs int
		brs, bcs int
		packed   bool // B packed once (gemmPacked)
	}
	const nb, in, out = 256, 784, 256
	products := []product{
		{"64x128x64", 64, 128, 64, 64, 1, 128, 1, false},
		{"256x784x64", 256, 784, 64, 64, 1, 784, 1, false},
		{"forward-256x256x784", nb, out, in, in, 1, 1, in, true},
		{"backdelta-256x784x256", nb, in, out, out, 1, in, 1, false},
		{"gradient-256x784x256", out, in, nb, 1, out, in, 1, false},
	}
	for _, p := range products {
		rnd := rand.New(rand.NewPCG(1, 1))
		a := randSlice(rnd, (p.m-1)*p.ars+(p.k-1)*p.acs+1)
		bb := randSlice(rnd, (p.k-1)*p.brs+(p.n-1)*p.bcs+1)
		c := make([]float64, p.m*p.n)
		pb := make([]float64, gemmPackedLen(p.n, p.k))
		gemmPackB(pb, p.n, p.k, bb, p.brs, p.bcs)
		ws := newGemmWork(p.n)
		for _, on := range []bool{false, true} {
			name := "portable"
			if on {
				name = "simd"
			}
			b.Run("path="+name+"/product="+p.name, func(b *testing.B) {
				b.ReportAllocs()
				withSIMD(on, func() {
					for b.Loop() {
						if p.packed {
							gemmPacked(ws, p.m, p.n, p.k, a, p.ars, p.acs, pb, c, p.n)
						} else {
							gemm(ws, p.m, p.n, p.k, a, p.ars, p.acs, bb, p.brs, p.bcs, c, p.n)
						}
					}
				})
				b.ReportMetric(2*float64(p.m*p.n*p.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFlop/s")
			})
		}
	}
}

// TestGemmRefusesOutOfBounds checks that gemm, gemmPacked and gemmPackB
// panic, before any kernel runs, on operands too short for their shape
// and on strides so large that the index arithmetic would overflow (they
// would wrap into the slice and let the kernels read or write outside it).
func TestGemmRefusesOutOfBounds(t *testing.T) {
	// gemmFits itself, where a wrapped bound would let the others through
	// (math.MinInt32 is 2^31 as a uint on 32-bit platforms).
	for _, s := range []int{-1, math.MinInt32, math.MinInt, math.MaxInt} {
		assert.False(t, gemmFits(2, 1, s, 1, 16), "row stride %d", s)
		assert.False(t, gemmFits(1, 2, 1, s, 16), "column stride %d", s)
	}
	assert.True(t, gemmFits(2, 2, 8, 1, 10), "a 2×2 matrix with row stride 8 in 10 values")
	assert.False(t, gemmFits(2, 2, 8, 1, 9), "… in 9")
	a, b, c := make([]float64, 16), make([]float64, 16), make([]float64, 16)
	pb := make([]float64, gemmPackedLen(4, 4))
	huge := math.MaxInt/2 + 5 // 2^62 + 4 on 64-bit platforms
	cases := []struct {
		name string
		f    func()
	}{
		{"short A", func() { gemm(nil, 4, 4, 5, a, 4, 1, b, 4, 1, c, 4) }},
		{"short C", func() { gemm(nil, 5, 3, 1, a, 1, 1, b, 4, 1, c, 4) }},
		{"negative stride", func() { gemm(nil, 2, 2, 2, a, -1, 1, b, 2, 1, c, 2) }},
		{"most negative stride", func() { gemm(nil, 2, 2, 2, a, math.MinInt, 1, b, 2, 1, c, 2) }},
		{"overflowing A stride", func() { gemm(nil, 4, 1, 1, a[:4:4], huge, 1, b, 1, 1, c, 1) }},
		{"overflowing C stride", func() { gemm(nil, 4, 1, 1, a, 1, 1, b, 1, 1, c[:1:1], huge+4) }},
		{"overflowing B stride", func() { gemm(nil, 1, 1, 4, a, 1, 1, b[:4:4], huge, 1, c, 1) }},
		{"packed: overflowing C stride", func() { gemmPacked(nil, 4, 4, 4, a, 4, 1, pb, c[:1:1], huge+4) }},
		{"packed: short pb", func() { gemmPacked(nil, 4, 4, 4, a, 4, 1, pb[:3], c, 4) }},
		{"pack: overflowing stride", func() { gemmPackB(pb, 4, 4, b[:4:4], huge, 1) }},
	}
	for _, tc := range cases {
		for _, on := range []bool{false, true} {
			withSIMD(on && gemmSIMD, func() {
				assert.Panics(t, tc.f, "%s (simd=%v)", tc.name, on)
			})
		}
	}
}
