package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPerformanceProfile(t *testing.T) {
	inf := math.Inf(1)
	// By hand (Dolan & Moré 2002, §2): three problems, two solvers.
	// Ratios: p0 (10, 20) → (1, 2); p1 (∞, 5) → (∞, 1); p2 (∞, ∞) → (∞, ∞).
	cost := [][]float64{{10, 20}, {inf, 5}, {inf, inf}}
	r := PerformanceRatios(cost)
	assert.Equal(t, [][]float64{{1, 2}, {inf, 1}, {inf, inf}}, r)
	rho := PerformanceProfile(r, []float64{1, 1.5, 2, 100})
	// Solver 0: only p0 (r = 1) → 1/3 at every τ. Solver 1: p1 at τ = 1,
	// p0 from τ = 2 → 1/3, 1/3, 2/3, 2/3.
	assert.Equal(t, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3}, rho[0])
	assert.Equal(t, []float64{1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3}, rho[1])

	// A zero cost is the best, and ties with it have ratio 1.
	assert.Equal(t, [][]float64{{1, 1, inf}}, PerformanceRatios([][]float64{{0, 0, 3}}))
}

func TestDataProfile(t *testing.T) {
	inf := math.Inf(1)
	// By hand (Moré & Wild 2009, eq. 2.7): dims 2 and 9 → n+1 = 3 and 10;
	// solver 0 costs 30 and 50 → 10 and 5 simplex gradients; solver 1
	// costs 3 and ∞ → 1 and ∞.
	cost := [][]float64{{30, 3}, {50, inf}}
	d := DataProfile(cost, []int{2, 9}, []float64{1, 5, 10})
	assert.Equal(t, []float64{0, 0.5, 1}, d[0])
	assert.Equal(t, []float64{0.5, 0.5, 0.5}, d[1])
}
