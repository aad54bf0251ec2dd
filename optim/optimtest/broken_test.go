package optimtest_test

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/optimtest"
)

// gd is a minimal gradient descent whose flaws are switched on one at a
// time, to show that Check catches each.
type gd struct {
	flaw string
	obj  optim.Objective
	g    []float64
	prev []float64
	rnd  *rand.Rand
	ok   bool
}

func (o *gd) Init(obj optim.Objective, x []float64, rnd *rand.Rand) (float64, error) {
	if len(x) != obj.Dim() && o.flaw != "no-dim-check" {
		return 0, &optim.DimError{Got: len(x), Want: obj.Dim()}
	}
	o.obj, o.g, o.prev, o.rnd, o.ok = obj, make([]float64, obj.Dim()), make([]float64, obj.Dim()), rnd, true
	return obj.Loss(x), nil
}

func (o *gd) Step(x []float64) (float64, error) {
	if !o.ok {
		if o.prev != nil {
			return 0, optim.ErrDiverged
		}
		return 0, optim.ErrNotInitialized
	}
	if o.flaw == "allocates" {
		o.g = make([]float64, len(x))
	}
	copy(o.prev, x)
	loss := o.obj.Grad(o.g, x)
	lr := 0.1
	if o.flaw == "global-random" {
		lr *= 1 + rand.Float64() // the global source, not rnd
	}
	for i := range x {
		x[i] -= lr * o.g[i]
	}
	if o.flaw == "stale-loss" {
		return loss, nil // the loss before the update
	}
	if o.flaw == "no-divergence" {
		return o.obj.Loss(x), nil
	}
	l := o.obj.Loss(x)
	if l-l != 0 {
		copy(x, o.prev)
		o.ok = false // later Steps return an error too
		return l, optim.ErrDiverged
	}
	return l, nil
}

func gdMethod(flaw string) optim.Method {
	return optim.Method{Name: "gd", Doc: "test gradient descent",
		Float64: func(optim.Settings) (optim.Optimizer, error) { return &gd{flaw: flaw}, nil }}
}

// TestCheckCatchesFlaws runs Check on optimizers with one flaw each in a
// child process (a failing check fails its test) and requires the child
// to fail with the expected complaint; the flawless one must pass.
func TestCheckCatchesFlaws(t *testing.T) {
	if flaw, ok := os.LookupEnv("OPTIMTEST_FLAW"); ok {
		optimtest.Check(t, gdMethod(flaw), optimtest.Options{Problems: optimtest.Problems("xor")})
		return
	}
	for flaw, want := range map[string]string{
		"":              "",
		"no-dim-check":  "want a *optim.DimError",
		"allocates":     "Step allocates",
		"global-random": "two runs differ",
		"stale-loss":    "returned loss",
		"no-divergence": "must give ErrDiverged",
	} {
		t.Run("flaw="+flaw, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCheckCatchesFlaws$", "-test.count=1")
			cmd.Env = append(os.Environ(), "OPTIMTEST_FLAW="+flaw)
			out, err := cmd.CombinedOutput()
			if want == "" {
				require.NoError(t, err, "%s", out)
				return
			}
			require.Error(t, err, "Check passed an optimizer with flaw %q", flaw)
			require.Contains(t, string(out), want)
		})
	}
}
