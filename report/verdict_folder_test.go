package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/stats"
)

// TestVerdictFromFolder recomputes the verdict of a small results folder
// by another path: from targets.csv (not from the runs), with its own
// ranking and the textbook formula χ²_F = 12N/(k(k+1))·Σ R̄ⱼ² − 3N(k+1),
// and its own performance ratios, and compares them with what the report
// computed.
func TestVerdictFromFolder(t *testing.T) {
	problems := []string{"seed3", "xor", "celsius"}
	methods := []string{"irprop-", "backprop", "ga"}
	dir := runTiny(t, problems, methods)
	w, err := write(context.Background(), dir, &bytes.Buffer{}, Options{})
	require.NoError(t, err)
	o := w.e.overallRanking()
	require.NoError(t, o.err)

	f, err := os.Open(filepath.Join(dir, bench.TargetsFile))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	headline := map[string]string{"seed3": "classified", "xor": "classified", "celsius": "param_1e-07"}
	art := map[[2]string]float64{}
	for _, r := range rows[1:] {
		if r[col["precision"]] == "float64" && r[col["target"]] == headline[r[col["problem"]]] {
			v := math.Inf(1)
			if s := r[col["ert"]]; s != "+Inf" {
				v, err = strconv.ParseFloat(s, 64)
				require.NoError(t, err)
			}
			art[[2]string{r[col["problem"]], r[col["optimizer"]]}] = v
		}
	}
	// Ranks by counting: rank = 1 + #smaller + ½·#equal-others.
	k, n := float64(len(methods)), float64(len(problems))
	mean := map[string]float64{}
	for _, p := range problems {
		for _, a := range methods {
			r := 1.0
			for _, b := range methods {
				switch {
				case b == a:
				case art[[2]string{p, b}] < art[[2]string{p, a}]:
					r++
				case art[[2]string{p, b}] == art[[2]string{p, a}]:
					r += 0.5
				}
			}
			mean[a] += r / n
		}
	}
	var sumSq float64
	for j, m := range o.methods {
		assert.InDelta(t, mean[m], o.res.MeanRanks[j], 1e-12, m)
		sumSq += mean[m] * mean[m]
	}
	chi := 12*n/(k*(k+1))*sumSq - 3*n*(k+1)
	assert.InDelta(t, chi, o.res.ChiSq, 1e-9)
	// χ² with 2 degrees of freedom has survival e^(−x/2).
	assert.InDelta(t, math.Exp(-chi/2), o.res.P, 1e-12)

	// Performance ratios: aRT over the best aRT of the problem, sorted per
	// optimizer, are the steps of its profile.
	ratios := stats.PerformanceRatios(o.art)
	for j, m := range o.methods {
		var got, want []float64
		for pi, p := range o.problems {
			got = append(got, ratios[pi][j])
			best := math.Inf(1)
			for _, b := range methods {
				best = math.Min(best, art[[2]string{p.Name, b}])
			}
			v := art[[2]string{p.Name, m}]
			switch {
			case math.IsInf(v, 1):
				want = append(want, math.Inf(1))
			default:
				want = append(want, v/best)
			}
		}
		sort.Float64s(got)
		sort.Float64s(want)
		assert.InDeltaSlice(t, want, got, 1e-12, m)
	}
}
