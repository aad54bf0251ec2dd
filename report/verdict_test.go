package report

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOverallSentence checks the verdict's numbers and wording on fixed
// tables of aRT (problems × optimizers).
func TestOverallSentence(t *testing.T) {
	inf := math.Inf(1)
	// No winner: the table of stats.TestFriedman, whose references are
	// scipy 1.10's friedmanchisquare (χ² = 4.333…, p = 0.1146) and
	// f.sf (F_F = 2.826, p = 0.106); mean ranks 1.50, 1.83, 2.67; CD by hand
	// 2.343·√(3·4/(6·6)) = 1.35 > spread 1.17.
	o := &overall{methods: []string{"a", "b", "c"},
		art: [][]float64{{1, 2, 3}, {2, 1, 3}, {1, 3, 2}, {1, 2, 3}, {3, 1, 2}, {1, 2, 4}}}
	o.rank()
	s := o.sentence()
	assert.Contains(t, s, "**No overall winner is supported.**")
	assert.Contains(t, s, "on 6 problems")
	assert.Contains(t, s, "`a` 1.50, `b` 1.83, `c` 2.67")
	assert.Contains(t, s, "χ²_F = 4.33 with 2 degrees of freedom, p = 0.115")
	assert.Contains(t, s, "F_F = 2.83, p = 0.106")
	assert.Contains(t, s, "spread of mean ranks, 1.17, is less than the Nemenyi critical difference CD = 1.35")

	// A winner, by hand: on 10 problems a is always cheapest, b second and
	// c never reaches the target (+Inf): ranks 1, 2, 3 throughout;
	// χ² = 12·10/(3·4)·(1 + 4 + 9 − 3·4²/4) = 20, p = e^(−10) = 4.5e-5 (χ²
	// with 2 df); CD = 2.343·√(12/60) = 1.05: a beats c (2 ≥ CD), not b.
	var art [][]float64
	for i := range 10 {
		art = append(art, []float64{float64(10 + i), float64(100 + i), inf})
	}
	o = &overall{methods: []string{"a", "b", "c"}, art: art}
	o.rank()
	assert.InDelta(t, 20, o.res.ChiSq, 1e-12)
	assert.InEpsilon(t, math.Exp(-10), o.res.P, 1e-9)
	s = o.sentence()
	assert.Contains(t, s, "**`a` ranks best overall.**")
	assert.Contains(t, s, "p = 4.5e-05")
	assert.Contains(t, s, "CD = 1.05 at α = 0.05 of `c`, but not of `b`.")

	// Too little to rank.
	o = &overall{methods: []string{"a", "b"}, art: [][]float64{{1, 2}}}
	o.rank()
	assert.Contains(t, o.sentence(), "No overall ranking")
}

// TestChargingText checks the sentence that says whether a GA-vs-gradient
// comparison depends on how failures are charged. Issue 11's xor case:
// charged what they spent, the GA needs 9.69× rprop+'s evaluations; every
// failure charged its budget, 0.769× (aRT 87876 against 114334, the
// figures of the regenerated default experiment): the order flips.
func TestChargingText(t *testing.T) {
	s := chargingText(9.69, 87876, 114334)
	assert.Contains(t, s, "the ratio is 0.769× (aRT 87876 against 114334)")
	assert.Contains(t, s, "the order flips, so the stopping rule, not the optimizers, decides this comparison")
	s = chargingText(3.24, 33226, 10187)
	assert.Contains(t, s, "3.26×")
	assert.Contains(t, s, "the order holds under both rules")
	assert.Empty(t, chargingText(2, math.Inf(1), 3))
}
