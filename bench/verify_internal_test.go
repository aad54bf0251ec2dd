package bench

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/optbench/optbench/optim"
)

// TestCheckRowGradientEvaluations checks that a gradient method's row with
// fewer evaluations than iterations (swapped columns, an edit) is flagged,
// and that a population method's is judged by its own counts only.
func TestCheckRowGradientEvaluations(t *testing.T) {
	rec := func() *Record {
		return &Record{Budget: 100, Status: StatusBudget, Iters: 100, Evals: 40, GradEvals: 40, Floor: math.NaN(), FloorIter: -1,
			FinalLoss: 0.1, BestLoss: 0.1}
	}
	grad := &Task{Budget: 100, Method: optim.Method{Name: "g", Kind: optim.KindGradient}}
	assert.Contains(t, checkRow(rec(), grad, nil, Config{}), "evaluations 40 below iterations 100")
	pop := &Task{Budget: 100, Method: optim.Method{Name: "p", Kind: optim.KindPopulation}}
	assert.NotContains(t, checkRow(rec(), pop, nil, Config{}), "below iterations")
}
