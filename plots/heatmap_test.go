package plots

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// findHeat returns the plot's heat map cells (gonum keeps the plotters
// unexported, so read them through reflection).
func findHeat(p *plot.Plot) *heatCells {
	v := reflect.ValueOf(p).Elem().FieldByName("plotters")
	for i := range v.Len() {
		if e := v.Index(i).Elem(); e.Type() == reflect.TypeFor[*heatCells]() {
			return (*heatCells)(e.UnsafePointer())
		}
	}
	return nil
}

// lastHeat is the cells of the last map newHeat built.
var lastHeat *heatCells

func newHeat(t *testing.T, xs, ys []string, values [][]float64, o HeatOptions) (*plot.Plot, Note) {
	t.Helper()
	p, n, err := HeatMapWith("title", "x", "y", xs, ys, values, o)
	require.NoError(t, err)
	assert.Equal(t, 1, kinds(t, p)["*plots.colorBar"])
	lastHeat = findHeat(p)
	require.NotNil(t, lastHeat)
	return p, n
}

func TestHeatMapErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		xs, ys []string
		values [][]float64
	}{
		{"no columns", nil, []string{"a"}, [][]float64{{}}},
		{"no rows", []string{"a"}, nil, nil},
		{"rows disagree", []string{"a"}, []string{"1", "2"}, [][]float64{{1}}},
		{"columns disagree", []string{"a", "b"}, []string{"1"}, [][]float64{{1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := HeatMap("t", "x", "y", tt.xs, tt.ys, tt.values, "%.0f")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "plots: HeatMap")
		})
	}
}

func TestHeatMapCells(t *testing.T) {
	xs := []string{"0.1", "1", "10"}
	ys := []string{"a", "b"}
	values := [][]float64{{0, 50, 100}, {nan, 25, inf}}
	p, n := newHeat(t, xs, ys, values, HeatOptions{Format: "%.0f%%", Range: [2]float64{0, 100}, Legend: "success"})
	h := lastHeat
	assert.Equal(t, Viridis(0), h.color(0))
	assert.Equal(t, Viridis(1), h.color(100))
	assert.Equal(t, Viridis(0.5), h.color(50))
	assert.Equal(t, naColor, h.color(nan))
	assert.Equal(t, naColor, h.color(inf))
	assert.Equal(t, "50%", h.label(50))
	assert.Equal(t, "n/a", h.label(nan))
	assert.Equal(t, "2 cells shown grey as n/a", n.Text)
	assert.Zero(t, n.Dropped)
	assert.False(t, n.Empty)
	assert.Equal(t, []string{"0.1", "1", "10"}, tickLabels(p.X))
	assert.Equal(t, []string{"a", "b"}, tickLabels(p.Y))
	render(t, p)

	// Reverse and log: low values bright.
	_, _ = newHeat(t, xs, ys, [][]float64{{10, 100, 1000}, {-1, 0, 1e4}}, HeatOptions{Log: true, Reverse: true})
	h = lastHeat
	assert.Equal(t, Viridis(1), h.color(10))
	assert.Equal(t, Viridis(0), h.color(1e4))
	assert.Equal(t, Viridis(0.5), h.color(316.22776601683796))
	assert.Equal(t, naColor, h.color(0), "≤ 0 is n/a on a log scale")
	assert.Equal(t, "1000", h.label(1000), "no format: fmtValue")

	// Constant data: the middle colour, no division by zero.
	p, n = newHeat(t, []string{"x"}, []string{""}, [][]float64{{7}}, HeatOptions{})
	assert.Equal(t, Viridis(0.5), lastHeat.color(7))
	assert.Empty(t, n.Text)
	render(t, p)

	// Nothing drawable.
	p, n = newHeat(t, []string{"x", "y"}, []string{""}, [][]float64{{nan, nan}}, HeatOptions{})
	assert.True(t, n.Empty)
	assert.Contains(t, p.Title.Text, "(no data)")
	render(t, p)
}

func TestViridis(t *testing.T) {
	assert.Equal(t, color.NRGBA{0x44, 0x01, 0x54, 0xFF}, Viridis(0))
	assert.Equal(t, color.NRGBA{0xFD, 0xE7, 0x25, 0xFF}, Viridis(1))
	assert.Equal(t, color.NRGBA{0x21, 0x90, 0x8C, 0xFF}, Viridis(0.5))
	assert.Equal(t, Viridis(0), Viridis(-3))
	assert.Equal(t, Viridis(0), Viridis(math.NaN()))
	assert.Equal(t, Viridis(1), Viridis(7))
	// Monotone in lightness, so the scale reads in greyscale too.
	prev := -1.0
	for i := 0; i <= 100; i++ {
		c := Viridis(float64(i) / 100)
		l := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
		assert.Greater(t, l, prev-0.5, "t=%v", float64(i)/100)
		prev = l
	}
	// Cell text is legible on both ends.
	assert.Equal(t, color.White, textOn(Viridis(0)))
	assert.Equal(t, color.Black, textOn(Viridis(1)))
	assert.Equal(t, color.Black, textOn(naColor))
}

func TestColorBarTicks(t *testing.T) {
	_, _ = newHeat(t, []string{"a", "b"}, []string{""}, [][]float64{{0, 100}}, HeatOptions{Format: "%.0f%%", Range: [2]float64{0, 100}})
	b := &colorBar{cells: lastHeat, text: textStyle(sansFace, tickSize, color.Black)}
	var labels []string
	for _, tk := range b.ticks() {
		labels = append(labels, strings.TrimSuffix(tk.Label, endTick))
	}
	assert.Equal(t, []string{"0%", "20%", "40%", "60%", "80%", "100%"}, labels)

	_, _ = newHeat(t, []string{"a", "b"}, []string{""}, [][]float64{{30, 3000}}, HeatOptions{Format: "%.0f", Log: true})
	b = &colorBar{cells: lastHeat, text: textStyle(sansFace, tickSize, color.Black)}
	labels = nil
	for _, tk := range b.ticks() {
		labels = append(labels, strings.TrimSuffix(tk.Label, endTick))
	}
	assert.Equal(t, []string{"20", "100", "1000", "5000"}, labels, "nice ends 20 and 5000 labelled too")
}

// TestHeatMapPNG renders a small map and checks the pixels: the cell
// colours appear, and the grey n/a cell too.
func TestHeatMapPNG(t *testing.T) {
	values := [][]float64{{0, 1}, {nan, 0.5}}
	p, _, err := HeatMapWith("Success", "lr", "momentum", []string{"0.1", "1"}, []string{"0", "0.9"}, values,
		HeatOptions{Format: "%.1f", Range: [2]float64{0, 1}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "heat.png")
	require.NoError(t, Save(p, 12*vg.Centimeter, 9*vg.Centimeter, path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	for _, want := range []color.NRGBA{Viridis(0), Viridis(1), Viridis(0.5), naColor} {
		assert.Greater(t, countColor(img, want), 2000, "colour %v should fill a cell", want)
	}
	if dir := os.Getenv("OPTBENCH_PLOTS_PREVIEW"); dir != "" {
		previewHeat(t, dir)
	}
}

func countColor(img image.Image, want color.NRGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c == want {
				n++
			}
		}
	}
	return n
}

// previewHeat renders sweep-like heat maps for visual review.
func previewHeat(t *testing.T, dir string) {
	require.NoError(t, os.MkdirAll(dir, 0o755))
	xs := []string{"0.0125", "0.05", "0.1", "0.5", "2"}
	ys := []string{"1.05", "1.1", "1.2", "1.5", "2"}
	succ := make([][]float64, len(ys))
	evals := make([][]float64, len(ys))
	for r := range ys {
		for c := range xs {
			succ[r] = append(succ[r], math.Round(100*math.Max(0, 0.9-0.15*math.Abs(float64(r-c)))))
			e := 30 * math.Pow(2.2, float64(r+c)/2)
			if r == 4 && c == 0 {
				e = nan
			}
			evals[r] = append(evals[r], e)
		}
	}
	save := func(name string, p *plot.Plot) {
		require.NoError(t, Save(p, 16*vg.Centimeter, 10*vg.Centimeter, filepath.Join(dir, name+".png")))
	}
	p, _, err := HeatMapWith("irprop- on xor: success rate (classified)", "initial step Δ0 (delta0)", "step increase η+ (eta+)",
		xs, ys, succ, HeatOptions{Format: "%.0f%%", Range: [2]float64{0, 100}, Legend: "success rate (10 seeds)"})
	require.NoError(t, err)
	save("heat-success", p)
	p, _, err = HeatMapWith("irprop- on xor: median evaluations to classified", "initial step Δ0 (delta0)", "step increase η+ (eta+)",
		xs, ys, evals, HeatOptions{Format: "%.0f", Log: true, Reverse: true, Legend: "median evaluations (log scale)"})
	require.NoError(t, err)
	save("heat-evals", p)
	p, _, err = HeatMapWith("backprop on xor: success rate (classified)", "learning rate (lr)", "",
		[]string{"0.03", "0.1", "0.3", "1", "3", "10", "30"}, []string{""},
		[][]float64{{0, 0, 10, 80, 90, 60, 20}}, HeatOptions{Format: "%.0f%%", Range: [2]float64{0, 100}, Legend: "success rate"})
	require.NoError(t, err)
	save("heat-strip", p)
}

func TestHeatMapMarks(t *testing.T) {
	marks := [][]string{{"*", ""}, {"", "*"}}
	p, _, err := HeatMapWith("m", "x", "y", []string{"a", "b"}, []string{"a", "b"},
		[][]float64{{0.1, 0.9}, {0.4, 0.5}}, HeatOptions{Format: "%.2f", Marks: marks})
	require.NoError(t, err)
	var cells *heatCells
	for _, pl := range plotters(t, p) {
		if h, ok := pl.(*heatCells); ok {
			cells = h
		}
	}
	require.NotNil(t, cells)
	assert.Equal(t, marks, cells.marks)
	require.NoError(t, Save(p, 8*vg.Centimeter, 6*vg.Centimeter, filepath.Join(t.TempDir(), "m.png")))
}
