package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// TestWritePrecision runs a tiny float32 + float64 experiment on celsius
// and seed3 and checks that the precision-limit charts pair each
// optimizer's float32 and float64 curves and that the findings state the
// floors in both arithmetics.
func TestWritePrecision(t *testing.T) {
	dir := t.TempDir()
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"celsius", "seed3"}, Optimizers: []string{"irprop-", "ga"},
		Seeds: 3, Budget: 400, KeepGoing: true, PlateauMin: 50, Precisions: map[string][]string{
			"celsius": {"float64", "float32"}, "seed3": {"float64", "float32"}}})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}))
	var log bytes.Buffer
	require.NoError(t, Write(dir, &log, Options{}))
	data, err := os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	md := string(data)
	for _, p := range []string{"celsius", "seed3"} {
		assert.Contains(t, md, "Why the runs on `"+p+"`")
		assert.Contains(t, md, "in float64: `irprop-`")
		assert.Contains(t, md, "Why the runs on `"+p+"` end (")
		assert.Regexp(t, "Why the runs on `"+p+"` end \\([a-z ]+\\) in float32, same runs otherwise: `irprop-` [0-9]+/3 ", md)
		assert.FileExists(t, filepath.Join(dir, "precision-"+p+".png"))
	}
	// Floors by cause: on celsius irprop- stops at its delta-min in
	// float64, and at the optimum to float32's resolution (spacing 3.8e-6
	// at 32) in float32; on seed3 it saturates.
	assert.Regexp(t, "`celsius` end, by cause \\(best parameter error; [^)]*\\) in float64: `irprop-` 3/3 at its step-size bound delta-min = 1e-06 \\(median 1\\.[0-9]e-06", md)
	assert.Regexp(t, "`celsius` end \\(parameter error\\) in float32, same runs otherwise: `irprop-` 3/3 at the optimum to the arithmetic's resolution", md)
	assert.Regexp(t, "`seed3` end, by cause \\(best loss; [^)]*\\) in float64: `irprop-` 3/3 saturated", md)
	assert.Contains(t, md, "irprop- (float32)")
	assert.Contains(t, md, "Dashed curves")
	assert.Contains(t, md, "its float32 spacing (3.8e-06)")
	assert.Contains(t, md, "plus the same in float32 on `celsius` and `seed3`")
}
