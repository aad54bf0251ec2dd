package catalog_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
)

func TestDeterminism(t *testing.T) {
	const iters = 200
	for _, m := range catalog.Methods() {
		for _, name := range determinismProblems {
			t.Run(fmt.Sprintf("optimizer=%s/problem=%s", m.Name, name), func(t *testing.T) {
				p := lookupProblem(t, name)
				s := testSettings(t, p, m)
				a := runMethod(m, s, p, 7, iters)
				b := runMethod(m, s, p, 7, iters)
				c := runMethod(m, s, p, 8, iters)
				require.NoError(t, a.err)
				require.NoError(t, c.err)
				assert.True(t, bitsEqual(a.x, b.x), "same seed, different parameters:\n%v\n%v", a.x, b.x)
				assert.True(t, bitsEqual(a.losses, b.losses), "same seed, different losses")
				// Different seeds start elsewhere, so the trajectories differ,
				// even where both converge to the same exact optimum (e.g. the
				// quasi-Newton methods on celsius).
				assert.False(t, bitsEqual(a.losses, c.losses), "seeds 7 and 8 gave identical loss trajectories")
			})
		}
	}
}

// TestParallelMatchesSequential trains independent objectives in parallel
// goroutines and compares them with sequential runs; under -race it also
// catches shared mutable state between objectives or optimizers.
func TestParallelMatchesSequential(t *testing.T) {
	iters := 150
	if testing.Short() {
		iters = 30
	}
	type job struct {
		m    optim.Method
		s    optim.Settings
		p    *optim.Problem
		seed uint64
	}
	var jobs []job
	for _, m := range catalog.Methods() {
		for _, name := range determinismProblems {
			p := lookupProblem(t, name)
			for _, seed := range []uint64{1, 2} {
				jobs = append(jobs, job{m, testSettings(t, p, m), p, seed})
			}
		}
	}
	seq := make([]trajectory, len(jobs))
	for i, j := range jobs {
		seq[i] = runMethod(j.m, j.s, j.p, j.seed, iters)
	}
	par := make([]trajectory, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() { par[i] = runMethod(j.m, j.s, j.p, j.seed, iters) })
	}
	wg.Wait()
	for i, j := range jobs {
		name := fmt.Sprintf("%s/%s/seed=%d", j.m.Name, j.p.Name, j.seed)
		require.NoError(t, seq[i].err, name)
		require.NoError(t, par[i].err, name)
		assert.True(t, bitsEqual(seq[i].x, par[i].x), "%s: parameters differ", name)
		assert.True(t, bitsEqual(seq[i].losses, par[i].losses), "%s: losses differ", name)
	}
}
