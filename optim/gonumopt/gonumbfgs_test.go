package gonumopt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/optbench/optbench/optim"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/optimize"
)

// bfgsTask is one call of an optimize.Recorder, bitwise: Minimize records
// every Task the method sends (each evaluation with its result, each
// MajorIteration, MethodDone) and its Stats at that point.
type bfgsTask struct {
	Op      optimize.Operation
	X, Grad []uint64
	F       uint64
	Stats   optimize.Stats // without Runtime
}

// bfgsRecorder is an optimize.Recorder that keeps every record.
type bfgsRecorder struct{ tasks []bfgsTask }

// Init implements optimize.Recorder.
func (r *bfgsRecorder) Init() error { return nil }

// Record implements optimize.Recorder: it appends a bitwise copy of loc's
// X, gradient and F with op and the Stats.
func (r *bfgsRecorder) Record(loc *optimize.Location, op optimize.Operation, st *optimize.Stats) error {
	bits := func(v []float64) []uint64 {
		if v == nil {
			return nil
		}
		b := make([]uint64, len(v))
		for i, f := range v {
			b[i] = math.Float64bits(f)
		}
		return b
	}
	s := *st
	s.Runtime = 0
	r.tasks = append(r.tasks, bfgsTask{Op: op, X: bits(loc.X), Grad: bits(loc.Gradient), F: math.Float64bits(loc.F), Stats: s})
	return nil
}

// bfgsRun runs method through optimize.Minimize on the problem that
// newProb builds, from x0, with the limits of settings and NeverTerminate,
// and returns the records, the result and Minimize's error.
func bfgsRun(t *testing.T, newProb func() optimize.Problem, x0 []float64, settings optimize.Settings, method optimize.Method) ([]bfgsTask, *optimize.Result, error) {
	t.Helper()
	rec := &bfgsRecorder{}
	settings.Converger = optimize.NeverTerminate{}
	settings.Recorder = rec
	if iv := settings.InitValues; iv != nil {
		// Minimize evaluates into the given gradient: each run gets its own.
		c := *iv
		c.Gradient = slices.Clone(iv.Gradient)
		settings.InitValues = &c
	}
	res, err := optimize.Minimize(newProb(), slices.Clone(x0), &settings, method)
	require.NotNil(t, res)
	res.Stats.Runtime = 0
	return rec.tasks, res, err
}

// requireSameBFGSRun runs a fresh gonum BFGS and port (a new bfgsMethod
// if nil) as bfgsRun does and requires the same records, bitwise, and the
// same result and error. It returns the result and error.
func requireSameBFGSRun(t *testing.T, newProb func() optimize.Problem, x0 []float64, settings optimize.Settings, port *bfgsMethod) (*optimize.Result, error) {
	t.Helper()
	want, wantRes, wantErr := bfgsRun(t, newProb, x0, settings, &optimize.BFGS{GradStopThreshold: math.NaN()})
	if port == nil {
		port = &bfgsMethod{}
	}
	got, gotRes, gotErr := bfgsRun(t, newProb, x0, settings, port)
	for i := range min(len(want), len(got)) {
		require.Equal(t, want[i], got[i], "record %d (operation %v)", i, want[i].Op)
	}
	require.Equal(t, len(want), len(got), "number of records")
	assert.Equal(t, wantRes.Status, gotRes.Status)
	assert.Equal(t, wantErr, gotErr)
	assert.Equal(t, wantRes.Stats, gotRes.Stats)
	assert.True(t, blBitsEqual(wantRes.X, gotRes.X), "final x")
	assert.Equal(t, math.Float64bits(wantRes.F), math.Float64bits(gotRes.F), "final F")
	return gotRes, gotErr
}

// problemFunc returns the optimize.Problem of an optbench problem, on a
// fresh Objective.
func problemFunc(p *optim.Problem) func() optimize.Problem {
	return func() optimize.Problem {
		obj := p.Objective()
		return optimize.Problem{
			Func: obj.Loss,
			Grad: func(grad, x []float64) { obj.Grad(grad, x) },
		}
	}
}

// TestBFGSPortMatches: bfgsMethod sends bitwise the Tasks of gonum's BFGS
// (GradStopThreshold NaN): every evaluation point, F, ∇F and major
// iteration, the Stats at each, the final status and error are the same,
// on five problems and three seeds each, up to the major-iteration limit or
// the line search failure with which gonum ends at the precision limit.
// Those failures are part of the comparison: the runs must end with each of
// the three (measured: 9 of the 15 runs end so within 200 iterations, on
// xor, parity4 and celsius).
func TestBFGSPortMatches(t *testing.T) {
	tests := []struct {
		problem string
		major   int
	}{
		{"xor", 200},
		{"parity4", 200},
		{"celsius", 100},
		{"seed3", 200},
		{"spirals", 200},
	}
	ended := map[error]int{}
	for _, test := range tests {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("problem=%s/seed=%d", test.problem, seed), func(t *testing.T) {
				p := testProblem(t, test.problem)
				x0 := make([]float64, p.Dim())
				p.InitParams(x0, rand.New(rand.NewPCG(seed, 0)))
				res, err := requireSameBFGSRun(t, problemFunc(p), x0, optimize.Settings{MajorIterations: test.major}, nil)
				t.Logf("%v (%v) after %d major iterations, %d F, %d ∇F", res.Status, err, res.Stats.MajorIterations,
					res.Stats.FuncEvaluations, res.Stats.GradEvaluations)
				if res.Status == optimize.Failure {
					ended[err]++
				}
			})
		}
	}
	for _, err := range []error{optimize.ErrNonDescentDirection, optimize.ErrLinesearcherFailure, optimize.ErrNoProgress} {
		assert.Positive(t, ended[err], "runs ended with %v", err)
	}
}

// TestBFGSPortEnds: bfgsMethod ends runs as gonum's BFGS does (same
// records, status and error) when Minimize stops it after the start, after
// the first line search or in the middle of one (PostIteration), when the
// start is given (InitValues) and when F or ∇F at the start is not finite
// (MethodDone with ErrFunc or ErrGrad).
func TestBFGSPortEnds(t *testing.T) {
	p := optim.XOR()
	x0 := make([]float64, p.Dim())
	p.InitParams(x0, rand.New(rand.NewPCG(1, 0)))
	obj := p.Objective()
	g0 := make([]float64, p.Dim())
	f0 := obj.Grad(g0, x0)
	broken := func(f, g float64) func() optimize.Problem {
		return func() optimize.Problem {
			return optimize.Problem{
				Func: func([]float64) float64 { return f },
				Grad: func(grad, _ []float64) {
					for i := range grad {
						grad[i] = 0.5
					}
					grad[1] = g
				},
			}
		}
	}
	tests := []struct {
		name     string
		prob     func() optimize.Problem
		settings optimize.Settings
		status   optimize.Status
		err      error
	}{
		{"major=1", problemFunc(p), optimize.Settings{MajorIterations: 1}, optimize.IterationLimit, nil},
		{"major=2", problemFunc(p), optimize.Settings{MajorIterations: 2}, optimize.IterationLimit, nil},
		{"func=5", problemFunc(p), optimize.Settings{FuncEvaluations: 5}, optimize.FunctionEvaluationLimit, nil},
		{"func=8", problemFunc(p), optimize.Settings{FuncEvaluations: 8}, optimize.FunctionEvaluationLimit, nil},
		{"grad=6", problemFunc(p), optimize.Settings{GradEvaluations: 6}, optimize.GradientEvaluationLimit, nil},
		{"init-values", problemFunc(p), optimize.Settings{MajorIterations: 20,
			InitValues: &optimize.Location{F: f0, Gradient: g0}}, optimize.IterationLimit, nil},
		{"init-f-only", problemFunc(p), optimize.Settings{MajorIterations: 20,
			InitValues: &optimize.Location{F: f0}}, optimize.IterationLimit, nil},
		{"f=+inf", broken(math.Inf(1), 0.5), optimize.Settings{MajorIterations: 5},
			optimize.Failure, optimize.ErrFunc(math.Inf(1))},
		{"grad=-inf", broken(1, math.Inf(-1)), optimize.Settings{MajorIterations: 5},
			optimize.Failure, optimize.ErrGrad{Grad: math.Inf(-1), Index: 1}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			res, err := requireSameBFGSRun(t, test.prob, x0, test.settings, nil)
			assert.Equal(t, test.status, res.Status)
			assert.Equal(t, test.err, err)
		})
	}
}

// TestBFGSPortReuse: a bfgsMethod run again, in another dimension or the
// same, still sends the Tasks of a fresh gonum BFGS.
func TestBFGSPortReuse(t *testing.T) {
	port := &bfgsMethod{}
	for i, p := range []*optim.Problem{optim.Parity4(), optim.XOR(), optim.Parity4(), optim.Spirals(), optim.XOR()} {
		t.Run(fmt.Sprintf("run=%d/problem=%s", i, p.Name), func(t *testing.T) {
			x0 := make([]float64, p.Dim())
			p.InitParams(x0, rand.New(rand.NewPCG(uint64(i), 0)))
			requireSameBFGSRun(t, problemFunc(p), x0, optimize.Settings{MajorIterations: 30}, port)
		})
	}
}

// TestBFGSPortUses: like gonum's BFGS, bfgsMethod needs the gradient.
func TestBFGSPortUses(t *testing.T) {
	b := &bfgsMethod{}
	_, err := b.Uses(optimize.Available{})
	assert.ErrorIs(t, err, optimize.ErrMissingGrad)
	uses, err := b.Uses(optimize.Available{Grad: true, Hess: true})
	require.NoError(t, err)
	assert.Equal(t, optimize.Available{Grad: true}, uses)
}
