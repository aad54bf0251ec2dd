package bench

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
)

// stalling spends k loss evaluations per Step and improves its loss only
// during its first `improve` Steps.
type stalling struct {
	k, improve, steps int
	obj               optim.Objective
}

func (s *stalling) Init(obj optim.Objective, x []float64, _ *rand.Rand) (float64, error) {
	s.obj, s.steps = obj, 0
	return obj.Loss(x), nil
}

func (s *stalling) Step(x []float64) (float64, error) {
	s.steps++
	if s.steps <= s.improve {
		x[0] += 0.01 // seed3's loss falls as w₁ grows from its start
	}
	var l float64
	for range s.k {
		l = s.obj.Loss(x)
	}
	return l, nil
}

// TestPlateauCountsEvaluations checks the plateau rule: a run stops once
// its Steps have spent max(PlateauMin, e₀) evaluations since the last
// improvement at e₀ — after the same work for an optimizer spending one
// evaluation per Step (the rule on iterations) as for one spending k.
func TestPlateauCountsEvaluations(t *testing.T) {
	const plateau = 100
	for _, tc := range []struct{ k, improve int }{{1, 10}, {1, 300}, {5, 10}, {50, 10}, {50, 40}} {
		m := optim.Method{Name: "stalling", Float64: func(optim.Settings) (optim.Optimizer, error) {
			return &stalling{k: tc.k, improve: tc.improve}, nil
		}}
		p := optim.Seed3()
		p.Init = func(x []float64, _ *rand.Rand) { x[0], x[1], x[2] = 0, 0, 0 }
		task := Task{Problem: p, Method: m, Seed: 1, Budget: 100000}
		rec, err := Execute(context.Background(), task, Config{KeepGoing: true, PlateauMin: plateau})
		require.NoError(t, err)
		require.Equal(t, StatusPlateau, rec.Status, "k=%d", tc.k)
		assert.Equal(t, tc.improve, rec.FloorIter, "k=%d: the last improving Step", tc.k)
		e0 := tc.k * tc.improve
		need := max(plateau, e0) // evaluations without improvement
		want := tc.improve + (need+tc.k-1)/tc.k
		assert.Equal(t, want, rec.Iters, "k=%d, improving for %d Steps: stop after %d evaluations without improvement", tc.k, tc.improve, need)
		assert.Equal(t, 1+tc.k*rec.Iters, rec.Evals, "Init's evaluation plus k per Step")
	}
}
