package report

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/plots"
)

// runSweep runs a 2×2 grid × 2 seeds of cfg's optimizer into dir.
func runSweep(t *testing.T, dir string, cfg bench.SweepConfig) {
	t.Helper()
	sp, err := bench.NewSweep(cfg)
	require.NoError(t, err)
	require.NoError(t, bench.RunSweep(context.Background(), sp, dir, bench.Options{Workers: 2}))
}

var (
	irpropSweep = bench.SweepConfig{Problem: "xor", Optimizer: "irprop-", Axes: []bench.Axis{
		{Setting: "delta0", Values: []float64{0.1, 0.5}}, {Setting: "eta+", Values: []float64{1.2, 1.5}}},
		Seeds: 2, Budget: 300}
	backpropSweep = bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{
		{Setting: "lr", Values: []float64{0.01, 1}}}, Seeds: 2, Budget: 300}
)

// TestWriteSweepsSection runs a tiny experiment with two sweeps next to it
// (as `make report` lays them out) and checks the report's section and
// heat maps.
func TestWriteSweepsSection(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "default")
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-"}, Seeds: 2, Budget: 200})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}))
	runSweep(t, filepath.Join(root, SweepsDir, "irprop-"), irpropSweep)
	runSweep(t, filepath.Join(root, SweepsDir, "backprop"), backpropSweep)
	// An unfinished sweep is named, not fatal.
	broken := filepath.Join(root, SweepsDir, "broken")
	require.NoError(t, os.MkdirAll(broken, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, bench.SweepFile), []byte(`{"problem":"xor","optimizer":"ga","complete":false}`), 0o644))

	var log bytes.Buffer
	require.NoError(t, Write(dir, &log, Options{}))
	md, err := os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	text := string(md)
	sec := text[strings.Index(text, "## Hyperparameter sensitivity"):]
	require.Contains(t, text, "## Hyperparameter sensitivity")
	assert.Less(t, strings.Index(text, "## Charts"), strings.Index(text, "## Hyperparameter sensitivity"))
	assert.Less(t, strings.Index(text, "## Hyperparameter sensitivity"), strings.Index(text, "## Files"))
	assert.Contains(t, sec, "**Tuneability score** T = (mean success rate over the grid points) / (best grid point's success rate)")
	// backprop before irprop- (the default optimizers' order).
	i, j := strings.Index(sec, "### `backprop` on `xor`: `lr`"), strings.Index(sec, "### `irprop-` on `xor`: `delta0` × `eta+`")
	require.GreaterOrEqual(t, i, 0)
	require.GreaterOrEqual(t, j, 0)
	assert.Less(t, i, j)
	assert.Regexp(t, "\\| `irprop-` \\| `xor` \\| `classified` \\| delta0 ∈ \\{0.1, 0.5\\} × eta\\+ ∈ \\{1.2, 1.5\\} \\| 2 \\| ", sec)
	assert.Contains(t, sec, "The default setting (delta0=0.1, eta+=1.2) reaches")
	assert.Contains(t, sec, "Not included: `"+broken+"`")
	assert.Contains(t, log.String(), "warning: sweep "+broken)
	assert.NotContains(t, sec, "NaN")
	for _, name := range []string{"sweep-irprop--success", "sweep-irprop--evals", "sweep-backprop-success", "sweep-backprop-evals"} {
		assert.Contains(t, sec, "]("+name+".png)")
		assertPNG(t, filepath.Join(dir, name+".png"))
	}
	imgs := regexp.MustCompile(`\]\((sweep-[^)]+\.png)\)`).FindAllString(text, -1)
	assert.Len(t, imgs, 4)

	// Options.Sweeps overrides the discovery; an empty list means none.
	require.NoError(t, Write(dir, &bytes.Buffer{}, Options{Sweeps: []string{}}))
	md, err = os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	assert.NotContains(t, string(md), "## Hyperparameter sensitivity")
}

// assertPNG checks that path is a PNG heat map: it decodes, and it shows
// viridis cells (whichever values they hold, the scale's colours are
// between its dark and bright ends, so some pixel is far from grey).
func assertPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, path)
	b := img.Bounds()
	assert.Greater(t, b.Dx(), 1000, "192 dpi at 16 cm")
	coloured := 0
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if max(c.R, c.G, c.B)-min(c.R, c.G, c.B) > 60 {
				coloured++
			}
		}
	}
	assert.Greater(t, coloured, 200, "%s shows no coloured cells", path)
}

// TestWriteSweep checks the standalone sweep report and its heat maps'
// cell colours against the success rates.
func TestWriteSweep(t *testing.T) {
	dir := t.TempDir()
	runSweep(t, dir, irpropSweep)
	var log bytes.Buffer
	require.NoError(t, WriteSweep(dir, &log, Options{SVG: true}))
	md, err := os.ReadFile(filepath.Join(dir, SweepReportFile))
	require.NoError(t, err)
	text := string(md)
	for _, s := range []string{"# optbench sweep", "## `irprop-` on `xor`: `delta0` × `eta+`", "- **Grid:** delta0 ∈ {0.1, 0.5} × eta+ ∈ {1.2, 1.5}.",
		"4 grid points × 2 seeds, budget 300 iterations per run, target `classified`", "](heatmap-success.png)", "](heatmap-evals.png)", "## Files"} {
		assert.Contains(t, text, s)
	}
	for _, f := range []string{"heatmap-success.png", "heatmap-evals.png", "heatmap-success.svg", "heatmap-evals.svg"} {
		assert.FileExists(t, filepath.Join(dir, f))
		assert.Contains(t, log.String(), filepath.Join(dir, f[:len(f)-4]))
	}
	// Every success rate present on the grid fills its cell's colour.
	res, err := bench.LoadSweep(dir)
	require.NoError(t, err)
	f, err := os.Open(filepath.Join(dir, "heatmap-success.png"))
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	for _, s := range res.Stats {
		want := plots.Viridis(s.Rate)
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) == want {
					n++
				}
			}
		}
		assert.Greater(t, n, 5000, "no cell of colour %v (success %v)", want, s.Rate)
	}

	// An unfinished sweep is refused.
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.SweepFile), []byte(`{"complete":false}`), 0o644))
	err = WriteSweep(dir, &bytes.Buffer{}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unfinished")
}
