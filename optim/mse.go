package optim

import (
	"fmt"
	"strings"
)

// Dataset holds a problem's samples: N rows of inputs X (row-major, N×In)
// and targets Y (row-major, N×Out).
type Dataset struct {
	N int
	X []float64
	Y []float64
}

// layerPlan is a layer with its offsets into the parameter vector.
type layerPlan struct {
	in, out int
	act     Activation
	w       int // offset of the weights
	b       int // offset of the biases, or -1
}

// EvalMode selects how an MSE evaluates its sigmoid units. The zero value
// is Plain.
type EvalMode int

const (
	// Plain is the textbook arithmetic of the tutorial: σ(z) = 1/(1+e^{−z}),
	// the residual σ(z) − y and the derivative σ(1 − σ), all computed from
	// σ(z) alone. Since σ(z) rounds to exactly 1 for z > 53·ln 2 ≈ 36.7, the
	// residual of a target-1 output is then 0 and its derivative 0; below
	// that it is a multiple of 2⁻⁵³, so the loss of saturated target-1
	// outputs is quantized (0, or ≥ 2⁻¹⁰⁶ ≈ 1.2e-32 per output) and its
	// gradient is a few-ulp difference. Likewise σ(z) is 0 for z < −709.8,
	// where e^{−z} overflows.
	Plain EvalMode = iota
	// Careful computes, for every sigmoid unit, σ(z) and σ(−z) = 1 − σ(z)
	// from e = exp(−|z|) without cancellation (σ(|z|) = 1/(1+e),
	// σ(−|z|) = e·σ(|z|)), each to a few ulps relative for every z. A
	// sigmoid output with target exactly 1 has the residual −σ(−z) (other
	// targets: σ(z) − y), and σ' = σ(z)·σ(−z), in the output delta and in
	// the back-propagated delta of sigmoid hidden units. Tanh and linear
	// units are evaluated as in Plain; so are Predict and Classified. For
	// z ≥ 0, σ(z) is bit-identical to Plain's, for z < 0 it may differ in
	// the last bits.
	Careful
)

// String returns "plain" or "careful".
func (e EvalMode) String() string {
	switch e {
	case Plain:
		return "plain"
	case Careful:
		return "careful"
	}
	return fmt.Sprintf("EvalMode(%d)", int(e))
}

// EvalModeNames returns the names ParseEvalMode accepts.
func EvalModeNames() []string { return []string{Careful.String(), Plain.String()} }

// ParseEvalMode returns the EvalMode named s ("careful" or "plain").
func ParseEvalMode(s string) (EvalMode, error) {
	for _, e := range []EvalMode{Careful, Plain} {
		if s == e.String() {
			return e, nil
		}
	}
	return 0, fmt.Errorf("optim: unknown loss evaluation %q; want %s", s, strings.Join(EvalModeNames(), " or "))
}

// mseBlock is the largest number of samples Loss and Grad process together,
// one layer at a time; it bounds the workspaces of large datasets.
const mseBlock = 64

// MSEOf is the full-batch mean squared error of a Network on a Dataset,
//
//	E(θ) = 1/(N·K) · Σ_n Σ_k (y_nk − ŷ_nk(θ))²,
//
// the mean over N samples and K outputs, with no ½ factor. Its gradient is
// computed analytically by backpropagation. An MSE owns workspaces: Loss and
// Grad allocate nothing, and an MSE is not safe for concurrent use (make one
// per goroutine with NewMSE or Problem.Objective).
//
// An MSE evaluates sigmoid units in Plain arithmetic, the tutorial's, unless
// SetEval selects Careful (see EvalMode), which resolves the loss and
// gradient of saturated sigmoid outputs.
type MSEOf[T Float] struct {
	net    Network
	data   Dataset
	x, y   []T // data.X and data.Y in T (the same slices for float64)
	dim    int
	plan   []layerPlan
	act    [][]T // per layer: outputs for the current sample (forward)
	scale  T     // 2/(N·K)
	nk     T     // N·K
	inDim  int
	outDim int

	// Workspaces of Loss and Grad, which process the samples in blocks of
	// up to mseBlock, one layer at a time: per layer, the block's
	// activations and ∂E/∂z, row-major (sample × neuron).
	bact, bdelta [][]T
	// Careful evaluation: per layer, the block's σ(−z) of sigmoid layers
	// (row-major, like bact).
	bcomp [][]T
	block int // samples per block: min(N, mseBlock)

	eval EvalMode // arithmetic of sigmoid units (SetEval)

	shape mseShape // which specialized Loss and Grad apply
}

// mseShape selects specialized code for common network shapes.
type mseShape int

const (
	shapeGeneral    mseShape = iota // any network: blocks of samples, layer by layer
	shapePerceptron                 // one layer with one neuron
	shapeTwoLayer                   // one hidden layer and one output neuron
)

// MSE is the float64 MSEOf, the tutorial's arithmetic.
type MSE = MSEOf[float64]

// NewMSE returns the float64 mean squared error of net on data. It checks
// that the data's shape matches the network.
func NewMSE(net Network, data Dataset) (*MSE, error) { return NewMSEOf[float64](net, data) }

// toFloat returns s in T: s itself when T is float64, else a rounded copy.
func toFloat[T Float](s []float64) []T {
	if t, ok := any(s).([]T); ok {
		return t
	}
	t := make([]T, len(s))
	for i, v := range s {
		t[i] = T(v)
	}
	return t
}

// NewMSEOf returns the mean squared error of net on data in the arithmetic
// T; the data are rounded to T once. It checks that the data's shape
// matches the network.
func NewMSEOf[T Float](net Network, data Dataset) (*MSEOf[T], error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if data.N < 1 {
		return nil, fmt.Errorf("optim: dataset has %d samples, want ≥ 1", data.N)
	}
	if len(data.X) != data.N*net.In {
		return nil, fmt.Errorf("optim: dataset X has %d values, want N·In = %d", len(data.X), data.N*net.In)
	}
	if len(data.Y) != data.N*net.Out() {
		return nil, fmt.Errorf("optim: dataset Y has %d values, want N·Out = %d", len(data.Y), data.N*net.Out())
	}
	m := &MSEOf[T]{net: net, data: data, x: toFloat[T](data.X), y: toFloat[T](data.Y), dim: net.Dim(), inDim: net.In, outDim: net.Out()}
	block := min(data.N, mseBlock)
	m.block = block
	off, in := 0, net.In
	for _, l := range net.Layers {
		p := layerPlan{in: in, out: l.Out, act: l.Act, w: off, b: -1}
		off += l.Out * in
		if l.Bias {
			p.b = off
			off += l.Out
		}
		m.plan = append(m.plan, p)
		m.act = append(m.act, make([]T, l.Out))
		m.bact = append(m.bact, make([]T, block*l.Out))
		m.bdelta = append(m.bdelta, make([]T, block*l.Out))
		m.bcomp = append(m.bcomp, make([]T, block*l.Out))
		in = l.Out
	}
	m.nk = T(data.N * m.outDim)
	m.scale = 2 / m.nk
	switch {
	case len(m.plan) == 1 && m.outDim == 1:
		m.shape = shapePerceptron
	case len(m.plan) == 2 && m.outDim == 1:
		m.shape = shapeTwoLayer
	}
	return m, nil
}

// Dim returns the number of network parameters.
func (m *MSEOf[T]) Dim() int { return m.dim }

// SetEval selects the arithmetic of Loss and Grad (Plain by default). It
// panics on an unknown mode.
func (m *MSEOf[T]) SetEval(e EvalMode) {
	if e != Plain && e != Careful {
		panic(fmt.Sprintf("optim: unknown %v", e))
	}
	m.eval = e
}

// Eval returns the arithmetic of Loss and Grad.
func (m *MSEOf[T]) Eval() EvalMode { return m.eval }

// carefulLayer reports whether layer l's activations are computed in pairs
// (σ(z), σ(−z)) with activatePair, into bact[l] and bcomp[l].
func (m *MSEOf[T]) carefulLayer(l int) bool {
	return m.eval == Careful && m.plan[l].act == Sigmoid
}

// carefulResidual returns σ(z) − y given s = σ(z) and c = σ(−z): −c when
// y is 1, free of the cancellation of s − 1, and s − y otherwise.
func carefulResidual[T Float](s, c, y T) T {
	if y == 1 {
		return -c
	}
	return s - y
}

// Network returns the network being trained.
func (m *MSEOf[T]) Network() Network { return m.net }

// Data returns the dataset. The caller must not modify it.
func (m *MSEOf[T]) Data() Dataset { return m.data }

// forward computes the activations of every layer for one input row and
// returns the output layer's activations.
func (m *MSEOf[T]) forward(x, input []T) []T {
	prev := input
	for l := range m.plan {
		p := &m.plan[l]
		a := m.act[l]
		w := x[p.w : p.w+p.out*p.in]
		for o := range a {
			row := w[o*p.in : (o+1)*p.in]
			var z T
			for i, v := range row {
				z += v * prev[i]
			}
			if p.b >= 0 {
				z += x[p.b+o]
			}
			a[o] = apply(p.act, z)
		}
		prev = a
	}
	return prev
}

// forwardBlock computes the activations of every layer for the nb samples
// whose inputs are the rows of in (nb×In, row-major) into the block
// workspaces and returns the output layer's activations (nb×Out). Every
// activation is computed exactly as forward computes it, except in careful
// evaluation, where sigmoid layers are computed with activatePair (their
// complements σ(−z) in bcomp).
func (m *MSEOf[T]) forwardBlock(x, in []T, nb int) []T {
	prev := in
	for l := range m.plan {
		p := &m.plan[l]
		a := m.bact[l][:nb*p.out]
		w := x[p.w : p.w+p.out*p.in]
		if p.b >= 0 {
			affine(a, w, x[p.b:p.b+p.out], prev, p.in, p.out)
		} else {
			affine(a, w, nil, prev, p.in, p.out)
		}
		if m.carefulLayer(l) {
			activatePair(a, m.bcomp[l])
		} else {
			activate(p.act, a)
		}
		prev = a
	}
	return prev
}

// sums1 is affine for a single neuron (nout = 1), storing −z instead of z
// when neg is set (for the exponentials of σ(z) = 1/(1 + e^−z)).
func sums1[T Float](z, w, bias, prev []T, nin int, neg bool) {
	prev = prev[:len(z)*nin]
	w = w[:nin]
	hasBias, b := bias != nil, T(0)
	if hasBias {
		b = bias[0]
	}
	for s := range z {
		in := prev[s*nin : s*nin+nin]
		in = in[:len(w)]
		var v T
		for i, wi := range w {
			v += wi * in[i]
		}
		if hasBias {
			v += b
		}
		if neg {
			v = -v
		}
		z[s] = v
	}
}

// affine stores in z (nb×nout) the weighted sums w·in (+ bias) of the nb
// input rows in prev (nb×nin): z = 0 + w₀·in₀ + … + w_{nin−1}·in_{nin−1},
// then + b, in this order, as forward sums.
func affine[T Float](z, w, bias, prev []T, nin, nout int) {
	nb := len(z) / nout
	prev = prev[:nb*nin]
	w = w[:nout*nin]
	if nout == 1 {
		sums1(z, w, bias, prev, nin, false)
		return
	}
	if bias != nil {
		bias = bias[:nout]
	}
	if nin == 2 {
		for s := 0; s < nb; s++ {
			in := prev[2*s : 2*s+2]
			in0, in1 := in[0], in[1]
			zs := z[s*nout : s*nout+nout]
			for o := range zs {
				row := w[2*o : 2*o+2]
				v := 0 + row[0]*in0 + row[1]*in1
				if bias != nil {
					v += bias[o]
				}
				zs[o] = v
			}
		}
		return
	}
	for s := 0; s < nb; s++ {
		in := prev[s*nin : s*nin+nin]
		zs := z[s*nout : s*nout+nout]
		for o := range zs {
			row := w[o*nin : o*nin+nin]
			in := in[:len(row)]
			var v T
			for i, wi := range row {
				v += wi * in[i]
			}
			if bias != nil {
				v += bias[o]
			}
			zs[o] = v
		}
	}
}

// Loss returns the mean squared error at x. It panics if len(x) != Dim.
func (m *MSEOf[T]) Loss(x []T) T {
	if len(x) != m.dim {
		panic(badDim)
	}
	switch m.shape {
	case shapePerceptron:
		return m.lossPerceptron(x)
	}
	n, nin, nout := m.data.N, m.inDim, m.outDim
	X, Y := m.x[:n*nin], m.y[:n*nout]
	last := len(m.plan) - 1
	careful := m.carefulLayer(last)
	var sum T
	for s0 := 0; s0 < n; s0 += m.block {
		nb := min(m.block, n-s0)
		out := m.forwardBlock(x, X[s0*nin:(s0+nb)*nin], nb)
		y := Y[s0*nout : (s0+nb)*nout]
		y = y[:len(out)]
		if careful {
			sum = carefulSquares(sum, out, m.bcomp[last], y)
			continue
		}
		for k, v := range out {
			r := v - y[k]
			sum += r * r
		}
	}
	return sum / m.nk
}

// carefulSquares returns sum plus the squared careful residuals (see
// carefulResidual) of the outputs s with complements c and targets y, in
// order.
func carefulSquares[T Float](sum T, s, c, y []T) T {
	c, y = c[:len(s)], y[:len(s)]
	for k, v := range s {
		r := carefulResidual(v, c[k], y[k])
		sum += r * r
	}
	return sum
}

// Grad stores ∂E/∂θ at x in grad by backpropagation and returns E(x). It
// panics if len(x) or len(grad) differs from Dim.
//
// The samples are processed in blocks, one layer at a time, but every
// quantity is computed with the same operations in the same order as a
// sample-by-sample backpropagation: each gradient entry is 0 plus the
// per-sample contributions in sample order.
func (m *MSEOf[T]) Grad(grad, x []T) T {
	if len(x) != m.dim || len(grad) != m.dim {
		panic(badDim)
	}
	switch m.shape {
	case shapePerceptron:
		return m.gradPerceptron(grad, x)
	case shapeTwoLayer:
		return m.gradTwoLayer(grad, x)
	}
	n, nin, nout := m.data.N, m.inDim, m.outDim
	X, Y := m.x[:n*nin], m.y[:n*nout]
	last := len(m.plan) - 1
	scale := m.scale
	var sum T
	for s0 := 0; s0 < n; s0 += m.block {
		nb := min(m.block, n-s0)
		input := X[s0*nin : (s0+nb)*nin]
		out := m.forwardBlock(x, input, nb)
		y := Y[s0*nout : (s0+nb)*nout]
		d := m.bdelta[last][:len(out)]
		y = y[:len(out)]
		switch act := m.plan[last].act; {
		case act == Sigmoid && m.eval == Careful:
			c := m.bcomp[last][:len(out)]
			for k, v := range out {
				r := carefulResidual(v, c[k], y[k])
				sum += r * r
				d[k] = scale * r * (v * c[k])
			}
		case act == Sigmoid:
			for k, v := range out {
				r := v - y[k]
				sum += r * r
				d[k] = scale * r * (v * (1 - v))
			}
		case act == Tanh:
			for k, v := range out {
				r := v - y[k]
				sum += r * r
				d[k] = scale * r * (1 - v*v)
			}
		default:
			for k, v := range out {
				r := v - y[k]
				sum += r * r
				d[k] = scale * r * 1
			}
		}
		first := s0 == 0
		for l := last; l >= 0; l-- {
			p := &m.plan[l]
			d := m.bdelta[l][:nb*p.out]
			prev := input
			if l > 0 {
				prev = m.bact[l-1][:nb*p.in]
			}
			accumulate(grad[p.w:p.w+p.out*p.in], d, prev, p.in, p.out, first)
			if p.b >= 0 {
				accumulateBias(grad[p.b:p.b+p.out], d, first)
			}
			if l == 0 {
				break
			}
			dp := m.bdelta[l-1][:nb*p.in]
			backDelta(dp, d, x[p.w:p.w+p.out*p.in], p.in, p.out)
			if m.carefulLayer(l - 1) {
				derivMulPair(dp, prev, m.bcomp[l-1])
			} else {
				derivMul(m.plan[l-1].act, dp, prev)
			}
		}
	}
	return sum / m.nk
}

// accumulate adds to the weight gradient gw (nout×nin) the contributions
// d[s,o]·prev[s,i] of the block's samples in sample order, starting from 0
// when first is set. It sums four (then two, then one) inputs at a time in
// registers, each in its own accumulator.
func accumulate[T Float](gw, d, prev []T, nin, nout int, first bool) {
	nb := len(d) / nout
	d = d[:nb*nout]
	prev = prev[:nb*nin]
	gw = gw[:nout*nin]
	for o := 0; o < nout; o++ {
		row := gw[o*nin : o*nin+nin]
		i := 0
		for ; i+4 <= len(row); i += 4 {
			var g0, g1, g2, g3 T
			if !first {
				g0, g1, g2, g3 = row[i], row[i+1], row[i+2], row[i+3]
			}
			for s := 0; s < nb; s++ {
				dv := d[s*nout+o]
				in := prev[s*nin+i:]
				in = in[:4]
				g0 += dv * in[0]
				g1 += dv * in[1]
				g2 += dv * in[2]
				g3 += dv * in[3]
			}
			row[i], row[i+1], row[i+2], row[i+3] = g0, g1, g2, g3
		}
		if i+2 <= len(row) {
			var g0, g1 T
			if !first {
				g0, g1 = row[i], row[i+1]
			}
			for s := 0; s < nb; s++ {
				dv := d[s*nout+o]
				in := prev[s*nin+i:]
				in = in[:2]
				g0 += dv * in[0]
				g1 += dv * in[1]
			}
			row[i], row[i+1] = g0, g1
			i += 2
		}
		if i < len(row) {
			var g0 T
			if !first {
				g0 = row[i]
			}
			for s := 0; s < nb; s++ {
				g0 += d[s*nout+o] * prev[s*nin+i]
			}
			row[i] = g0
		}
	}
}

// accumulateBias adds to the bias gradient gb the block's d[s,o] in sample
// order, starting from 0 when first is set.
func accumulateBias[T Float](gb, d []T, first bool) {
	nout := len(gb)
	nb := len(d) / nout
	d = d[:nb*nout]
	for o := range gb {
		var g T
		if !first {
			g = gb[o]
		}
		for s := 0; s < nb; s++ {
			g += d[s*nout+o]
		}
		gb[o] = g
	}
}

// backDelta stores in dp (nb×nin) the back-propagated sums
// 0 + w[0,i]·d[s,0] + … + w[nout−1,i]·d[s,nout−1].
func backDelta[T Float](dp, d, w []T, nin, nout int) {
	nb := len(dp) / nin
	d = d[:nb*nout]
	w = w[:nout*nin]
	for s := 0; s < nb; s++ {
		ds := d[s*nout : s*nout+nout]
		dps := dp[s*nin : s*nin+nin]
		for i := range dps {
			var acc T
			for o, dv := range ds {
				acc += w[o*nin+i] * dv
			}
			dps[i] = acc
		}
	}
}

// derivMul multiplies every dp[j] by the derivative of act at the output
// a[j].
func derivMul[T Float](act Activation, dp, a []T) {
	a = a[:len(dp)]
	switch act {
	case Sigmoid:
		for j, v := range a {
			dp[j] *= v * (1 - v)
		}
	case Tanh:
		for j, v := range a {
			dp[j] *= 1 - v*v
		}
	}
}

// derivMulPair multiplies every dp[j] by the sigmoid derivative
// σ(z)·σ(−z) = s[j]·c[j] of careful evaluation.
func derivMulPair[T Float](dp, s, c []T) {
	s, c = s[:len(dp)], c[:len(dp)]
	for j, v := range s {
		dp[j] *= v * c[j]
	}
}

// lossPerceptron is Loss for a single neuron, computed like gradPerceptron.
func (m *MSEOf[T]) lossPerceptron(x []T) T {
	nin, n := m.inDim, m.data.N
	X, Y := m.x[:n*nin], m.y[:n]
	w := x[:nin]
	p := &m.plan[0]
	var bias []T
	if p.b >= 0 {
		bias = x[p.b : p.b+1]
	}
	act := p.act
	careful := m.carefulLayer(0)
	var sum T
	for s0 := 0; s0 < n; s0 += m.block {
		nb := min(m.block, n-s0)
		block := X[s0*nin : (s0+nb)*nin]
		a := m.bact[0][:nb]
		y := Y[s0 : s0+nb]
		if act == Sigmoid && !careful {
			// As in gradPerceptron: affine, activate and the residuals in
			// one pass after the exponentials.
			sums1(a, w, bias, block, nin, true)
			expInto(a)
			y = y[:len(a)]
			for s, e := range a {
				r := 1/(1+e) - y[s]
				sum += r * r
			}
			continue
		}
		affine(a, w, bias, block, nin, 1)
		if careful {
			c := m.bcomp[0][:nb]
			activatePair(a, c)
			sum = carefulSquares(sum, a, c, y)
			continue
		}
		activate(act, a)
		y = y[:len(a)]
		for s, v := range a {
			r := v - y[s]
			sum += r * r
		}
	}
	return sum / m.nk
}

// gradPerceptron is Grad for a single neuron. Except for a linear neuron,
// the samples are processed in blocks: first the block's weighted sums, then
// their activations in one loop (the exponentials of different samples are
// independent and overlap in the processor), then the residuals and
// gradient contributions.
func (m *MSEOf[T]) gradPerceptron(grad, x []T) T {
	nin, n := m.inDim, m.data.N
	X, Y := m.x[:n*nin], m.y[:n]
	w, g := x[:nin], grad[:nin]
	p := &m.plan[0]
	var bias []T
	hasBias, b := p.b >= 0, T(0)
	if hasBias {
		bias = x[p.b : p.b+1]
		b = bias[0]
	}
	act, scale := p.act, m.scale
	careful := m.carefulLayer(0)
	clear(g)
	var sum, gb T
	if act == Linear {
		// Sample by sample with the sum in a register, like sums1 but
		// without the buffer: routing celsius through sums1 and a second
		// loop made its Grad 50 % slower (A/B, n = 8).
		for s, ys := range Y {
			in := X[s*nin : s*nin+nin]
			in = in[:len(w)]
			var z T
			for i, wi := range w {
				z += wi * in[i]
			}
			if hasBias {
				z += b
			}
			r := z - ys
			sum += r * r
			d := scale * r * 1
			g := g[:len(in)]
			for i, xi := range in {
				g[i] += d * xi
			}
			gb += d
		}
	} else {
		for s0 := 0; s0 < n; s0 += m.block {
			nb := min(m.block, n-s0)
			block := X[s0*nin : (s0+nb)*nin]
			a := m.bact[0][:nb]
			y := Y[s0 : s0+nb]
			if act == Sigmoid && !careful && nin <= 4 {
				// The loops of affine, activate and the last loop below
				// in one pass after the exponentials: the same operations
				// in the same order (BenchmarkGrad/problem=seed3: −19 %, n = 8).
				sums1(a, w, bias, block, nin, true)
				expInto(a)
				y = y[:len(a)]
				for s, e := range a {
					v := 1 / (1 + e)
					r := v - y[s]
					sum += r * r
					// T(…) rounds d, as storing it does on the general
					// path: no multiply-add may fuse it into gb += d.
					d := T(scale * r * (v * (1 - v)))
					in := block[s*nin : s*nin+nin]
					in = in[:len(g)]
					for i, xi := range in {
						g[i] += d * xi
					}
					gb += d
				}
				continue
			}
			affine(a, w, bias, block, nin, 1)
			if careful {
				// For nin ≤ 4, the gradient sums in memory as in the plain
				// path below; for more inputs, the deltas stored and the
				// gradient summed in registers (accumulate), which adds the
				// same products in the same order.
				c, d := m.bcomp[0][:nb], m.bdelta[0][:nb]
				activatePair(a, c)
				y, c = y[:len(a)], c[:len(a)]
				if nin <= 4 {
					for s, v := range a {
						r := carefulResidual(v, c[s], y[s])
						sum += r * r
						d := T(scale * r * (v * c[s])) // rounded, as above
						in := block[s*nin : s*nin+nin]
						in = in[:len(g)]
						for i, xi := range in {
							g[i] += d * xi
						}
						gb += d
					}
					continue
				}
				for s, v := range a {
					r := carefulResidual(v, c[s], y[s])
					sum += r * r
					d[s] = scale * r * (v * c[s])
				}
				accumulate(g, d, block, nin, 1, s0 == 0)
				for _, dv := range d {
					gb += dv
				}
				continue
			}
			activate(act, a)
			y = y[:len(a)]
			if nin > 4 {
				// Store the deltas and sum the gradient in registers.
				d := m.bdelta[0][:len(a)]
				for s, v := range a {
					r := v - y[s]
					sum += r * r
					if act == Sigmoid {
						d[s] = scale * r * (v * (1 - v))
					} else {
						d[s] = scale * r * (1 - v*v)
					}
				}
				accumulate(g, d, block, nin, 1, s0 == 0)
				for _, dv := range d {
					gb += dv
				}
				continue
			}
			for s, v := range a {
				r := v - y[s]
				sum += r * r
				var d T
				if act == Sigmoid {
					d = scale * r * (v * (1 - v))
				} else {
					d = scale * r * (1 - v*v)
				}
				in := block[s*nin : s*nin+nin]
				in = in[:len(g)]
				for i, xi := range in {
					g[i] += d * xi
				}
				gb += d
			}
		}
	}
	if hasBias {
		grad[p.b] = gb
	}
	return sum / m.nk
}

// gradTwoLayer is Grad for one hidden layer and one output neuron. The
// forward pass goes layer by layer over a block of samples, as in Grad; the
// backward pass goes sample by sample.
func (m *MSEOf[T]) gradTwoLayer(grad, x []T) T {
	p1, p2 := &m.plan[0], &m.plan[1]
	nin, nh, n := p1.in, p1.out, m.data.N
	X, Y := m.x[:n*nin], m.y[:n]
	w1, w2 := x[p1.w:p1.w+nh*nin], x[p2.w:p2.w+nh]
	g1, g2 := grad[p1.w:p1.w+nh*nin], grad[p2.w:p2.w+nh]
	var b1, gb1, b2 []T
	if p1.b >= 0 {
		b1, gb1 = x[p1.b:p1.b+nh], grad[p1.b:p1.b+nh]
	}
	if p2.b >= 0 {
		b2 = x[p2.b : p2.b+1]
	}
	a1, a2, scale := p1.act, p2.act, m.scale
	clear(grad)
	var sum, gb2 T
	for s0 := 0; s0 < n; s0 += m.block {
		nb := min(m.block, n-s0)
		in := X[s0*nin : (s0+nb)*nin]
		h := m.bact[0][:nb*nh]
		affine(h, w1, b1, in, nin, nh)
		out := m.bact[1][:nb]
		if m.eval == Careful {
			// Complements of sigmoid layers, nil for the others.
			var hc, oc []T
			if a1 == Sigmoid {
				hc = m.bcomp[0][:nb*nh]
				activatePair(h, hc)
			} else {
				activate(a1, h)
			}
			affine(out, w2, b2, h, nh, 1)
			if a2 == Sigmoid {
				oc = m.bcomp[1][:nb]
				activatePair(out, oc)
			} else {
				activate(a2, out)
			}
			sum, gb2 = backTwoLayerCareful(g1, g2, gb1, out, oc, Y[s0:s0+nb], h, hc, in, w2, a1, a2, scale, sum, gb2)
			continue
		}
		activate(a1, h)
		affine(out, w2, b2, h, nh, 1)
		activate(a2, out)
		sum, gb2 = backTwoLayer(g1, g2, gb1, out, Y[s0:s0+nb], h, in, w2, a1, a2, scale, sum, gb2)
	}
	if p2.b >= 0 {
		grad[p2.b] = gb2
	}
	return sum / m.nk
}

// backTwoLayer adds the contributions of a block's samples to the
// gradients of a two-layer network, sample by sample, given the block's
// outputs out, targets y, hidden activations h (nb×nh) and inputs in
// (nb×nin). It returns the updated sum of squared residuals and bias
// gradient of the output neuron. It is separate from gradTwoLayer so that
// its loops keep their variables in registers.
func backTwoLayer[T Float](g1, g2, gb1, out, y, h, in, w2 []T, a1, a2 Activation, scale, sum, gb2 T) (T, T) {
	nh := len(w2)
	nin := len(g1) / nh
	y = y[:len(out)]
	h = h[:len(out)*nh]
	in = in[:len(out)*nin]
	g2 = g2[:nh]
	for s, v := range out {
		r := v - y[s]
		sum += r * r
		d := scale * r * deriv(a2, v)
		gb2 += d
		hs := h[s*nh : s*nh+nh]
		ins := in[s*nin : s*nin+nin]
		for o, wo := range w2 {
			hv := hs[o]
			g2[o] += d * hv
			dp := (0 + wo*d) * deriv(a1, hv)
			row := g1[o*nin : o*nin+nin]
			if len(row) == 2 {
				ins := ins[:2]
				row[0] += dp * ins[0]
				row[1] += dp * ins[1]
			} else {
				ins := ins[:len(row)]
				for i, xi := range ins {
					row[i] += dp * xi
				}
			}
			if gb1 != nil {
				gb1[o] += dp
			}
		}
	}
	return sum, gb2
}

// backTwoLayerCareful is backTwoLayer in careful evaluation: oc and hc
// hold σ(−z) of the outputs and hidden units when their activation is
// Sigmoid, and are nil otherwise. It adds the same terms in the same order
// as backTwoLayer; only the residuals of sigmoid outputs with target 1 and
// the sigmoid derivatives differ (see carefulResidual and derivMulPair).
func backTwoLayerCareful[T Float](g1, g2, gb1, out, oc, y, h, hc, in, w2 []T, a1, a2 Activation, scale, sum, gb2 T) (T, T) {
	nh := len(w2)
	nin := len(g1) / nh
	y = y[:len(out)]
	h = h[:len(out)*nh]
	in = in[:len(out)*nin]
	g2 = g2[:nh]
	for s, v := range out {
		var r, dv T
		if oc != nil {
			r, dv = carefulResidual(v, oc[s], y[s]), v*oc[s]
		} else {
			r, dv = v-y[s], deriv(a2, v)
		}
		sum += r * r
		d := scale * r * dv
		gb2 += d
		hs := h[s*nh : s*nh+nh]
		ins := in[s*nin : s*nin+nin]
		for o, wo := range w2 {
			hv := hs[o]
			g2[o] += d * hv
			var dh T
			if hc != nil {
				dh = hv * hc[s*nh+o]
			} else {
				dh = deriv(a1, hv)
			}
			dp := (0 + wo*d) * dh
			row := g1[o*nin : o*nin+nin]
			ins := ins[:len(row)]
			for i, xi := range ins {
				row[i] += dp * xi
			}
			if gb1 != nil {
				gb1[o] += dp
			}
		}
	}
	return sum, gb2
}

// Predict stores the network's outputs for one input row in out and returns
// out, allocating it when it is nil.
func (m *MSEOf[T]) Predict(out, x, input []T) []T {
	if len(x) != m.dim {
		panic(badDim)
	}
	if len(input) != m.inDim {
		panic("optim: input has the wrong length")
	}
	if out == nil {
		out = make([]T, m.outDim)
	}
	copy(out, m.forward(x, input))
	return out
}

// Classified reports whether every output of every sample at x lies on the
// same side of 0.5 as its target (targets are taken as 0 below 0.5 and 1
// otherwise); an output of exactly 0.5 counts as wrong.
func (m *MSEOf[T]) Classified(x []T) bool {
	if len(x) != m.dim {
		panic(badDim)
	}
	for s := 0; s < m.data.N; s++ {
		out := m.forward(x, m.x[s*m.inDim:(s+1)*m.inDim])
		y := m.y[s*m.outDim : (s+1)*m.outDim]
		for k, v := range out {
			if (y[k] >= 0.5) != (v > 0.5) || v == 0.5 {
				return false
			}
		}
	}
	return true
}

const badDim = "optim: parameter vector length differs from Dim"
