package optim

import (
	"math"
	"math/rand/v2"
	"sort"
)

// teacherHidden is the number of hidden tanh units of Teacher's networks.
const teacherHidden = 2

// Teacher returns a teacher–student regression problem: 64 inputs drawn
// uniformly from [-1, 1]³ are labelled by a fixed "teacher" network
// 3 → 2 tanh → 1 linear (with biases) whose weights are drawn from a PCG
// stream, and the student is a network of the same shape. The loss is 0 at
// the teacher's weights, a minimum at finite weights of a nonlinear
// network, so that its loss and parameter-error floors measure the
// optimizers and the arithmetic, not weight growth (as on the sigmoid
// classification problems) nor a local minimum.
//
// The targets are the teacher's outputs computed by this package's own
// forward pass, so the loss at the teacher's weights is exactly 0. The
// parameter error is measured to the nearest of the teacher's equivalent
// weights: permuting the hidden units, or flipping the signs of a tanh
// unit's weights, bias and output weight, computes the same function
// (teacherDistance).
//
// The gradient methods' per-problem learning rate is 0.5: backprop
// diverges at the global default 1 on all of seeds 1–30; at 0.5, 0.3, 0.2
// and 0.1 it converges, and heavy-ball momentum (μ = 0.9) reaches the
// teacher's weights to 1e-7 on 8 of seeds 1–10 within 20000 epochs at 0.5
// (2 of 10 at 0.1).
func Teacher() *Problem {
	rnd := rand.New(rand.NewPCG(7, 0x74656163686572))
	net := Network{In: 3, Layers: []Layer{{Out: teacherHidden, Act: Tanh, Bias: true}, {Out: 1, Act: Linear, Bias: true}}}
	teacher := make([]float64, net.Dim())
	for i := range teacher {
		teacher[i] = 2*rnd.Float64() - 1
	}
	const n = 64
	p := &Problem{
		Name:        "teacher",
		Description: "teacher–student regression: 64 points labelled by a fixed 3 → 2 tanh → 1 linear network; optimum at its weights, loss 0",
		Net:         net,
		Data:        Dataset{N: n, X: make([]float64, n*net.In), Y: make([]float64, n)},
		Defaults: map[string]Settings{"backprop": {"lr": 0.5}, "momentum": {"lr": 0.5}, "nesterov": {"lr": 0.5},
			"quickprop": {"lr": 0.5}},
	}
	for i := range p.Data.X {
		p.Data.X[i] = 2*rnd.Float64() - 1
	}
	m, err := NewMSE(net, Dataset{N: 1, X: make([]float64, net.In), Y: make([]float64, 1)})
	if err != nil {
		panic(err) // a fixed, valid shape
	}
	for s := range n {
		p.Data.Y[s] = m.Predict(nil, teacher, p.Data.X[s*net.In:(s+1)*net.In])[0]
	}
	p.Optimum = canonicalTeacher(net, teacher)
	opt := p.Optimum
	p.ParamDistance = func(x []float64) float64 { return teacherDistance(net, opt, x) }
	return p
}

// teacherLayout gives the offsets of a 1-hidden-layer network's
// parameters: hidden unit i's weights at i·in…, its bias at h·in + i, its
// output weight at h·in + h + i, the output bias last.
func teacherLayout(net Network) (in, h int) { return net.In, net.Layers[0].Out }

// canonicalTeacher returns w's canonical member of its symmetry class:
// every hidden unit's output weight made ≥ 0 (flipping the unit's signs),
// then the units sorted by output weight.
func canonicalTeacher(net Network, w []float64) []float64 {
	in, h := teacherLayout(net)
	sign := make([]float64, h)
	order := make([]int, h)
	for i := range h {
		sign[i], order[i] = 1, i
		if w[h*in+h+i] < 0 {
			sign[i] = -1
		}
	}
	sort.Slice(order, func(a, b int) bool {
		return sign[order[a]]*w[h*in+h+order[a]] < sign[order[b]]*w[h*in+h+order[b]]
	})
	c := make([]float64, len(w))
	for k, i := range order {
		for j := range in {
			c[k*in+j] = sign[i] * w[i*in+j]
		}
		c[h*in+k] = sign[i] * w[h*in+i]
		c[h*in+h+k] = sign[i] * w[h*in+h+i]
	}
	c[len(c)-1] = w[len(w)-1]
	return c
}

// teacherDistance returns the max-norm distance from x's canonical member
// of its symmetry class to opt (canonical), without allocating (the
// networks have teacherHidden ≤ 8 hidden units).
func teacherDistance(net Network, opt, x []float64) float64 {
	in, h := teacherLayout(net)
	var sign [8]float64
	var order [8]int
	for i := range h {
		sign[i], order[i] = 1, i
		if x[h*in+h+i] < 0 {
			sign[i] = -1
		}
	}
	for a := 1; a < h; a++ { // insertion sort by output weight
		for b := a; b > 0 && sign[order[b]]*x[h*in+h+order[b]] < sign[order[b-1]]*x[h*in+h+order[b-1]]; b-- {
			order[b], order[b-1] = order[b-1], order[b]
		}
	}
	e := math.Abs(x[len(x)-1] - opt[len(opt)-1])
	for k := range h {
		i := order[k]
		for j := range in {
			e = math.Max(e, math.Abs(sign[i]*x[i*in+j]-opt[k*in+j]))
		}
		e = math.Max(e, math.Abs(sign[i]*x[h*in+i]-opt[h*in+k]))
		e = math.Max(e, math.Abs(sign[i]*x[h*in+h+i]-opt[h*in+h+k]))
	}
	if e != e {
		return math.NaN()
	}
	return e
}
