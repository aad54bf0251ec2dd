package optim

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
	switch {
	case act == Linear && nin == 1:
		sum, g[0], gb = linearOne(X, Y, w[0], b, hasBias, scale)
	case act == Linear:
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
	default:
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

// linearOne is gradPerceptron for a linear neuron with one input (the
// tutorial's Celsius→Fahrenheit neuron) on the samples x, y: it returns
// the sum of squared residuals and the gradient sums of the weight w and
// the bias b (0 without one), with the operations and order of the general
// linear loop on GOAMD64 v1 (the conversions keep the compiler from fusing
// a product and a sum where it may, so that the loss at a fit is exactly
// 0 there too). Its own function, so that every sum stays in a register:
// there, summed in memory, each sample waited for the previous one's
// store of g[0]; not inlined, so that gradPerceptron's other values do
// not compete for its registers.
//
//go:noinline
func linearOne[T Float](x, y []T, w, b T, hasBias bool, scale T) (sum, g, gb T) {
	x = x[:len(y)]
	for s, ys := range y {
		xs := x[s]
		var z T
		z += T(w * xs)
		if hasBias {
			z += b
		}
		r := z - ys
		sum += r * r
		d := scale * r * 1
		g += T(d * xs)
		gb += d
	}
	return sum, g, gb
}
