package bench

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/optbench/optbench/optim"
)

// Replay re-runs task's first iters iterations from the same start, with
// the same random stream and in the same loss arithmetic (t.LossEval) as
// Execute, calling visit with the iteration number (0 for the start) and
// the parameters after it. visit must not retain x. Replay stops early,
// without error, when the run diverges.
//
// A float32 task is replayed in float32; visit sees its parameters
// converted (exactly) to float64.
func Replay(t Task, iters int, visit func(it int, x []float64)) error {
	switch precisionOr64(t.Precision) {
	case optim.Float64:
		return replay[float64](t, iters, visit)
	case optim.Float32:
		return replay[float32](t, iters, visit)
	}
	_, err := optim.ParsePrecision(t.Precision)
	return fmt.Errorf("bench: %w", err)
}

func replay[T optim.Float](t Task, iters int, visit func(it int, x []float64)) error {
	p := t.Problem
	x := startParams[T](t)
	xf, same := any(x).([]float64)
	if !same {
		xf = make([]float64, len(x))
	}
	show := func(it int) {
		if !same {
			optim.ParamsFrom(xf, x)
		}
		visit(it, xf)
	}
	opt, err := newOptimizer[T](t)
	if err != nil {
		return err
	}
	if c, ok := opt.(io.Closer); ok {
		defer c.Close()
	}
	rnd := rand.New(rand.NewPCG(t.Seed, stream("optimizer", p.Name, t.Method.Name)))
	if _, err := opt.Init(optim.ProblemObjective[T](p, t.LossEval), x, rnd); err != nil {
		if errors.Is(err, optim.ErrDiverged) {
			return nil
		}
		return err
	}
	show(0)
	for it := 1; it <= iters; it++ {
		if _, err := opt.Step(x); err != nil {
			if errors.Is(err, optim.ErrDiverged) {
				return nil
			}
			return err
		}
		show(it)
	}
	return nil
}
