package bench

import (
	"errors"
	"io"
	"math/rand/v2"

	"github.com/optbench/optbench/optim"
)

// Replay re-runs task's first iters iterations from the same start, with
// the same random stream and in the same loss arithmetic (t.LossEval) as
// Execute, calling visit with the iteration number (0 for the start) and
// the parameters after it. visit must not retain x. Replay stops early,
// without error, when the run diverges.
func Replay(t Task, iters int, visit func(it int, x []float64)) error {
	p := t.Problem
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(t.Seed, stream("init", p.Name))))
	opt, err := t.Method.New(t.Settings)
	if err != nil {
		return err
	}
	if c, ok := opt.(io.Closer); ok {
		defer c.Close()
	}
	rnd := rand.New(rand.NewPCG(t.Seed, stream("optimizer", p.Name, t.Method.Name)))
	if _, err := opt.Init(p.ObjectiveEval(t.LossEval), x, rnd); err != nil {
		if errors.Is(err, optim.ErrDiverged) {
			return nil
		}
		return err
	}
	visit(0, x)
	for it := 1; it <= iters; it++ {
		if _, err := opt.Step(x); err != nil {
			if errors.Is(err, optim.ErrDiverged) {
				return nil
			}
			return err
		}
		visit(it, x)
	}
	return nil
}
