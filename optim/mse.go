package optim

import (
	"fmt"
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

// MSE is the full-batch mean squared error of a Network on a Dataset,
//
//	E(θ) = 1/(N·K) · Σ_n Σ_k (y_nk − ŷ_nk(θ))²,
//
// the mean over N samples and K outputs, with no ½ factor. Its gradient is
// computed analytically by backpropagation. An MSE owns workspaces: Loss and
// Grad allocate nothing, and an MSE is not safe for concurrent use (make one
// per goroutine with NewMSE or Problem.Objective).
type MSE struct {
	net    Network
	data   Dataset
	dim    int
	plan   []layerPlan
	act    [][]float64 // per layer: outputs for the current sample
	delta  [][]float64 // per layer: ∂E/∂z for the current sample
	scale  float64     // 2/(N·K)
	nk     float64     // N·K
	inDim  int
	outDim int
}

// NewMSE returns the mean squared error of net on data. It checks that the
// data's shape matches the network.
func NewMSE(net Network, data Dataset) (*MSE, error) {
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
	m := &MSE{net: net, data: data, dim: net.Dim(), inDim: net.In, outDim: net.Out()}
	off, in := 0, net.In
	for _, l := range net.Layers {
		p := layerPlan{in: in, out: l.Out, act: l.Act, w: off, b: -1}
		off += l.Out * in
		if l.Bias {
			p.b = off
			off += l.Out
		}
		m.plan = append(m.plan, p)
		m.act = append(m.act, make([]float64, l.Out))
		m.delta = append(m.delta, make([]float64, l.Out))
		in = l.Out
	}
	m.nk = float64(data.N * m.outDim)
	m.scale = 2 / m.nk
	return m, nil
}

// Dim returns the number of network parameters.
func (m *MSE) Dim() int { return m.dim }

// Network returns the network being trained.
func (m *MSE) Network() Network { return m.net }

// Data returns the dataset. The caller must not modify it.
func (m *MSE) Data() Dataset { return m.data }

// forward computes the activations of every layer for one input row and
// returns the output layer's activations.
func (m *MSE) forward(x, input []float64) []float64 {
	prev := input
	for l := range m.plan {
		p := &m.plan[l]
		a := m.act[l]
		w := x[p.w : p.w+p.out*p.in]
		for o := range a {
			row := w[o*p.in : (o+1)*p.in]
			z := 0.0
			for i, v := range row {
				z += v * prev[i]
			}
			if p.b >= 0 {
				z += x[p.b+o]
			}
			a[o] = p.act.apply(z)
		}
		prev = a
	}
	return prev
}

// Loss returns the mean squared error at x. It panics if len(x) != Dim.
func (m *MSE) Loss(x []float64) float64 {
	if len(x) != m.dim {
		panic(badDim)
	}
	sum := 0.0
	for s := 0; s < m.data.N; s++ {
		out := m.forward(x, m.data.X[s*m.inDim:(s+1)*m.inDim])
		y := m.data.Y[s*m.outDim : (s+1)*m.outDim]
		for k, v := range out {
			r := v - y[k]
			sum += r * r
		}
	}
	return sum / m.nk
}

// Grad stores ∂E/∂θ at x in grad by backpropagation and returns E(x). It
// panics if len(x) or len(grad) differs from Dim.
func (m *MSE) Grad(grad, x []float64) float64 {
	if len(x) != m.dim || len(grad) != m.dim {
		panic(badDim)
	}
	clear(grad)
	sum := 0.0
	last := len(m.plan) - 1
	for s := 0; s < m.data.N; s++ {
		input := m.data.X[s*m.inDim : (s+1)*m.inDim]
		out := m.forward(x, input)
		y := m.data.Y[s*m.outDim : (s+1)*m.outDim]
		d := m.delta[last]
		act := m.plan[last].act
		for k, v := range out {
			r := v - y[k]
			sum += r * r
			d[k] = m.scale * r * act.deriv(v)
		}
		for l := last; l >= 0; l-- {
			p := &m.plan[l]
			d := m.delta[l]
			prev := input
			if l > 0 {
				prev = m.act[l-1]
			}
			gw := grad[p.w : p.w+p.out*p.in]
			for o, dv := range d {
				row := gw[o*p.in : (o+1)*p.in]
				for i, v := range prev {
					row[i] += dv * v
				}
				if p.b >= 0 {
					grad[p.b+o] += dv
				}
			}
			if l == 0 {
				break
			}
			dp := m.delta[l-1]
			clear(dp)
			w := x[p.w : p.w+p.out*p.in]
			for o, dv := range d {
				row := w[o*p.in : (o+1)*p.in]
				for i, v := range row {
					dp[i] += v * dv
				}
			}
			pa := m.plan[l-1].act
			for i, v := range prev {
				dp[i] *= pa.deriv(v)
			}
		}
	}
	return sum / m.nk
}

// Predict stores the network's outputs for one input row in out and returns
// out, allocating it when it is nil.
func (m *MSE) Predict(out, x, input []float64) []float64 {
	if len(x) != m.dim {
		panic(badDim)
	}
	if len(input) != m.inDim {
		panic("optim: input has the wrong length")
	}
	if out == nil {
		out = make([]float64, m.outDim)
	}
	copy(out, m.forward(x, input))
	return out
}

// Classified reports whether every output of every sample at x lies on the
// same side of 0.5 as its target (targets are taken as 0 below 0.5 and 1
// otherwise); an output of exactly 0.5 counts as wrong.
func (m *MSE) Classified(x []float64) bool {
	if len(x) != m.dim {
		panic(badDim)
	}
	for s := 0; s < m.data.N; s++ {
		out := m.forward(x, m.data.X[s*m.inDim:(s+1)*m.inDim])
		y := m.data.Y[s*m.outDim : (s+1)*m.outDim]
		for k, v := range out {
			if (y[k] >= 0.5) != (v > 0.5) || v == 0.5 {
				return false
			}
		}
	}
	return true
}

const badDim = "optim: parameter vector length differs from Dim"
