package optim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// wideTestNets have wide layers (see wideLayer) next to narrow ones, with
// widths that are not multiples of the 4×12 micro-tile, with and without
// biases.
func wideTestNets() []Network {
	return []Network{
		{In: 33, Layers: []Layer{{Out: 9, Act: Tanh, Bias: true}, {Out: 8, Act: Sigmoid, Bias: true}}},
		{In: 40, Layers: []Layer{{Out: 13, Act: Sigmoid}, {Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 5, Layers: []Layer{{Out: 40, Act: Tanh, Bias: true}, {Out: 35, Act: Sigmoid, Bias: true}, {Out: 10, Act: Sigmoid, Bias: true}}},
		{In: 64, Layers: []Layer{{Out: 50, Act: Linear}, {Out: 11, Act: Tanh}}},
	}
}

// wideObjective returns an MSE of net on n random samples, and parameters
// of the scale of a Glorot initialisation.
func wideObjective(t *testing.T, net Network, n int, seed uint64) (*MSE, []float64) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(seed, 12))
	m := randomNetObjective(t, net, n, rnd)
	require.NotNil(t, m.wide, "%v has no wide layer", net)
	x := make([]float64, m.Dim())
	in := net.In
	off := 0
	for _, l := range net.Layers {
		for i := range l.Out * in {
			x[off+i] = rnd.NormFloat64() / math.Sqrt(float64(in))
		}
		off += l.Out * in
		if l.Bias {
			for i := range l.Out {
				x[off+i] = rnd.NormFloat64() * 0.1
			}
			off += l.Out
		}
		in = l.Out
	}
	return m, x
}

func TestWideGradCheck(t *testing.T) {
	for _, net := range wideTestNets() {
		for _, eval := range []EvalMode{Plain, Careful} {
			t.Run(fmt.Sprintf("net=%v/eval=%v", net, eval), func(t *testing.T) {
				m, x := wideObjective(t, net, 7, 1)
				m.SetEval(eval)
				checkGrad(t, m, x)
			})
		}
	}
}

// requireSameBits fails unless a and b hold the same bits.
func requireSameBits(t *testing.T, a, b []float64, what string) {
	t.Helper()
	require.Equal(t, len(a), len(b), what)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("%s[%d]: %v and %v differ in their bits", what, i, a[i], b[i])
		}
	}
}

// TestWideSIMDBitIdentical computes Loss, Grad, Predict and Classified of
// networks with wide layers with the SIMD kernels and with the portable
// path, over several blocks of samples (the last one partial), in plain
// and careful evaluation, and requires the same bits.
func TestWideSIMDBitIdentical(t *testing.T) {
	if !gemmSIMD {
		t.Skip("no AVX2+FMA: only the portable path runs here")
	}
	for _, net := range wideTestNets() {
		for _, eval := range []EvalMode{Plain, Careful} {
			t.Run(fmt.Sprintf("net=%v/eval=%v", net, eval), func(t *testing.T) {
				m, x := wideObjective(t, net, 2*wideBlock+37, 2)
				m.SetEval(eval)
				var loss, gloss [2]float64
				var grad [2][]float64
				var pred [2][]float64
				var cls [2]bool
				for k, on := range []bool{false, true} {
					withSIMD(on, func() {
						withTanhSIMD(on, func() {
							grad[k] = make([]float64, m.Dim())
							loss[k] = m.Loss(x)
							gloss[k] = m.Grad(grad[k], x)
							pred[k] = m.Predict(nil, x, m.x[5*m.inDim:6*m.inDim])
							cls[k] = m.Classified(x)
						})
					})
				}
				requireSameBits(t, loss[:], []float64{loss[1], gloss[1]}, "Loss, Grad's loss (SIMD)")
				requireSameBits(t, loss[:1], loss[1:], "Loss")
				requireSameBits(t, grad[0], grad[1], "Grad")
				requireSameBits(t, pred[0], pred[1], "Predict")
				require.Equal(t, cls[0], cls[1], "Classified")
			})
		}
	}
}

// TestWideBlockIndependent checks that the size of the blocks of samples
// does not change a bit of Loss or Grad of a network with wide layers, and
// that Predict gives the outputs of the blocked forward pass.
func TestWideBlockIndependent(t *testing.T) {
	for _, net := range wideTestNets() {
		t.Run(fmt.Sprintf("net=%v", net), func(t *testing.T) {
			m, x := wideObjective(t, net, wideBlock+19, 3)
			want := make([]float64, m.Dim())
			wantLoss := m.Grad(want, x)
			for _, block := range []int{1, 3, 64, wideBlock - 1} {
				m.block = block
				got := make([]float64, m.Dim())
				loss := m.Grad(got, x)
				requireSameBits(t, []float64{loss, m.Loss(x)}, []float64{wantLoss, wantLoss}, fmt.Sprintf("block=%d: loss", block))
				requireSameBits(t, got, want, fmt.Sprintf("block=%d: Grad", block))
			}
			m.block = wideBlock
			m.packWide(x)
			out := m.forwardBlockEval(x, m.x[:m.block*m.inDim], m.block, Plain)
			for s := range m.block {
				p := m.Predict(nil, x, m.x[s*m.inDim:(s+1)*m.inDim])
				requireSameBits(t, p, out[s*m.outDim:(s+1)*m.outDim], fmt.Sprintf("Predict of sample %d", s))
			}
		})
	}
}

// TestWideGradAllocs checks that Loss and Grad of networks with wide
// layers allocate nothing, on 301 samples: the last block's wide tanh
// layers (9 and 11 neurons) then end in a tail of 1–3 values.
func TestWideGradAllocs(t *testing.T) {
	for _, net := range wideTestNets() {
		m, x := wideObjective(t, net, 301, 4)
		g := make([]float64, m.Dim())
		if a := testing.AllocsPerRun(10, func() { m.Grad(g, x); m.Loss(x) }); a != 0 {
			t.Errorf("%v: Grad and Loss allocate %v times, want 0", net, a)
		}
	}
}

// TestBuiltinProblemsNarrow checks that no built-in problem has a wide
// layer, in either arithmetic: they all keep the arithmetic of the narrow
// layers (and of the specialised shapes), bit for bit what they computed
// before wide layers existed.
func TestBuiltinProblemsNarrow(t *testing.T) {
	for _, p := range testProblems() {
		if m := p.Objective(); m.wide != nil {
			t.Errorf("%s (%v) has a wide layer", p.Name, p.Net)
		}
		if m := ProblemObjective[float32](p, Plain); m.wide != nil {
			t.Errorf("%s in float32 has a wide layer", p.Name)
		}
	}
}

// TestWideFloat32Narrow checks that float32 keeps the narrow layers'
// arithmetic for every width, and that its gradient is right there.
func TestWideFloat32Narrow(t *testing.T) {
	net := wideTestNets()[0]
	m64, x := wideObjective(t, net, 20, 5)
	m, err := NewMSEOf[float32](net, m64.Data())
	require.NoError(t, err)
	require.Nil(t, m.wide)
	x32 := make([]float32, len(x))
	ParamsTo(x32, x)
	g32, g64 := make([]float32, len(x)), make([]float64, len(x))
	m.Grad(g32, x32)
	m64.Grad(g64, x)
	for i := range g64 {
		require.InDelta(t, g64[i], float64(g32[i]), 1e-5*(1+math.Abs(g64[i])), "gradient entry %d", i)
	}
}

// TestWideTanh compares wide layers' tanh with math.Tanh: the same bits
// below 0.625, within 2 ulps above, the same special cases; and the
// blocked wideTanhInto with the scalar wideTanh (used by forward).
func TestWideTanh(t *testing.T) {
	rnd := rand.New(rand.NewPCG(12, 2))
	var zs []float64
	for range 20000 {
		zs = append(zs, rnd.NormFloat64()*math.Exp2(float64(rnd.IntN(12)-6)))
	}
	zs = append(zs, 0, math.Copysign(0, -1), 0.625, -0.625, math.Nextafter(0.625, 0), 22, -22, 40, 800, -800,
		math.Inf(1), math.Inf(-1), math.NaN(), 5e-324)
	got := append([]float64(nil), zs...)
	wideTanhInto(got, make([]float64, len(got)))
	for i, z := range zs {
		want := math.Tanh(z)
		if g := wideTanh(z); math.Float64bits(g) != math.Float64bits(got[i]) {
			t.Fatalf("tanh(%v): wideTanh %v, wideTanhInto %v", z, g, got[i])
		}
		switch {
		case math.IsNaN(want):
			require.True(t, math.IsNaN(got[i]), "tanh(NaN)")
		case math.Abs(z) < 0.625 || math.IsInf(z, 0):
			require.Equal(t, math.Float64bits(want), math.Float64bits(got[i]), "tanh(%v)", z)
		default:
			ulp := math.Nextafter(math.Abs(want), 2) - math.Abs(want)
			require.LessOrEqual(t, math.Abs(got[i]-want), 2*ulp, "tanh(%v) = %v, math.Tanh %v", z, got[i], want)
		}
	}
}

// withTanhSIMD runs f with tanhSIMD set to on, restoring it afterwards.
func withTanhSIMD(on bool, f func()) {
	old := tanhSIMD
	tanhSIMD = on
	defer func() { tanhSIMD = old }()
	f()
}

// tanhTestValues returns the inputs of TestWideTanhSIMDBitIdentical:
// special values (zeros, subnormals, infinities, the largest floats, NaNs
// with several payloads and signs, quiet and signalling), the values at
// and a few ulps around 0.625 (tanhFrom's switch), 22 (the clamp) and the
// arguments of tanh whose exp's argument 2|v| is a break point
// (j + 1/2)·ln 2/N of expInto's reduction, and random values uniform in
// [−1, 1] and in [−30, 30] and log-uniform in magnitude over
// [1e−320, 1e3], each with a random sign.
func tanhTestValues(rnd *rand.Rand) []float64 {
	var vs []float64
	for _, c := range []float64{0.625, 22} {
		up, down := c, c
		for range 4 { // c and 1–3 ulps either side
			vs = append(vs, up, down)
			up, down = math.Nextafter(up, 30), math.Nextafter(down, 0)
		}
	}
	for j := 0; float64(j) < 44*expN/math.Ln2; j += 1 + rnd.IntN(40) {
		a := (float64(j) + 0.5) * math.Ln2 / expN / 2
		vs = append(vs, a, math.Nextafter(a, 0), math.Nextafter(a, 1))
	}
	for range 3000 {
		vs = append(vs, 2*rnd.Float64()-1, 60*rnd.Float64()-30, math.Pow(10, -320+323*rnd.Float64()))
	}
	for i := range vs {
		if rnd.IntN(2) == 0 {
			vs[i] = -vs[i]
		}
	}
	for _, v := range []float64{0, 5e-324, 1e-310, math.Nextafter(0x1p-1022, 0), 0x1p-1022, 1e-300, 1e-20, 1e-8,
		0.5, 1, 11, 21.9, 44, 700, 710, 1e10, 1e300, math.MaxFloat64, math.Inf(1)} {
		vs = append(vs, v, -v)
	}
	for _, b := range []uint64{0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, 0xfffc00000000abcd,
		0x7ff0000000000001, 0xfff4000000000123, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7ff6db6db6db6db6} {
		vs = append(vs, math.Float64frombits(b))
	}
	return vs
}

// TestWideTanhSIMDBitIdentical requires wideTanhInto with the AVX2 kernel
// (tanhSIMD) and the portable wideTanhGo to give the same bits on
// tanhTestValues, NaNs included, in blocks of every length from 0 to 67
// (every tail length of the kernel's vectors, at every offset), of
// lengths around the ends of its chunks, and in one call on them and a
// million random values.
func TestWideTanhSIMDBitIdentical(t *testing.T) {
	if !tanhSIMD {
		t.Skip("no AVX2 kernel on this CPU or build: wideTanhInto is wideTanhGo")
	}
	rnd := rand.New(rand.NewPCG(12, 3))
	vs := tanhTestValues(rnd)
	want := slices.Clone(vs)
	wideTanhGo(want, make([]float64, len(want)))
	check := func(got []float64, off int) {
		t.Helper()
		requireKernelBits(t, "tanh", vs, want, got, off)
	}
	sweepBlocks(t, "tanh", vs, want, func(z []float64) { wideTanhInto(z, nil) })
	// Around the ends of the kernel's chunks of 128 values.
	for _, n := range []int{124, 127, 128, 129, 132, 255, 256, 257, 260, 383, 384, 388, 1001} {
		off := rnd.IntN(len(vs) - n)
		got := slices.Clone(vs[off : off+n])
		wideTanhInto(got, nil)
		check(got, off)
	}
	// In one call, with 2^20 more values uniform in [−1, 1], [−4, 4] and
	// [−30, 30]: a multiply-add fused in the kernel changes a few results
	// in 10^5 (lo + hi·p in the exponential, for one).
	for _, r := range []float64{1, 4, 30} {
		for range 1 << 20 / 3 {
			vs = append(vs, r*(2*rnd.Float64()-1))
		}
	}
	want = slices.Clone(vs)
	wideTanhGo(want, make([]float64, len(want)))
	got := slices.Clone(vs)
	wideTanhInto(got, nil)
	check(got, 0)
	// The portable path through wideTanhInto, as tanhSIMD = false runs it.
	withTanhSIMD(false, func() {
		got := slices.Clone(vs)
		wideTanhInto(got, make([]float64, len(got)))
		check(got, 0)
	})
}

// wideGolden are FNV-1a hashes of the bits of Loss and Grad of
// wideTestNets() on 300 samples (wideObjective, seed 6), in plain and
// careful evaluation, recorded on amd64 with the AVX2 kernels. The portable
// path (-tags purego, other CPUs and architectures) must reproduce them.
var wideGolden = map[string]uint64{
	"33→9 tanh+b→8 sigmoid+b/plain":                 0x4ed8c00d7bb8af55,
	"33→9 tanh+b→8 sigmoid+b/careful":               0x6243a34c78543610,
	"40→13 sigmoid→1 sigmoid+b/plain":               0x60144d461b5d19d2,
	"40→13 sigmoid→1 sigmoid+b/careful":             0xb1dc7c4348a36ce,
	"5→40 tanh+b→35 sigmoid+b→10 sigmoid+b/plain":   0xb729f9c8f61f04ab,
	"5→40 tanh+b→35 sigmoid+b→10 sigmoid+b/careful": 0x5b9bcd47ca919434,
	"64→50 linear→11 tanh/plain":                    0x5cda8330dc3893df,
	"64→50 linear→11 tanh/careful":                  0x5cda8330dc3893df,
}

func TestWideGolden(t *testing.T) {
	if fusesMultiplyAdd {
		t.Skip("the compiler may fuse multiply-adds outside the wide products here")
	}
	for _, net := range wideTestNets() {
		for _, eval := range []EvalMode{Plain, Careful} {
			key := fmt.Sprintf("%v/%v", net, eval)
			m, x := wideObjective(t, net, 300, 6)
			m.SetEval(eval)
			g := make([]float64, m.Dim())
			h := fnv.New64a()
			for _, v := range append(g[:0:0], m.Grad(g, x), m.Loss(x)) {
				binary.Write(h, binary.LittleEndian, math.Float64bits(v))
			}
			for _, v := range g {
				binary.Write(h, binary.LittleEndian, math.Float64bits(v))
			}
			want, ok := wideGolden[key]
			if !ok {
				t.Errorf("no golden hash for %s: got %#x", key, h.Sum64())
				continue
			}
			if h.Sum64() != want {
				t.Errorf("%s: hash %#x, want %#x (simd %v)", key, h.Sum64(), want, gemmSIMD)
			}
		}
	}
}

// forceWide makes every layer of m wide (on) or narrow, whatever its
// shape, for BenchmarkWideLayer; m then takes the general path.
func forceWide(m *MSE, on bool) {
	widest := 0
	for l := range m.plan {
		m.plan[l].wide = on
		widest = max(widest, m.plan[l].in, m.plan[l].out)
	}
	m.wide = nil
	if on {
		m.wide = newWideWork(m.plan, widest)
	}
	m.shape = shapeGeneral
}

// BenchmarkWideLayer times Grad of in→hidden tanh→out sigmoid networks on
// 256 random samples with every layer narrow and with every layer wide,
// around the thresholds wideMinIn and wideMinOut (compare with
// benchstat -col /path).
func BenchmarkWideLayer(b *testing.B) {
	for _, s := range [][3]int{{2, 20, 1}, {4, 8, 3}, {13, 16, 3}, {16, 16, 4}, {30, 32, 2}, {32, 8, 8}, {32, 32, 8}, {64, 64, 10}} {
		net := Network{In: s[0], Layers: []Layer{{Out: s[1], Act: Tanh, Bias: true}, {Out: s[2], Act: Sigmoid, Bias: true}}}
		for _, wide := range []bool{false, true} {
			path := map[bool]string{false: "narrow", true: "wide"}[wide]
			b.Run(fmt.Sprintf("net=%dx%dx%d/path=%s", s[0], s[1], s[2], path), func(b *testing.B) {
				rnd := rand.New(rand.NewPCG(1, 2))
				m := randomNetObjective(b, net, 256, rnd)
				forceWide(m, wide)
				x := make([]float64, m.Dim())
				for i := range x {
					x[i] = rnd.NormFloat64() / 4
				}
				g := make([]float64, len(x))
				for b.Loop() {
					m.Grad(g, x)
				}
			})
		}
	}
}

// BenchmarkWideTanh times wideTanhInto (with the AVX2 kernel where
// tanhSIMD, portable/ with wideTanhGo) on n values drawn uniformly from
// [−3, 3] (both of tanhFrom's branches, no subnormals), restored before
// each call (a copy, about 0.1 ns a value, included in ns/elem). 32768 is
// a block of BenchmarkGrad's size=1797x64-128-10 (256 samples, 128
// neurons).
func BenchmarkWideTanh(b *testing.B) {
	for _, simd := range []bool{true, false} {
		if simd && !tanhSIMD {
			continue
		}
		prefix := ""
		if !simd {
			prefix = "portable/"
		}
		for _, n := range []int{1024, 32768} {
			b.Run(fmt.Sprintf("%sn=%d", prefix, n), func(b *testing.B) {
				rnd := rand.New(rand.NewPCG(1, 2))
				src := make([]float64, n)
				for i := range src {
					src[i] = 6*rnd.Float64() - 3
				}
				z, e := make([]float64, n), make([]float64, n)
				b.ReportAllocs()
				withTanhSIMD(simd, func() {
					for b.Loop() {
						copy(z, src)
						wideTanhInto(z, e)
					}
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}
