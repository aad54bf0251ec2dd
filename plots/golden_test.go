package plots

import (
	"log"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/cmpimg"
	"gonum.org/v1/plot/vg"
)

// goldenSize is small, to keep testdata small.
const goldenW, goldenH = 12 * vg.Centimeter, 7 * vg.Centimeter

// goldenDelta tolerates rendering differences across platforms (e.g.
// fused multiply-add in rasterization) but not a changed picture.
const goldenDelta = 0.02

// exampleCDDiagram draws testdata/cd.png.
func exampleCDDiagram() {
	names := []string{"rprop-", "irprop-", "irprop+", "backprop", "rprop+", "ga"}
	ranks := []float64{2.81, 3.00, 3.12, 3.69, 3.69, 4.69}
	p, err := CDDiagram("Mean rank by aRT over 8 problems", names, ranks, 2.67, [][]int{{0, 1, 2, 3, 4, 5}})
	if err != nil {
		log.Fatal(err)
	}
	if err := Save(p, goldenW, goldenH, filepath.Join("testdata", "cd.png")); err != nil {
		log.Fatal(err)
	}
}

// exampleZeroStrip draws testdata/zero-strip.png: a curve that reaches 0,
// drawn down into the "= 0" strip, and one that does not.
func exampleZeroStrip() {
	x := []float64{1, 10, 20, 50, 100, 1000}
	series := []Series{
		{Name: "rprop+", X: x, Y: []float64{0.2, 0.1, 1e-20, 0, 0, 0}},
		{Name: "backprop", X: x, Y: []float64{0.2, 0.15, 0.1, 0.05, 0.01, 1e-4}},
	}
	p, _, err := PrecisionLimitWith("seed3: precision limit", "iteration budget", "best loss", series,
		[]RefLine{{Value: 1e-7, Label: "tutorial tolerance 1e-7"}}, []Floor{{Name: "rprop+", X: 50, Value: 0}},
		LogY{Cut: 3.1e-33, Counts: "30 of 60 runs end here"})
	if err != nil {
		log.Fatal(err)
	}
	if err := Save(p, goldenW, goldenH, filepath.Join("testdata", "zero-strip.png")); err != nil {
		log.Fatal(err)
	}
}

// TestGolden compares the new chart types with their reference images in
// testdata/*_golden.png (regenerate with go test -run Golden -regen).
func TestGolden(t *testing.T) {
	for name, f := range map[string]func(){"cd.png": exampleCDDiagram, "zero-strip.png": exampleZeroStrip} {
		t.Run(name, func(t *testing.T) {
			if !*cmpimg.GenerateTestData {
				t.Cleanup(func() { os.Remove(filepath.Join("testdata", name)) })
			}
			cmpimg.CheckPlotApprox(f, t, goldenDelta, name)
		})
	}
}
