package optim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
)

// Problem is a named benchmark task: a network shape, the data it learns,
// how its parameters start, its known optimum and the targets that apply.
// A problem is plain data: build one (by hand, or from a CSV file with
// package optim/dataset) and register it with RegisterProblem to run it
// through the runner, the report and the command line.
//
// The targets of a problem are the loss levels 1e-1 … 1e-12 (every
// problem), the parameter tolerance 1e-7 from Optimum (when it is set) and
// "classified" (when Classification is set).
type Problem struct {
	// Name is short, lower-case and stable: it keys results files.
	Name string
	// Description is one line saying what the problem is.
	Description string
	// Net is the network trained on the problem.
	Net Network
	// Data holds the samples.
	Data Dataset
	// Classification marks problems with 0/1 targets, for which "every output
	// on the right side of 0.5" is a target.
	Classification bool
	// Optimum is the known minimizer of the loss, or nil when unknown. When
	// set, the distance of the parameters from it (max-norm) is measured.
	Optimum []float64
	// ParamDistance, if set, replaces the max-norm distance from Optimum
	// in ParamError: for a network whose minimizers form a symmetry class
	// (hidden units permuted, tanh units' signs flipped), the distance to
	// the nearest member. It must not allocate or keep x: it runs at every
	// iteration of every run, concurrently.
	ParamDistance func(x []float64) float64
	// Init, if set, fills x (of length Dim) with a starting point drawn
	// from rnd, its only source of randomness. If nil, every parameter is
	// drawn uniformly from [-1, 1], as in the tutorial (see InitParams).
	Init func(x []float64, rnd *rand.Rand)
	// Defaults are per-problem settings, keyed by optimizer name, that
	// replace that optimizer's defaults on this problem, e.g.
	// {"backprop": {"lr": 0.001}} where the global default diverges.
	Defaults map[string]Settings
	// Source, when the data come from a file, says which (path and the
	// SHA-256 of its contents), so that results can be traced to it.
	Source *Source
	// Query is an input the tutorial asks about after training (a "new
	// situation"), with the answer it expects; nil when there is none.
	Query, QueryAnswer []float64
}

// Source is the file a problem's data were read from.
type Source struct {
	Path   string `json:"path"`   // as given on the command line or to the loader
	SHA256 string `json:"sha256"` // hex SHA-256 of the file's bytes
}

// Validate reports whether the problem can be trained: a valid name and
// network, data whose sizes match the network, finite values, and an
// optimum of the right length.
func (p *Problem) Validate() error {
	if err := checkName("problem", p.Name, "+-_."); err != nil {
		return err
	}
	if err := p.Net.Validate(); err != nil {
		return fmt.Errorf("optim: problem %s: %w", p.Name, err)
	}
	d := p.Data
	if d.N < 1 || len(d.X) != d.N*p.Net.In || len(d.Y) != d.N*p.Net.Out() {
		return fmt.Errorf("optim: problem %s: data have %d samples, %d inputs and %d targets; the network %s wants N×%d inputs and N×%d targets",
			p.Name, d.N, len(d.X), len(d.Y), p.Net.Spec(), p.Net.In, p.Net.Out())
	}
	for _, v := range d.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: problem %s: an input is %v; want finite inputs", p.Name, v)
		}
	}
	for _, v := range d.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: problem %s: a target is %v; want finite targets", p.Name, v)
		}
	}
	if p.Net.Dim() > MaxParams {
		return fmt.Errorf("optim: problem %s: its network has %d parameters, more than %d (MaxParams)", p.Name, p.Net.Dim(), MaxParams)
	}
	if p.Optimum != nil && len(p.Optimum) != p.Dim() {
		return fmt.Errorf("optim: problem %s: optimum has %d parameters, the network %d", p.Name, len(p.Optimum), p.Dim())
	}
	return nil
}

// Fingerprint returns a hex SHA-256 of everything about the problem that
// decides its runs' numbers: the network, the data's bits, the optimum and
// the starting-point rule (a custom Init is marked, not hashed; name a
// problem anew when changing it). Results made with one fingerprint are
// never resumed or merged with another's.
func (p *Problem) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "net %s in %d\nN %d\n", p.Net.Spec(), p.Net.In, p.Data.N)
	var b [8]byte
	for _, s := range [][]float64{p.Data.X, p.Data.Y, p.Optimum} {
		fmt.Fprintf(h, "len %d\n", len(s))
		for _, v := range s {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	fmt.Fprintf(h, "classification %v custom-init %v custom-distance %v\n", p.Classification, p.Init != nil, p.ParamDistance != nil)
	return hex.EncodeToString(h.Sum(nil))
}

// Objective returns a fresh float64 loss for the problem (see
// ProblemObjective). Objectives own workspaces, so each run (and goroutine)
// needs its own.
func (p *Problem) Objective() *MSE {
	return ProblemObjective[float64](p, Plain)
}

// ObjectiveEval returns a fresh loss for the problem that evaluates its
// sigmoid units in the arithmetic e (see EvalMode); Objective is
// ObjectiveEval(Plain).
func (p *Problem) ObjectiveEval(e EvalMode) *MSE {
	return ProblemObjective[float64](p, e)
}

// Dim returns the number of parameters of the problem's network.
func (p *Problem) Dim() int { return p.Net.Dim() }

// InitParams fills x with the problem's starting point drawn from rnd:
// Init's, or uniform in [-1, 1] (as in the tutorial). It panics if
// len(x) != Dim.
func (p *Problem) InitParams(x []float64, rnd *rand.Rand) {
	if len(x) != p.Dim() {
		panic(badDim)
	}
	if p.Init != nil {
		p.Init(x, rnd)
		return
	}
	for i := range x {
		x[i] = 2*rnd.Float64() - 1
	}
}

// ParamError returns the largest absolute difference between x and the
// problem's known optimum, or NaN when the optimum is unknown.
func (p *Problem) ParamError(x []float64) float64 {
	if p.Optimum == nil {
		return math.NaN()
	}
	if p.ParamDistance != nil {
		return p.ParamDistance(x)
	}
	e := 0.0
	for i, v := range p.Optimum {
		d := math.Abs(x[i] - v)
		if d > e || d != d {
			e = d
		}
	}
	return e
}

// The built-in problems. Package optim/catalog registers them by name.

// Seed3 returns the tutorial's perceptron: 3 inputs, one sigmoid output and
// no bias (the constant third input acts as one); the output is the first
// input column.
func Seed3() *Problem {
	return &Problem{
		Name:        "seed3",
		Description: "the tutorial's perceptron: 3 inputs → 1 sigmoid, no bias; output = first input",
		Net:         Network{In: 3, Layers: []Layer{{Out: 1, Act: Sigmoid}}},
		Data: Dataset{N: 4,
			X: []float64{0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1},
			Y: []float64{0, 1, 1, 0}},
		Classification: true,
		Defaults:       map[string]Settings{"backprop": {"lr": 2}},
		Query:          []float64{1, 0, 0},
		QueryAnswer:    []float64{1},
	}
}

// Celsius returns the Celsius→Fahrenheit regression: one linear neuron with
// bias learns f = 1.8·c + 32 from seven exact pairs. Its optimum is
// (w, b) = (1.8, 32). The inputs are unscaled: the Hessian of the MSE has
// eigenvalues of about 1119 and 1.9, so gradient descent diverges above a
// learning rate of about 2/1119 ≈ 1.8e-3 and the default is 1e-3.
//
// The per-problem defaults for the other methods: heavy-ball momentum
// (μ = 0.9) is stable for η·λ < 2(1 + μ), η < 3.4e-3, and Nesterov momentum
// for η·λ < 2(1 + μ)/(1 + 2μ), η < 1.2e-3; both use η = 1e-3, like
// backprop, so that only the momentum differs (measured: ‖θ − θ*‖∞ < 1e-7
// after 790 and 814 epochs from [-1, 1] starts, against ≈ 0.1 left by
// backprop after 3000). Quickprop's first step is plain gradient descent
// with ε, which at ε = 1 throws w to ≈ 10³ before the secant steps recover
// (53–59 epochs to 1e-7 on seeds 1–20); ε = 1e-3 needs 25–31. Adam uses the
// course's η = 0.1 (its global default 1e-3 moves b by at most ≈ 1e-3 per
// epoch, ≈ 3·10⁴ epochs to reach b = 32).
func Celsius() *Problem {
	c := []float64{-40, -10, 0, 8, 15, 22, 38}
	f := make([]float64, len(c))
	for i, v := range c {
		f[i] = 1.8*v + 32
	}
	return &Problem{
		Name:        "celsius",
		Description: "Celsius→Fahrenheit, f = 1.8·c + 32 from 7 exact pairs; 1 linear neuron with bias",
		Net:         Network{In: 1, Layers: []Layer{{Out: 1, Act: Linear, Bias: true}}},
		Data:        Dataset{N: len(c), X: c, Y: f},
		Optimum:     []float64{1.8, 32},
		Defaults:    celsiusDefaults(),
		Query:       []float64{100},
		QueryAnswer: []float64{212},
	}
}

// celsiusDefaults are the per-problem defaults of Celsius and CelsiusTF,
// explained on Celsius.
func celsiusDefaults() map[string]Settings {
	return map[string]Settings{"backprop": {"lr": 0.001}, "momentum": {"lr": 0.001}, "nesterov": {"lr": 0.001},
		"quickprop": {"lr": 0.001}, "adam": {"lr": 0.1}}
}

// CelsiusTF returns Celsius with the data of the Keras course, which trains
// one Dense(1) unit with Adam(0.1) for 500 full-batch epochs:
// c = (-40, -10, 0, 8, 15, 22, 38) and f = (-40, 14, 32, 46, 59, 72, 100),
// the exact Fahrenheit values rounded to integers (46.4 → 46, 71.6 → 72,
// 100.4 → 100). The data no longer fit a line exactly, so the optimum is the
// least-squares line, computed exactly from the normal equations
//
//	[Σc² Σc; Σc N]·(w, b) = (Σcf, Σf),
//
// in rational arithmetic: w = 4734/2633 ≈ 1.79795, b = 84131/2633 ≈ 31.9525,
// each rounded to the nearest float64 (Optimum). ParamError therefore
// measures the distance from the data's true minimizer, not from (1.8, 32).
// The Hessian is Celsius's (same inputs), so are the defaults.
func CelsiusTF() *Problem {
	c := []float64{-40, -10, 0, 8, 15, 22, 38}
	f := []float64{-40, 14, 32, 46, 59, 72, 100}
	return &Problem{
		Name:        "celsius-tf",
		Description: "Celsius→Fahrenheit with the Keras course's rounded data (no exact fit); 1 linear neuron with bias",
		Net:         Network{In: 1, Layers: []Layer{{Out: 1, Act: Linear, Bias: true}}},
		Data:        Dataset{N: len(c), X: c, Y: f},
		Optimum:     leastSquaresLine(c, f),
		Defaults:    celsiusDefaults(),
		Query:       []float64{100},
		QueryAnswer: []float64{212},
	}
}

// leastSquaresLine returns (w, b) minimizing Σ(w·x + b − y)², solved exactly
// in rational arithmetic (every float64 is a rational) and rounded to the
// nearest float64. It panics if the x values are all equal.
func leastSquaresLine(x, y []float64) []float64 {
	var sx, sy, sxx, sxy, t big.Rat
	for i := range x {
		xi, yi := new(big.Rat).SetFloat64(x[i]), new(big.Rat).SetFloat64(y[i])
		sx.Add(&sx, xi)
		sy.Add(&sy, yi)
		sxx.Add(&sxx, t.Mul(xi, xi))
		sxy.Add(&sxy, t.Mul(xi, yi))
	}
	n := new(big.Rat).SetInt64(int64(len(x)))
	// w = (n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²), b = (Σy − w·Σx) / n.
	var num, den, u, w, b big.Rat
	num.Sub(t.Mul(n, &sxy), u.Mul(&sx, &sy))
	den.Sub(t.Mul(n, &sxx), u.Mul(&sx, &sx))
	if den.Sign() == 0 {
		panic("optim: least-squares line of constant inputs")
	}
	w.Quo(&num, &den)
	b.Quo(t.Sub(&sy, u.Mul(&w, &sx)), n)
	wf, _ := w.Float64()
	bf, _ := b.Float64()
	return []float64{wf, bf}
}

// XOR returns exclusive-or with a 2→2→1 sigmoid network with biases.
func XOR() *Problem {
	return &Problem{
		Name:        "xor",
		Description: "exclusive or: 2 → 2 sigmoid → 1 sigmoid, with biases",
		Net: Network{In: 2, Layers: []Layer{
			{Out: 2, Act: Sigmoid, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		Data: Dataset{N: 4,
			X: []float64{0, 0, 0, 1, 1, 0, 1, 1},
			Y: []float64{0, 1, 1, 0}},
		Classification: true,
	}
}

// Parity4 returns 4-bit parity over all 16 patterns with a 4→4→1 sigmoid
// network with biases.
func Parity4() *Problem {
	p := &Problem{
		Name:        "parity4",
		Description: "4-bit parity, all 16 patterns: 4 → 4 sigmoid → 1 sigmoid, with biases",
		Net: Network{In: 4, Layers: []Layer{
			{Out: 4, Act: Sigmoid, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		Data:           Dataset{N: 16},
		Classification: true,
	}
	for n := 0; n < 16; n++ {
		ones := 0
		for b := 3; b >= 0; b-- {
			bit := (n >> b) & 1
			ones += bit
			p.Data.X = append(p.Data.X, float64(bit))
		}
		p.Data.Y = append(p.Data.Y, float64(ones%2))
	}
	return p
}

// Spirals returns the two-spirals task (Lang & Witbrock 1988): 97 points per
// spiral, point i at angle φ = iπ/16 and radius r = 6.5·(104−i)/104, spiral
// one at (r·sin φ, r·cos φ) with target 1 and spiral two at the negated point
// with target 0. The network is 2 → 20 tanh → 20 tanh → 1 sigmoid with biases
// (501 parameters), enough to separate the spirals.
func Spirals() *Problem {
	p := &Problem{
		Name:        "spirals",
		Description: "two spirals (Lang & Witbrock 1988), 194 points: 2 → 20 tanh → 20 tanh → 1 sigmoid",
		Net: Network{In: 2, Layers: []Layer{
			{Out: 20, Act: Tanh, Bias: true}, {Out: 20, Act: Tanh, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		Data:           Dataset{N: 194},
		Classification: true,
		Defaults:       map[string]Settings{"backprop": {"lr": 0.2}},
	}
	for i := 0; i < 97; i++ {
		phi := float64(i) * math.Pi / 16
		r := 6.5 * float64(104-i) / 104
		x, y := r*math.Sin(phi), r*math.Cos(phi)
		p.Data.X = append(p.Data.X, x, y, -x, -y)
		p.Data.Y = append(p.Data.Y, 1, 0)
	}
	return p
}

// LinSep returns a synthetic, linearly separable classification problem of n
// samples with f features, for scaling measurements. Inputs are uniform in
// [-1, 1]; the target is 1 when the inputs lie on the positive side of a
// random hyperplane through the origin. Data are drawn from a PCG stream
// seeded with seed, so they are identical on every machine. The network is a
// single sigmoid neuron with bias.
func LinSep(n, f int, seed uint64) *Problem {
	rnd := rand.New(rand.NewPCG(seed, 0x6c696e736570))
	w := make([]float64, f)
	for i := range w {
		w[i] = rnd.NormFloat64()
	}
	p := &Problem{
		Name:           fmt.Sprintf("linsep-%dx%d", n, f),
		Description:    fmt.Sprintf("synthetic linearly separable data, %d samples × %d features: %d → 1 sigmoid with bias", n, f, f),
		Net:            Network{In: f, Layers: []Layer{{Out: 1, Act: Sigmoid, Bias: true}}},
		Data:           Dataset{N: n, X: make([]float64, 0, n*f), Y: make([]float64, 0, n)},
		Classification: true,
	}
	for s := 0; s < n; s++ {
		dot := 0.0
		for i := 0; i < f; i++ {
			v := 2*rnd.Float64() - 1
			p.Data.X = append(p.Data.X, v)
			dot += v * w[i]
		}
		t := 0.0
		if dot > 0 {
			t = 1
		}
		p.Data.Y = append(p.Data.Y, t)
	}
	return p
}
