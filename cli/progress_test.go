package cli

import (
	"bytes"
	"testing"

	"github.com/optbench/optbench/bench"
	"github.com/stretchr/testify/assert"
)

// TestProgressPhase checks that the long bookkeeping phases of a large
// experiment are announced, and nothing is said for small ones or quietly.
func TestProgressPhase(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.phase("summaries", phaseRuns-1)
	assert.Empty(t, b.String())
	p.phase("summaries", 200_000)
	assert.Equal(t, "optbench: summarizing (200000 runs)…\n", b.String())
	b.Reset()
	newProgress(&b, true).phase("rewrite", 200_000)
	assert.Empty(t, b.String())
}

// TestEndsText checks the headline's ends column: per cause, most frequent
// first, with the median best loss only for the causes that are floors.
func TestEndsText(t *testing.T) {
	var runs []*bench.Record
	causes := map[*bench.Record]bench.EndCause{}
	add := func(c bench.EndCause, best float64) {
		r := &bench.Record{BestLoss: best}
		runs = append(runs, r)
		causes[r] = c
	}
	add(bench.EndSaturated, 1e-200)
	add(bench.EndLocalMin, 0.125)
	add(bench.EndLocalMin, 0.167)
	add(bench.EndLocalMin, 0.125)
	add(bench.EndBudget, 0.01)
	assert.Equal(t, "local-minimum 3 at 0.125, saturated 1, budget 1", endsText(runs, causes))
}
