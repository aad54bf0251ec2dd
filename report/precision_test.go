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
		assert.Contains(t, md, "Precision limits on `"+p+"`")
		assert.Contains(t, md, "in float64: `irprop-`")
		assert.Contains(t, md, "Precision limits on `"+p+"` (")
		assert.Regexp(t, "Precision limits on `"+p+"` \\([a-z ]+\\) in float32, same runs otherwise: `irprop-` ", md)
		assert.FileExists(t, filepath.Join(dir, "precision-"+p+".png"))
	}
	assert.Contains(t, md, "irprop- (float32)")
	assert.Contains(t, md, "Dashed curves")
	assert.Contains(t, md, "its float32 spacing (3.8e-06)")
	assert.Contains(t, md, "plus the same in float32 on `celsius` and `seed3`")
}
