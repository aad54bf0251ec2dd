package bench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// fileConfig covers every status: celsius backprop with lr=1 diverges,
// celsius irprop- plateaus, seed3 irprop- reaches its targets and seed3
// backprop uses its budget; seed3 also runs in float32.
var fileConfig = bench.Config{Problems: []string{"celsius", "seed3"}, Optimizers: []string{"backprop", "irprop-"},
	Seeds: 2, Budget: 1500, Set: map[string]float64{"backprop.lr": 1},
	Precisions: map[string][]string{"seed3": {"float64", "float32"}}}

// validRuns runs fileConfig into a temporary folder and returns its
// runs.csv.
func validRuns(t testing.TB, dir string) []byte {
	t.Helper()
	xpRun(t, fileConfig, dir, bench.Options{Workers: 2})
	data, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
	require.NoError(t, err)
	return data
}

// recString renders a record for comparison (NaN equals NaN).
func recString(r *bench.Record) string { return fmt.Sprintf("%+v", *r) }

// TestLoadRunsRoundTrip: what Run writes, LoadRuns reads back exactly, and
// it is what Execute returns.
func TestLoadRunsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	validRuns(t, dir)
	recs, err := bench.LoadRuns(dir)
	require.NoError(t, err)
	plan := xpPlan(t, fileConfig)
	require.Len(t, recs, len(plan.Tasks))
	statuses := map[bench.Status]int{}
	for i, tk := range plan.Tasks {
		got := recs[i]
		want, err := bench.Execute(context.Background(), tk, fileConfig)
		require.NoError(t, err)
		statuses[want.Status]++
		// Timing differs between the two executions.
		assert.Positive(t, got.Seconds)
		got.Seconds, want.Seconds = 0, 0
		assert.NotEmpty(t, got.End, "a finished folder records every run's end")
		got.End = "" // Execute leaves it to the final rewrite
		for j := range got.Hits {
			if got.Hits[j].Iter >= 0 {
				assert.Positive(t, got.Hits[j].Seconds)
			}
			got.Hits[j].Seconds, want.Hits[j].Seconds = 0, 0
		}
		require.Len(t, got.Trace, len(want.Trace))
		for j := range got.Trace {
			got.Trace[j].Seconds, want.Trace[j].Seconds = 0, 0
		}
		assert.Equal(t, recString(want), recString(got), "run %d", i)
	}
	for _, s := range []bench.Status{bench.StatusTarget, bench.StatusBudget, bench.StatusPlateau, bench.StatusDiverged} {
		assert.Positive(t, statuses[s], "no run with status %s", s)
	}
}
