package optimtest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/optbench/optbench/optim"
	_ "github.com/optbench/optbench/optim/catalog" // the built-in problems
)

// Options configure Check. The zero value checks on seed3, xor and celsius
// with each problem's default settings, runs of 30 Steps and seeds 1 and 2.
type Options struct {
	// Problems are the problems to check on. If empty, Problems("seed3",
	// "xor", "celsius").
	Problems []*optim.Problem
	// Settings replace the method's defaults (and the problems' defaults
	// for it) on every problem.
	Settings optim.Settings
	// Steps is the length of the runs. If 0, 30.
	Steps int
	// Seeds are the seeds of the runs. If empty, 1 and 2.
	Seeds []uint64
	// AgreeSteps is the number of Steps over which float32 and float64 runs
	// from the same start must agree. If 0, 3.
	AgreeSteps int
	// AgreeTolerance is the largest relative difference allowed between
	// the float32 and float64 losses over AgreeSteps (relative to
	// max(|float64 loss|, 1e-30)). If 0, 1e-3: a float32 operation has
	// relative error ≤ 2⁻²⁴ ≈ 6e-8, a loss sums a few hundred of them, and
	// a few Steps compound that at most a few-fold while the runs are far
	// from instability, so 1e-3 leaves a wide margin and still fails at
	// once for a float32 path that computes something else. Optimizers
	// whose decisions are discontinuous in the loss (selection, signs) may
	// need fewer AgreeSteps.
	AgreeTolerance float64
}

func (o Options) withDefaults() Options {
	if len(o.Problems) == 0 {
		o.Problems = Problems("seed3", "xor", "celsius")
	}
	if o.Steps == 0 {
		o.Steps = 30
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1, 2}
	}
	if o.AgreeSteps == 0 {
		o.AgreeSteps = 3
	}
	if o.AgreeTolerance == 0 {
		o.AgreeTolerance = 1e-3
	}
	return o
}

// Problems returns freshly built registered problems by name (the
// built-ins are registered by optim/catalog, which optimtest imports). It
// panics on an unknown name: it is meant for test tables.
func Problems(names ...string) []*optim.Problem {
	var ps []*optim.Problem
	for _, n := range names {
		p, err := optim.LookupProblem(n)
		if err != nil {
			panic(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// settings returns m's settings on p: its defaults for p, then o.Settings.
func (o Options) settings(m optim.Method, p *optim.Problem) optim.Settings {
	s := m.SettingsFor(p)
	for k, v := range o.Settings {
		s[k] = v
	}
	return s
}

// Check runs the optim.Optimizer contract on m, as subtests per problem:
//
//   - the definition is valid (optim.Method.Validate);
//   - Init with a parameter vector of the wrong length fails with a
//     *optim.DimError, and Step before a successful Init fails (neither
//     panics);
//   - Init returns the loss at its x, and every Step returns the loss at the
//     x it leaves (compared bit for bit with the objective's own Loss);
//   - Init and Step leave finite parameters and finite losses on these
//     problems;
//   - the same seed gives the same bits: two fresh optimizers, same start,
//     same random stream, give identical parameters and losses at every Step;
//   - a Step allocates nothing once a run is under way (after 3 Steps);
//   - when the objective stops being finite (it returns NaN from some
//     evaluation on), a Step either returns a finite loss at finite
//     parameters, or returns optim.ErrDiverged with x restored to finite
//     parameters (those it held before that Step), and every later Step
//     returns ErrDiverged too;
//   - in float32 (when m.Float32 is set) the same checks pass, and the
//     float32 and float64 runs from the same float32-representable start
//     agree to o.AgreeTolerance over o.AgreeSteps Steps; without a Float32
//     constructor, NewOptimizer[float32] must fail wrapping
//     optim.ErrFloat64Only.
func Check(t *testing.T, m optim.Method, o Options) {
	t.Helper()
	o = o.withDefaults()
	if err := m.Validate(); err != nil {
		t.Fatalf("definition of %s: %v", m.Name, err)
	}
	for _, p := range o.Problems {
		t.Run("problem="+p.Name, func(t *testing.T) {
			s := o.settings(m, p)
			checkIn[float64](t, m, p, s, o)
			if m.Float32 == nil {
				_, err := optim.NewOptimizer[float32](m, s)
				if !errors.Is(err, optim.ErrFloat64Only) {
					t.Errorf("NewOptimizer[float32] of a method without Float32: err = %v, want one wrapping optim.ErrFloat64Only", err)
				}
				return
			}
			checkIn[float32](t, m, p, s, o)
			checkAgree(t, m, p, s, o)
		})
	}
}

// start returns p's starting point for seed, drawn in float64 (as the
// runner draws it) and rounded to float32 so that both arithmetics start
// at the same parameters.
func start(p *optim.Problem, seed uint64) []float64 {
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(seed, 0x5747)))
	for i, v := range x {
		x[i] = float64(float32(v))
	}
	return x
}

func newOpt[T optim.Float](t *testing.T, m optim.Method, s optim.Settings) optim.OptimizerOf[T] {
	t.Helper()
	opt, err := optim.NewOptimizer[T](m, s)
	if err != nil {
		t.Fatalf("NewOptimizer[%s](%s): %v", optim.PrecisionOf[T](), m.Name, err)
	}
	if c, ok := opt.(io.Closer); ok {
		t.Cleanup(func() { c.Close() })
	}
	return opt
}

func finite[T optim.Float](x ...T) bool {
	for _, v := range x {
		if v-v != 0 {
			return false
		}
	}
	return true
}

// trajectory is the parameters and loss after Init and each Step.
type trajectory[T optim.Float] struct {
	x    [][]T
	loss []T
}

// run makes Init and n Steps from x0 with a fresh optimizer, checking the
// returned losses against the objective.
func run[T optim.Float](t *testing.T, m optim.Method, p *optim.Problem, s optim.Settings, x0 []float64, seed uint64, n int) trajectory[T] {
	t.Helper()
	opt := newOpt[T](t, m, s)
	obj := optim.ProblemObjective[T](p, optim.Careful)
	ref := optim.ProblemObjective[T](p, optim.Careful)
	x := make([]T, len(x0))
	optim.ParamsTo(x, x0)
	rnd := rand.New(rand.NewPCG(seed, 0x6f7074))
	var tr trajectory[T]
	loss, err := opt.Init(obj, x, rnd)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	for i := 0; ; i++ {
		if !finite(x...) || !finite(loss) {
			t.Fatalf("after %d Steps: loss %v or parameters not finite without ErrDiverged", i, loss)
		}
		if l := ref.Loss(x); l != loss && !(l != l && loss != loss) {
			t.Fatalf("after %d Steps: returned loss %v, but the loss at the parameters left in x is %v", i, loss, l)
		}
		tr.x = append(tr.x, slices.Clone(x))
		tr.loss = append(tr.loss, loss)
		if i == n {
			return tr
		}
		if loss, err = opt.Step(x); err != nil {
			t.Fatalf("Step %d: %v", i+1, err)
		}
	}
}

// checkIn runs the checks in the arithmetic T.
func checkIn[T optim.Float](t *testing.T, m optim.Method, p *optim.Problem, s optim.Settings, o Options) {
	prec := optim.PrecisionOf[T]()
	t.Run("precision="+prec, func(t *testing.T) {
		t.Run("dimension", func(t *testing.T) {
			opt := newOpt[T](t, m, s)
			if _, err := opt.Step(make([]T, p.Dim())); err == nil {
				t.Errorf("Step before Init: no error")
			}
			obj := optim.ProblemObjective[T](p, optim.Careful)
			for _, n := range []int{0, p.Dim() - 1, p.Dim() + 1} {
				if n < 0 {
					continue
				}
				var derr *optim.DimError
				err := func() (err error) {
					defer func() {
						if r := recover(); r != nil {
							err = fmt.Errorf("panic: %v", r)
						}
					}()
					_, err = opt.Init(obj, make([]T, n), rand.New(rand.NewPCG(1, 1)))
					return err
				}()
				if !errors.As(err, &derr) {
					t.Errorf("Init with %d parameters (want %d): err = %v, want a *optim.DimError", n, p.Dim(), err)
				}
			}
		})
		t.Run("determinism", func(t *testing.T) {
			for _, seed := range o.Seeds {
				x0 := start(p, seed)
				a := run[T](t, m, p, s, x0, seed, o.Steps)
				b := run[T](t, m, p, s, x0, seed, o.Steps)
				for i := range a.loss {
					if !slices.Equal(bitsOf(a.x[i]), bitsOf(b.x[i])) || bitsOf([]T{a.loss[i]})[0] != bitsOf([]T{b.loss[i]})[0] {
						t.Fatalf("seed %d: two runs differ after %d Steps (loss %v vs %v)", seed, i, a.loss[i], b.loss[i])
					}
				}
			}
		})
		t.Run("allocs", func(t *testing.T) {
			opt := newOpt[T](t, m, s)
			x := make([]T, p.Dim())
			optim.ParamsTo(x, start(p, o.Seeds[0]))
			if _, err := opt.Init(optim.ProblemObjective[T](p, optim.Careful), x, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatalf("Init: %v", err)
			}
			for range 3 {
				if _, err := opt.Step(x); err != nil {
					t.Fatalf("Step: %v", err)
				}
			}
			var err error
			allocs := testing.AllocsPerRun(50, func() {
				if _, e := opt.Step(x); e != nil && err == nil {
					err = e
				}
			})
			if err != nil {
				t.Fatalf("Step: %v", err)
			}
			if allocs != 0 {
				t.Errorf("Step allocates %v times per call once the run is under way, want 0", allocs)
			}
		})
		t.Run("diverged", func(t *testing.T) { checkDiverged[T](t, m, p, s, o) })
	})
}

// poisoned is an objective that returns NaN (loss and gradient) from its
// after-th evaluation on.
type poisoned[T optim.Float] struct {
	optim.ObjectiveOf[T]
	evals, after int
}

func (q *poisoned[T]) Loss(x []T) T {
	q.evals++
	if q.evals > q.after {
		return T(math.NaN())
	}
	return q.ObjectiveOf.Loss(x)
}

func (q *poisoned[T]) Grad(g, x []T) T {
	q.evals++
	l := q.ObjectiveOf.Grad(g, x)
	if q.evals > q.after {
		for i := range g {
			g[i] = T(math.NaN())
		}
		return T(math.NaN())
	}
	return l
}

func checkDiverged[T optim.Float](t *testing.T, m optim.Method, p *optim.Problem, s optim.Settings, o Options) {
	for _, after := range []int{1, 5, 50} {
		opt := newOpt[T](t, m, s)
		obj := &poisoned[T]{ObjectiveOf: optim.ProblemObjective[T](p, optim.Careful), after: after}
		x := make([]T, p.Dim())
		optim.ParamsTo(x, start(p, o.Seeds[0]))
		if _, err := opt.Init(obj, x, rand.New(rand.NewPCG(1, 2))); err != nil {
			if !errors.Is(err, optim.ErrDiverged) {
				t.Fatalf("poisoned after %d evaluations: Init: %v", after, err)
			}
			continue
		}
		diverged := false
		for i := 1; i <= o.Steps; i++ {
			before := slices.Clone(x)
			loss, err := opt.Step(x)
			switch {
			case diverged && !errors.Is(err, optim.ErrDiverged):
				t.Fatalf("poisoned after %d evaluations: Step %d after ErrDiverged returned %v, want ErrDiverged again", after, i, err)
			case diverged:
			case errors.Is(err, optim.ErrDiverged):
				diverged = true
				if !finite(x...) {
					t.Fatalf("poisoned after %d evaluations: Step %d returned ErrDiverged leaving non-finite parameters", after, i)
				}
				if !slices.Equal(bitsOf(x), bitsOf(before)) {
					t.Errorf("poisoned after %d evaluations: Step %d returned ErrDiverged without restoring the parameters it started from", after, i)
				}
			case err != nil:
				t.Fatalf("poisoned after %d evaluations: Step %d: %v, want nil or ErrDiverged", after, i, err)
			case !finite(loss) || !finite(x...):
				t.Fatalf("poisoned after %d evaluations: Step %d returned loss %v and nil error; a non-finite loss or parameters must give ErrDiverged", after, i, loss)
			}
		}
	}
}

// checkAgree runs float32 and float64 from the same start.
func checkAgree(t *testing.T, m optim.Method, p *optim.Problem, s optim.Settings, o Options) {
	t.Run("float32-agrees", func(t *testing.T) {
		for _, seed := range o.Seeds {
			x0 := start(p, seed)
			a := run[float64](t, m, p, s, x0, seed, o.AgreeSteps)
			b := run[float32](t, m, p, s, x0, seed, o.AgreeSteps)
			for i := range a.loss {
				d := math.Abs(float64(b.loss[i])-a.loss[i]) / max(math.Abs(a.loss[i]), 1e-30)
				if d > o.AgreeTolerance {
					t.Errorf("seed %d, after %d Steps: float32 loss %v, float64 %v (relative difference %.3g > %g)",
						seed, i, b.loss[i], a.loss[i], d, o.AgreeTolerance)
				}
			}
		}
	})
}

// bitsOf returns the bit patterns of x, so that comparisons are exact
// (NaN equal to itself, -0 apart from +0).
func bitsOf[T optim.Float](x []T) []uint64 {
	b := make([]uint64, len(x))
	for i, v := range x {
		b[i] = math.Float64bits(float64(v))
	}
	return b
}

// String describes the options, for messages.
func (o Options) String() string {
	var names []string
	for _, p := range o.Problems {
		names = append(names, p.Name)
	}
	return fmt.Sprintf("problems %v, %d steps, seeds %v", names, o.Steps, o.Seeds)
}
