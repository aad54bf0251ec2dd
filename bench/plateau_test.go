package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/resultsfmt"
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

// TestExcessLossTargets checks the targets of a problem whose loss cannot
// reach 0 (celsius-tf: E* ≈ 0.063, the least-squares line's): they are on
// the excess loss E − E*, so a run that finds the line reaches the loss
// targets while its loss stays at E*; exactly fitted problems keep E* = 0.
func TestExcessLossTargets(t *testing.T) {
	assert.Equal(t, 0.0, OptimumLoss(optim.Celsius()))
	assert.Equal(t, 0.0, OptimumLoss(optim.Teacher()))
	assert.Equal(t, 0.0, OptimumLoss(optim.XOR()), "no known optimum")
	p := optim.CelsiusTF()
	eStar := OptimumLoss(p)
	// E* = Σ(f − (w·c + b))²/7 at the least-squares line, ≈ 0.063 (the
	// rounding of 7 Fahrenheit values to integers).
	require.InDelta(t, 0.063, eStar, 0.001)
	m, err := optim.LookupMethod("irprop-") // registered by optim/catalog, which bench imports
	require.NoError(t, err)
	task := Task{Problem: p, Method: m, Settings: optim.Settings{"delta-min": 0}, Canonical: m.Canonical(optim.Settings{"delta-min": 0}),
		Seed: 1, Budget: 2000}
	rec, err := Execute(context.Background(), task, Config{KeepGoing: true})
	require.NoError(t, err)
	hit := rec.Hits[indexOfTarget("loss_1e-10")]
	require.GreaterOrEqual(t, hit.Iter, 0, "irprop- without Δmin gets within 1e-10 of E*")
	assert.Greater(t, rec.BestLoss, 0.06, "while its loss stays at E*")
	assert.LessOrEqual(t, rec.BestLoss-eStar, 1e-10)
}

// TestVerifyEndColumn checks that a finished folder's end column holds
// each run's cause, and that an edited one is found with its line.
func TestVerifyEndColumn(t *testing.T) {
	dir := t.TempDir()
	plan, err := NewPlan(Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-"}, Seeds: 4, Budget: 1500, KeepGoing: true})
	require.NoError(t, err)
	require.NoError(t, Run(context.Background(), plan, dir, Options{}))
	recs, err := LoadRuns(dir)
	require.NoError(t, err)
	causes := EndCauses(plan, recs)
	for i, r := range recs {
		assert.Equal(t, string(causes[i]), r.End)
	}
	path := filepath.Join(dir, RunsFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	i := strings.LastIndex(lines[2], ",")
	lines[2] = lines[2][:i+1] + "optimum-ish"
	edited := []byte(strings.Join(lines, "\n"))
	require.NoError(t, os.WriteFile(path, edited, 0o644))
	// Record the edited file's checksum, so that the end check itself,
	// not the checksum, finds it.
	man, err := ReadManifest(dir)
	require.NoError(t, err)
	man.Checksums[RunsFile] = resultsfmt.Checksum(edited)
	require.NoError(t, man.write(dir))
	v, err := Verify(dir)
	require.NoError(t, err)
	require.Error(t, v.Err())
	assert.Contains(t, v.Err().Error(), "runs.csv:3: end \"optimum-ish\" (expected")
}
