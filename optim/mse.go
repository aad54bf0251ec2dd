package optim

import "fmt"

// layerPlan is a layer with its offsets into the parameter vector.
type layerPlan struct {
	in, out int
	act     Activation
	w       int  // offset of the weights
	b       int  // offset of the biases, or -1
	wide    bool // products computed by gemm (see wideLayer)
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
//
// Layers with at least 32 inputs and 8 neurons, in float64, are wide: their
// products run in blocked, register-tiled kernels (AVX2+FMA assembly where
// the CPU has it) whose bits do not depend on the CPU; see mse_wide.go and
// the package documentation. Workspaces are O(block × widest layer), the
// block being 64 samples, or 256 in networks with a wide layer, plus, in
// such a network, one packed copy of each wide layer's weights (repacked
// at every Loss and Grad, once for all blocks) and, when the first layer
// is wide, one packed copy of the inputs (about the size of data.X, made
// once by NewMSEOf).
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
	// up to block, one layer at a time: per layer, the block's
	// activations and ∂E/∂z, row-major (sample × neuron).
	bact, bdelta [][]T
	// Careful evaluation: per layer, the block's σ(−z) of sigmoid layers
	// (row-major, like bact).
	bcomp [][]T
	block int // samples per block: min(N, mseBlock), or min(N, wideBlock) with a wide layer

	eval EvalMode // arithmetic of sigmoid units (SetEval)

	// wide is the wide layers' workspace (see wideWork), nil when no layer
	// is wide (see wideLayer).
	wide *wideWork

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
// matches the network. The data must not change afterwards: the MSE keeps
// data.X and data.Y (float64) or its copies of them, and a wide first
// layer's gradient reads a packed copy of data.X made here.
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
	block, widest, in := mseBlock, 0, net.In
	for _, l := range net.Layers {
		if wideLayer[T](in, l.Out) {
			block, widest = wideBlock, max(widest, in, l.Out)
		}
		in = l.Out
	}
	block = min(data.N, block)
	m.block = block
	off, in := 0, net.In
	for _, l := range net.Layers {
		p := layerPlan{in: in, out: l.Out, act: l.Act, w: off, b: -1, wide: wideLayer[T](in, l.Out)}
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
	case widest > 0:
		// The general path, the only one with wide layers.
		m.wide = newWideWork(m.plan, widest)
		m.packInputs()
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
		if p.wide {
			for o := range a {
				var b T
				if p.b >= 0 {
					b = x[p.b+o]
				}
				z := wideNeuron(w[o*p.in:(o+1)*p.in], prev, b)
				if p.act == Tanh {
					z = T(wideTanh(float64(z)))
				} else {
					z = apply(p.act, z)
				}
				a[o] = z
			}
			prev = a
			continue
		}
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
	return m.forwardBlockEval(x, in, nb, m.eval)
}

// classifiedWide is Classified for networks with a wide layer: the
// weights packed at x, then classifiedBlocks. It is a function of its own
// so that Classified's machine code keeps its size, and the small
// networks' hot functions their placement (see wideWork.packInputs and
// bench/layout/run.sh).
func (m *MSEOf[T]) classifiedWide(x []T) bool {
	m.packWide(x)
	return m.classifiedBlocks(x)
}

// packInputs packs the inputs for a wide first layer's weight gradient
// (wideWork.packInputs), unless they are packed for the current block
// size; m.wide must be set.
func (m *MSEOf[T]) packInputs() {
	if m.plan[0].wide {
		m.wide.packInputs(f64s(m.x), m.data.N, m.inDim, m.block)
	}
}

// packWide packs the weights of every wide layer at x for the forward
// passes of the blocks that follow (wideAffine); Loss, Grad and Classified
// call it before their first block. m.wide must be set.
func (m *MSEOf[T]) packWide(x []T) {
	m.wide.packWeights(m.plan, f64s(x))
}

// forwardBlockEval is forwardBlock in the evaluation mode eval. The wide
// layers' packed weights must be those of x (packWide).
func (m *MSEOf[T]) forwardBlockEval(x, in []T, nb int, eval EvalMode) []T {
	prev := in
	for l := range m.plan {
		p := &m.plan[l]
		a := m.bact[l][:nb*p.out]
		w := x[p.w : p.w+p.out*p.in]
		switch {
		case p.wide:
			var b []float64
			if p.b >= 0 {
				b = f64s(x[p.b : p.b+p.out])
			}
			wideAffine(m.wide.gw, f64s(a), m.wide.wpack[l], b, f64s(prev), p.in, p.out)
		case p.b >= 0:
			affine(a, w, x[p.b:p.b+p.out], prev, p.in, p.out)
		default:
			affine(a, w, nil, prev, p.in, p.out)
		}
		switch {
		case eval == Careful && p.act == Sigmoid:
			activatePair(a, m.bcomp[l])
		case p.wide && p.act == Tanh:
			wideTanhInto(f64s(a), f64s(m.bcomp[l]))
		default:
			activate(p.act, a)
		}
		prev = a
	}
	return prev
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
	if m.wide != nil {
		m.packWide(x)
	}
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
	if m.wide != nil {
		m.packWide(x)
		m.packInputs()
	}
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
			switch {
			case p.wide && l == 0:
				pb := m.wide.xpack[s0/m.block*gemmPackedLen(nin, m.block):]
				wideAccumulatePacked(m.wide.gw, f64s(grad[p.w:p.w+p.out*p.in]), f64s(d), pb, p.in, p.out, first)
			case p.wide:
				wideAccumulate(m.wide.gw, f64s(grad[p.w:p.w+p.out*p.in]), f64s(d), f64s(prev), p.in, p.out, first)
			default:
				accumulate(grad[p.w:p.w+p.out*p.in], d, prev, p.in, p.out, first)
			}
			switch {
			case p.b >= 0 && p.wide:
				wideAccumulateBias(f64s(grad[p.b:p.b+p.out]), f64s(d), first)
			case p.b >= 0:
				accumulateBias(grad[p.b:p.b+p.out], d, first)
			}
			if l == 0 {
				break
			}
			dp := m.bdelta[l-1][:nb*p.in]
			if p.wide {
				wideBackDelta(m.wide.gw, f64s(dp), f64s(d), f64s(x[p.w:p.w+p.out*p.in]), p.in, p.out)
			} else {
				backDelta(dp, d, x[p.w:p.w+p.out*p.in], p.in, p.out)
			}
			if m.carefulLayer(l - 1) {
				derivMulPair(dp, prev, m.bcomp[l-1])
			} else {
				derivMul(m.plan[l-1].act, dp, prev)
			}
		}
	}
	return sum / m.nk
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
	if m.wide != nil {
		return m.classifiedWide(x)
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
