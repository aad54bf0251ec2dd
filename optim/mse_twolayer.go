package optim

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
