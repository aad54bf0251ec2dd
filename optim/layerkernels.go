package optim

// sums1 is affine for a single neuron (nout = 1), storing −z instead of z
// when neg is set (for the exponentials of σ(z) = 1/(1 + e^−z)).
func sums1[T Float](z, w, bias, prev []T, nin int, neg bool) {
	prev = prev[:len(z)*nin]
	w = w[:nin]
	hasBias, b := bias != nil, T(0)
	if hasBias {
		b = bias[0]
	}
	switch nin {
	case 1:
		// Unrolled for the small neurons of the built-in problems
		// (celsius's, xor's output, seed3's), with the same sums in the
		// same order: the loop over w cost seed3's Grad a quarter of its
		// time. The conversions keep the compiler from fusing a product
		// and a sum (GOAMD64=v3, arm64), which it does not do in the loop
		// below.
		w0 := w[0]
		for s := range z {
			v := 0 + T(w0*prev[s])
			z[s] = biasNeg(v, hasBias, b, neg)
		}
		return
	case 2:
		w0, w1 := w[0], w[1]
		for s := range z {
			in := prev[2*s : 2*s+2]
			v := 0 + T(w0*in[0]) + T(w1*in[1])
			z[s] = biasNeg(v, hasBias, b, neg)
		}
		return
	case 3:
		w0, w1, w2 := w[0], w[1], w[2]
		for s := range z {
			in := prev[3*s : 3*s+3]
			v := 0 + T(w0*in[0]) + T(w1*in[1]) + T(w2*in[2])
			z[s] = biasNeg(v, hasBias, b, neg)
		}
		return
	}
	for s := range z {
		in := prev[s*nin : s*nin+nin]
		in = in[:len(w)]
		var v T
		for i, wi := range w {
			v += wi * in[i]
		}
		z[s] = biasNeg(v, hasBias, b, neg)
	}
}

// biasNeg returns v + b if hasBias, then its negative if neg: the end of
// every sums1 sum.
func biasNeg[T Float](v T, hasBias bool, b T, neg bool) T {
	if hasBias {
		v += b
	}
	if neg {
		v = -v
	}
	return v
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
