package optim

import (
	"math"
	"unsafe"
)

// Wide layers. A layer with at least wideMinIn inputs and wideMinOut
// neurons, in float64, computes its three products with gemm (blocked,
// AVX2+FMA micro-kernels where the CPU has them, the same bits everywhere):
//
//	forward   z[s,o]  = fma(prev[s,nin−1], w[o,nin−1], … fma(prev[s,0], w[o,0], b[o]))   (b = 0 without bias)
//	backward  dp[s,i] = fma(d[s,nout−1], w[nout−1,i], … fma(d[s,0], w[0,i], 0))
//	gradient  gw[o,i] = fma(d[N−1,o], prev[N−1,i], … fma(d[0,o], prev[0,i], 0))           (over all samples, in order)
//
// and the bias gradient as the narrow layers do (0 + d[0,o] + d[1,o] + …).
// The narrow layers keep the arithmetic they always had (plain multiplies
// and adds, see layerkernels.go), so networks without a wide layer, every
// built-in problem among them, compute what they computed before wide
// layers existed; a network with a wide layer uses the general path of
// Grad (never the specialised perceptron and two-layer shapes) and blocks
// of up to wideBlock samples.
//
// The thresholds are a choice of compatibility more than of speed: every
// built-in problem (the widest layer is spirals' 20→20) and the small data
// sets likely to come (iris 4→…→3, wine 13→…→3, breast cancer 30→…→2) stay
// narrow, so their results keep the arithmetic they were published with,
// bit for bit. BenchmarkWideLayer (Grad, 256 samples, tanh hidden, sigmoid
// outputs, every layer forced narrow or wide) showed what the wide path
// gives below them, on a busy 2-core EPYC, before gemm packed its operands
// and the tanh had its AVX2 kernel (at 35dc6df): 0.9× on 4→8→3 (slower: the
// kernels' edges and the packing dominate such small layers), 2.8× on
// 13→16→3, 3.4× on 16→16→4, 4.2× on 30→32→2, 3.9× on 32→32→8 and 6.3×
// on 64→64→10.
const (
	wideMinIn  = 32
	wideMinOut = 8
	// wideBlock is the number of samples of a block when a network has a
	// wide layer: larger than mseBlock, to spread gemm's packing and the
	// loads and stores of the gradient over more samples.
	wideBlock = 256
)

// wideLayer reports whether a layer of nin inputs and nout neurons is
// wide, in the arithmetic T.
func wideLayer[T Float](nin, nout int) bool {
	return unsafe.Sizeof(T(0)) == 8 && nin >= wideMinIn && nout >= wideMinOut
}

// f64s returns s as a []float64; T must be 8 bytes wide (its underlying
// type float64), as wideLayer checks.
func f64s[T Float](s []T) []float64 {
	if unsafe.Sizeof(T(0)) != 8 {
		panic("optim: f64s of a 4-byte float")
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// wideAffine stores in z (nb×nout) the weighted sums of the nb input rows in
// prev (nb×nin), as defined above, with gemm (workspace ws) and the
// transposed weights packed by widePack into pw.
func wideAffine(ws *gemmWork, z, pw, bias, prev []float64, nin, nout int) {
	nb := len(z) / nout
	for s := range nb {
		zs := z[s*nout : s*nout+nout]
		if bias != nil {
			copy(zs, bias[:nout])
		} else {
			clear(zs)
		}
	}
	gemmPacked(ws, nb, nout, nin, prev, nin, 1, pw, z, nout)
}

// widePack packs the transposed weights w (nout×nin) of a wide layer into
// pw (gemmPackedLen(nout, nin) values) for wideAffine: once per
// evaluation, for all its blocks.
func widePack(pw, w []float64, nin, nout int) {
	gemmPackB(pw, nout, nin, w, 1, nin)
}

// wideBackDelta stores in dp (nb×nin) the back-propagated sums of the
// deltas d (nb×nout) through the weights w (nout×nin), as defined above.
func wideBackDelta(ws *gemmWork, dp, d, w []float64, nin, nout int) {
	clear(dp)
	nb := len(dp) / nin
	gemm(ws, nb, nin, nout, d, nout, 1, w, nin, 1, dp, nin)
}

// wideAccumulate adds to the weight gradient gw (nout×nin) the
// contributions of the block's deltas d (nb×nout) and inputs prev (nb×nin),
// as defined above, starting from 0 when first is set.
func wideAccumulate(ws *gemmWork, gw, d, prev []float64, nin, nout int, first bool) {
	gw = gw[:nout*nin]
	if first {
		clear(gw)
	}
	nb := len(d) / nout
	gemm(ws, nout, nin, nb, d, 1, nout, prev, nin, 1, gw, nin)
}

// wideWork is the workspace of an MSE with wide layers: gemm's (gw), the
// transposed weights of each wide layer l packed for the forward pass
// (wpack[l], by packWide at every evaluation), and, when the first layer
// is wide, the inputs packed block by block for its weight gradient
// (xpack, by packInputs: a copy of the data, packed once rather than at
// every Grad) for blocks of xpackBlock samples.
type wideWork struct {
	gw         *gemmWork
	wpack      [][]float64
	xpack      []float64
	xpackBlock int
}

// packWeights packs the weights, in x, of every wide layer of plan into
// wpack (widePack). Like packInputs it is not generic (see there).
func (w *wideWork) packWeights(plan []layerPlan, x []float64) {
	for l := range plan {
		if p := &plan[l]; p.wide {
			widePack(w.wpack[l], x[p.w:p.w+p.out*p.in], p.in, p.out)
		}
	}
}

// newWideWork returns the workspace of the layers plan, whose widest wide
// layer has widest inputs or neurons; xpack is left to packInputs.
func newWideWork(plan []layerPlan, widest int) *wideWork {
	w := &wideWork{gw: newGemmWork(widest), wpack: make([][]float64, len(plan))}
	for l, p := range plan {
		if p.wide {
			w.wpack[l] = make([]float64, gemmPackedLen(p.out, p.in))
		}
	}
	return w
}

// wideAccumulatePacked is wideAccumulate with the block's inputs packed by
// gemmPackB into pb (the first layer's, see packInputs): the same bits.
func wideAccumulatePacked(ws *gemmWork, gw, d, pb []float64, nin, nout int, first bool) {
	gw = gw[:nout*nin]
	if first {
		clear(gw)
	}
	nb := len(d) / nout
	gemmPacked(ws, nout, nin, nb, d, 1, nout, pb, gw, nin)
}

// packInputs packs the inputs x (n samples of nin values), block by block
// of block samples, for the first layer's weight gradient when that layer
// is wide (wideAccumulatePacked), unless they are packed for that block
// size already: at NewMSEOf, or again after a change of block size
// (tests). Block b starts at xpack[b·gemmPackedLen(nin, block)]. It is a
// method of wideWork, not of the generic MSEOf, so that the generic code
// of the small networks' hot paths keeps its size and placement (see
// bench/layout/run.sh).
func (w *wideWork) packInputs(x []float64, n, nin, block int) {
	if w.xpackBlock == block {
		return
	}
	per := gemmPackedLen(nin, block)
	nblocks := (n + block - 1) / block
	if len(w.xpack) < nblocks*per {
		w.xpack = make([]float64, nblocks*per)
	}
	for s0 := 0; s0 < n; s0 += block {
		nb := min(block, n-s0)
		gemmPackB(w.xpack[s0/block*per:], nin, nb, x[s0*nin:(s0+nb)*nin], nin, 1)
	}
	w.xpackBlock = block
}

// wideNeuron returns the weighted sum of one neuron of a wide layer for one
// input row, as wideAffine computes it (for forward).
func wideNeuron[T Float](row, in []T, b T) T {
	z := float64(b)
	in = in[:len(row)]
	for i, v := range row {
		z = math.FMA(float64(in[i]), float64(v), z)
	}
	return T(z)
}

// classifiedBlocks is Classified for networks with a wide layer: the same
// outputs as forward gives (plain evaluation), computed in blocks. The
// wide layers' weights must be packed at x (packWide).
func (m *MSEOf[T]) classifiedBlocks(x []T) bool {
	n, nin, nout := m.data.N, m.inDim, m.outDim
	for s0 := 0; s0 < n; s0 += m.block {
		nb := min(m.block, n-s0)
		out := m.forwardBlockEval(x, m.x[s0*nin:(s0+nb)*nin], nb, Plain)
		y := m.y[s0*nout : (s0+nb)*nout]
		y = y[:len(out)]
		for k, v := range out {
			if (y[k] >= 0.5) != (v > 0.5) || v == 0.5 {
				return false
			}
		}
	}
	return true
}

// Cephes' coefficients of tanh on [0, 0.625), as math.Tanh's.
var (
	wideTanhP = [...]float64{-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3}
	wideTanhQ = [...]float64{1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3}
)

// wideTanhInto replaces every z[i] by tanh(z[i]) for a tanh layer that is
// wide: math.Tanh's algorithm (Cephes) with optim's exp instead of
// math.Exp, so for |z| < 0.625 the same bits as math.Tanh and above within
// an ulp or so of it. The narrow layers keep math.Tanh. On amd64 with AVX2
// (tanhSIMD) an assembly kernel computes four values at a time with the
// same operations as wideTanhGo, the portable path, in the same order:
// both give the same bits for every input, NaNs included, which
// TestWideTanhSIMDBitIdentical checks. e is scratch space as long as z,
// which only wideTanhGo uses.
func wideTanhInto(z, e []float64) {
	if tanhSIMD {
		wideTanhSIMD(z)
		return
	}
	wideTanhGo(z, e)
}

// wideTanhSIMD is wideTanhInto with the AVX2 kernel, the last len(z) % 4
// values through a vector on the stack.
func wideTanhSIMD(z []float64) {
	n := len(z) &^ 3
	if n > 0 {
		wideTanhAVX2(&z[0], n)
	}
	if n < len(z) {
		var tail [4]float64
		k := copy(tail[:], z[n:])
		wideTanhAVX2(&tail[0], 4)
		copy(z[n:], tail[:k])
	}
}

// wideTanhGo is the portable wideTanhInto, the exponentials of the block
// in one call of expInto (into e, as long as z), then tanhFrom on each
// value.
func wideTanhGo(z, e []float64) {
	e = e[:len(z)]
	for i, v := range z {
		e[i] = 2 * min(math.Abs(v), 22) // tanh(22) rounds to 1
	}
	expInto(e)
	for i, v := range z {
		z[i] = tanhFrom(v, e[i])
	}
}

// wideTanh is wideTanhInto for one value (for forward).
func wideTanh(v float64) float64 {
	return tanhFrom(v, expf64(2*min(math.Abs(v), 22)))
}

// tanhFrom returns tanh(v) given e = exp(2·min(|v|, 22)). It computes
// both of Cephes' branches and selects one without a jump (random signs
// and magnitudes mispredict a branch). The conversions keep the compiler
// from fusing multiply-adds where the CPU has FMA.
func tanhFrom(v, e float64) float64 {
	a := math.Abs(v)
	s := float64(a * a) // else fused with s+wideTanhQ[0] below
	p := float64(float64(float64(wideTanhP[0]*s)+wideTanhP[1])*s) + wideTanhP[2]
	q := float64(float64(float64(float64(s+wideTanhQ[0])*s)+wideTanhQ[1])*s) + wideTanhQ[2]
	small := a + float64(float64(a*s)*p)/q
	large := 1 - 2/(e+1)
	var sel uint64 // all ones for the small branch
	if a < 0.625 {
		sel = ^uint64(0)
	}
	t := math.Float64bits(small)&sel | math.Float64bits(large)&^sel
	return math.Float64frombits(t | math.Float64bits(v)&(1<<63))
}

// wideAccumulateBias is accumulateBias for wide layers: the same sums in
// the same order (0 + d[0,o] + d[1,o] + …, sample by sample), with the
// samples in the outer loop so that the neurons' sums proceed side by side.
func wideAccumulateBias(gb, d []float64, first bool) {
	nout := len(gb)
	if first {
		clear(gb)
	}
	nb := len(d) / nout
	for s := range nb {
		ds := d[s*nout : s*nout+nout]
		ds = ds[:len(gb)]
		for o, v := range ds {
			gb[o] += v
		}
	}
}
