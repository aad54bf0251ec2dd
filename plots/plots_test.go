package plots

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

// kinds counts the plot's plotters by type name ("*plotter.Line",
// "*plots.sideLegend", ...). gonum keeps them unexported, so read them
// through reflection.
func kinds(t *testing.T, p *plot.Plot) map[string]int {
	t.Helper()
	v := reflect.ValueOf(p).Elem().FieldByName("plotters")
	require.True(t, v.IsValid(), "plot.Plot has no plotters field any more")
	m := map[string]int{}
	for i := range v.Len() {
		m[v.Index(i).Elem().Type().String()]++
	}
	return m
}

// legendTexts returns the entries of the plot's side legend, if any.
func legendTexts(t *testing.T, p *plot.Plot) []string {
	t.Helper()
	v := reflect.ValueOf(p).Elem().FieldByName("plotters")
	var out []string
	for i := range v.Len() {
		e := v.Index(i).Elem()
		if e.Type() != reflect.TypeFor[*sideLegend]() {
			continue
		}
		entries := e.Elem().FieldByName("entries")
		for j := range entries.Len() {
			out = append(out, entries.Index(j).FieldByName("text").String())
		}
	}
	return out
}

// tickLabels returns the labels of an axis's major ticks.
func tickLabels(a plot.Axis) []string {
	var out []string
	for _, tk := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if tk.Label != "" && tk.Value >= a.Min-1e-9*math.Abs(a.Min) && tk.Value <= a.Max+1e-9*math.Abs(a.Max) {
			out = append(out, tk.Label)
		}
	}
	return out
}

// render draws p to PNG and SVG bytes through Save, failing on any error
// (Save turns gonum panics into errors).
func render(t *testing.T, p *plot.Plot) {
	t.Helper()
	dir := t.TempDir()
	for _, ext := range []string{".png", ".svg"} {
		path := filepath.Join(dir, "chart"+ext)
		require.NoError(t, Save(p, 16*vg.Centimeter, 10*vg.Centimeter, path))
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Positive(t, fi.Size())
	}
}

func TestStyle(t *testing.T) {
	main := []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga"}
	seen := map[any]string{}
	for _, n := range main {
		l := Style(n)
		assert.Nil(t, l.Dashes, n)
		require.NotNil(t, l.Shape, n)
		_, dup := seen[l.Color]
		assert.False(t, dup, "%s shares a colour with %s", n, seen[l.Color])
		seen[l.Color] = n
		shape := reflect.TypeOf(l.Shape).String()
		_, dup = seen[shape]
		assert.False(t, dup, "%s shares a marker with %s", n, seen[shape])
		seen[shape] = n
	}
	tests := []struct {
		name string
		want Look
	}{
		{"backprop", Look{Color: Orange, Shape: draw.CircleGlyph{}}},
		{"  RPROP+ ", Look{Color: SkyBlue, Shape: draw.BoxGlyph{}}},
		{"irprop-", Look{Color: Vermillion, Shape: InvertedPyramidGlyph{}}},
		{"ga", Look{Color: ReddishPurple, Shape: BoldCrossGlyph{}}},
		{"adam", Look{Color: Black, Shape: BoldPlusGlyph{}}},
		{"momentum", Look{Color: Yellow, Shape: BoldRingGlyph{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Style(tc.name)
			assert.Equal(t, tc.want.Color, got.Color)
			assert.Equal(t, tc.want.Shape, got.Shape)
		})
	}
	t.Run("unknown names are deterministic and dashed", func(t *testing.T) {
		for _, n := range []string{"lbfgs", "cmaes", "sgd lr=0.1", ""} {
			a, b := Style(n), Style(n)
			assert.Equal(t, a, b, n)
			assert.NotEmpty(t, a.Dashes, n)
			assert.NotEqual(t, Yellow, a.Color, n)
		}
		assert.Equal(t, Style("LBFGS"), Style("lbfgs"))
	})
}

func TestConvergence(t *testing.T) {
	x := []float64{1, 10, 100, 1000}
	good := []Band{
		{Name: "rprop+", X: x, Median: []float64{1, 1e-3, 1e-9, 1e-20}, Q1: []float64{0.5, 1e-4, 1e-10, 1e-22}, Q3: []float64{2, 1e-2, 1e-8, 1e-18}},
		{Name: "backprop", X: x, Median: []float64{1, 0.5, 0.1, 0.01}},
	}
	tests := []struct {
		name        string
		bands       []Band
		kinds       map[string]int
		legend      []string
		xmin, xmax  float64
		ymin, ymax  float64
		dropped     int
		empty       bool
		noteHas     []string
		titleSuffix bool
	}{
		{
			name:   "clean",
			bands:  good,
			kinds:  map[string]int{"*plotter.Grid": 1, "*plotter.Polygon": 1, "*plotter.Line": 2, "*plotter.Scatter": 2, "*plots.sideLegend": 1},
			legend: []string{"rprop+", "backprop"},
			xmin:   1, xmax: 1000, ymin: 1e-22, ymax: 2,
		},
		{
			name: "bad values are dropped and counted",
			bands: []Band{{
				Name:   "ga",
				X:      []float64{0, 1, 10, 100, 1000, 1e4},
				Median: []float64{1, nan, 0.5, -1, 0.1, inf},
				Q1:     []float64{1, 1, -1, 0.05, 0.05, 0.01},
				Q3:     []float64{1, 1, 1, 0.2, 0.2, 0.1},
			}},
			// median kept at x=10, 1000; band: x=1 alone (too short), x=100..1e4
			kinds:  map[string]int{"*plotter.Grid": 1, "*plotter.Polygon": 1, "*plotter.Line": 1, "*plotter.Scatter": 1, "*plots.sideLegend": 1},
			legend: []string{"ga"},
			xmin:   1, xmax: 1e4, ymin: 0.01, ymax: 1,
			dropped: 4 + 2,
			noteHas: []string{"4 median points", "ga 4", "2 quartile points", "log-log"},
		},
		{
			name: "exact zeros go to the strip below the axis",
			bands: []Band{{Name: "rprop+", X: x, Median: []float64{1, 1e-3, 0, 0}, Q1: []float64{0.5, 0, 0, 0}, Q3: []float64{2, 1e-2, 1e-5, 0}},
				{Name: "backprop", X: x, Median: []float64{1, 0.5, 0.1, 0.01}}},
			kinds:  map[string]int{"*plotter.Grid": 1, "*plotter.Polygon": 1, "*plotter.Line": 2, "*plotter.Scatter": 2, "*plots.sideLegend": 1, "*plots.yStrip": 1},
			legend: []string{"rprop+", "backprop"},
			// Data 1e-5..2 → axis 1e-5..2 (5.3 decades); the strip adds
			// max(1, 0.15·5.3) = 1 decade below.
			xmin: 1, xmax: 1000, ymin: 1e-6, ymax: 2,
		},
		{
			name:  "nothing drawable",
			bands: []Band{{Name: "ga", X: []float64{0, -1}, Median: []float64{1, 1}}},
			kinds: map[string]int{"*plotter.Grid": 1, "plots.centreText": 1},
			xmin:  1, xmax: 10, ymin: 1, ymax: 10,
			dropped:     2,
			empty:       true,
			noteHas:     []string{"no drawable data", "2 median points"},
			titleSuffix: true,
		},
		{
			name:  "no bands",
			kinds: map[string]int{"*plotter.Grid": 1, "plots.centreText": 1},
			xmin:  1, xmax: 10, ymin: 1, ymax: 10,
			empty:       true,
			noteHas:     []string{"no drawable data"},
			titleSuffix: true,
		},
		{
			name:   "single point",
			bands:  []Band{{Name: "adam", X: []float64{5}, Median: []float64{1e-3}}},
			kinds:  map[string]int{"*plotter.Grid": 1, "*plotter.Line": 1, "*plotter.Scatter": 1, "*plots.sideLegend": 1},
			legend: []string{"adam"},
			xmin:   0.5, xmax: 50, ymin: 1e-4, ymax: 1e-2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, note, err := Convergence("Loss", "iterations", "MSE", tc.bands)
			require.NoError(t, err)
			require.NotNil(t, p)
			assert.Equal(t, tc.kinds, kinds(t, p))
			assert.Equal(t, tc.legend, legendTexts(t, p))
			assert.Equal(t, "iterations", p.X.Label.Text)
			assert.Equal(t, "MSE", p.Y.Label.Text)
			assert.IsType(t, plot.LogScale{}, p.X.Scale)
			assert.IsType(t, plot.LogScale{}, p.Y.Scale)
			assert.InEpsilon(t, tc.xmin, p.X.Min, 1e-9)
			assert.InEpsilon(t, tc.xmax, p.X.Max, 1e-9)
			assert.InEpsilon(t, tc.ymin, p.Y.Min, 1e-9)
			assert.InEpsilon(t, tc.ymax, p.Y.Max, 1e-9)
			assert.Equal(t, tc.dropped, note.Dropped)
			assert.Equal(t, tc.empty, note.Empty)
			for _, s := range tc.noteHas {
				assert.Contains(t, note.Text, s)
			}
			if len(tc.noteHas) == 0 {
				assert.Empty(t, note.Text)
			}
			if tc.titleSuffix {
				assert.Equal(t, "Loss (no data)", p.Title.Text)
			} else {
				assert.Equal(t, "Loss", p.Title.Text)
			}
			render(t, p)
		})
	}
}

func TestPrecisionLimit(t *testing.T) {
	series := []Series{
		{Name: "rprop+", X: []float64{10, 100, 1000}, Y: []float64{1e-3, 1e-12, 3.1e-15}},
		{Name: "ga", X: []float64{10, 100, 1000, 0}, Y: []float64{0.5, 0.1, 0.01, 1}},
	}
	refs := []RefLine{{1e-7, "tutorial tolerance 1e-7"}, {2.220446049250313e-16, "float64 eps"}, {0, "bad"}, {nan, "worse"}}
	floors := []Floor{{Name: "rprop+", X: 1000, Value: 3.1e-15}, {Name: "ga", Value: 0.01}, {Name: "adam", Value: 1e-9}}

	p, note, err := PrecisionLimit("Precision", "budget", "best error", series, refs, floors)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{
		"*plotter.Grid": 1, "*plots.refLines": 1, "*plotter.Line": 2, "*plotter.Scatter": 2,
		"plots.refLabels": 1, "*plots.floorMarks": 1, "*plots.sideLegend": 1,
	}, kinds(t, p))
	assert.Equal(t, []string{"rprop+", "ga", "floor (value)"}, legendTexts(t, p))
	assert.IsType(t, plot.LogScale{}, p.X.Scale)
	assert.IsType(t, plot.LogScale{}, p.Y.Scale)
	assert.InEpsilon(t, 10.0, p.X.Min, 1e-9)
	assert.InEpsilon(t, 1000.0, p.X.Max, 1e-9)
	assert.InEpsilon(t, 2e-16, p.Y.Min, 1e-9, "eps reference line must be in range")
	assert.InEpsilon(t, 0.5, p.Y.Max, 1e-9)
	// 1 ga point at x=0, 2 refs, 1 floor without X nor series.
	assert.Equal(t, 4, note.Dropped)
	assert.Contains(t, note.Text, "1 point with non-positive or non-finite values not drawn (log-log axes): ga 1")
	assert.Contains(t, note.Text, "2 reference lines")
	assert.Contains(t, note.Text, "1 floor")
	assert.False(t, note.Empty)

	// The ga floor without X sits at ga's last drawable X.
	fm := reflect.ValueOf(p).Elem().FieldByName("plotters")
	for i := range fm.Len() {
		if e := fm.Index(i).Elem(); e.Type() == reflect.TypeFor[*floorMarks]() {
			fl := e.Elem().FieldByName("floors")
			require.Equal(t, 2, fl.Len())
			assert.Equal(t, 1000.0, fl.Index(1).FieldByName("X").Float())
		}
	}
	render(t, p)

	t.Run("only references", func(t *testing.T) {
		p, note, err := PrecisionLimit("P", "b", "e", nil, refs[:2], nil)
		require.NoError(t, err)
		assert.True(t, note.Empty)
		assert.Equal(t, "P (no data)", p.Title.Text)
		render(t, p)
	})
}

func TestECDF(t *testing.T) {
	tests := []struct {
		name       string
		curves     []ECDFCurve
		lines      int
		xmin, xmax float64
		dropped    int
		noteHas    []string
		empty      bool
	}{
		{
			name: "clean",
			curves: []ECDFCurve{
				{Name: "rprop+", Reached: []float64{30, 10, 20, 200}, Total: 8},
				{Name: "ga", Reached: []float64{500}, Total: 8, Budget: 2000},
			},
			lines: 2, xmin: 10, xmax: 2000,
		},
		{
			name:   "bad evaluations and short total",
			curves: []ECDFCurve{{Name: "ga", Reached: []float64{0, nan, 5, 50, inf}, Total: 1}},
			lines:  1, xmin: 5, xmax: 50,
			dropped: 3,
			noteHas: []string{"3 evaluation counts", "ga 3", "Total 1 < 2 reached pairs"},
		},
		{
			name:   "nothing reached",
			curves: []ECDFCurve{{Name: "ga", Total: 10}},
			lines:  1, xmin: 1, xmax: 10,
			empty:   true,
			noteHas: []string{"no drawable data"},
		},
		{
			name:   "no pairs at all",
			curves: []ECDFCurve{{Name: "ga"}},
			lines:  0, xmin: 1, xmax: 10,
			empty:   true,
			noteHas: []string{"ga: no (run, target) pairs"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, note, err := ECDF("Runtime", "evaluations", "fraction reached", tc.curves)
			require.NoError(t, err)
			k := kinds(t, p)
			if tc.empty {
				tc.lines = 0
			}
			assert.Equal(t, tc.lines, k["*plotter.Line"])
			assert.Equal(t, tc.lines, k["*plotter.Scatter"])
			assert.IsType(t, plot.LogScale{}, p.X.Scale)
			assert.IsType(t, plot.LinearScale{}, p.Y.Scale)
			assert.Equal(t, 0.0, p.Y.Min)
			assert.Equal(t, 1.0, p.Y.Max)
			assert.InEpsilon(t, tc.xmin, p.X.Min, 1e-9)
			assert.InEpsilon(t, tc.xmax, p.X.Max, 1e-9)
			assert.Equal(t, tc.dropped, note.Dropped)
			assert.Equal(t, tc.empty, note.Empty)
			for _, s := range tc.noteHas {
				assert.Contains(t, note.Text, s)
			}
			render(t, p)
		})
	}
}

func TestBoxes(t *testing.T) {
	groups := []Group{
		{Name: "rprop+", Values: []float64{1e-20, 1e-18, 1e-19, 3e-19, 0, -1, nan}},
		{Name: "ga", Values: []float64{1e-3, 2e-3, 5e-3, 1e-2}},
		{Name: "adam", Values: []float64{inf}},
	}
	tests := []struct {
		name       string
		logY       bool
		boxes      int
		ymin, ymax float64
		yLabels    []string
		dropped    int
		noteHas    string
	}{
		// The exact 0 of rprop+ goes to the "= 0" strip, 0.12 × 18 = 2.16
		// decades below the axis (its row at half that).
		{name: "log", logY: true, boxes: 2, ymin: -22.16, ymax: -2, yLabels: []string{"1e-18", "1e-15", "1e-12", "1e-9", "1e-6", "1e-3", "= 0"}, dropped: 3,
			noteHas: "3 values with non-positive or non-finite value not drawn (log scale): rprop+ 2, adam 1"},
		{name: "linear", logY: false, boxes: 2, ymin: -1, ymax: 0.5, yLabels: []string{"-1.0", "-0.5", "0.0", "0.5"}, dropped: 2,
			noteHas: "2 values with non-finite value not drawn: rprop+ 1, adam 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, note, err := Boxes("Final loss", "MSE", groups, tc.logY)
			require.NoError(t, err)
			assert.Equal(t, tc.boxes, kinds(t, p)["*plotter.BoxPlot"])
			assert.IsType(t, plot.LinearScale{}, p.Y.Scale, "log boxes are drawn as log10 values on a linear axis")
			assert.InDelta(t, tc.ymin, p.Y.Min, 1e-9)
			assert.InDelta(t, tc.ymax, p.Y.Max, 1e-9)
			assert.Equal(t, -0.5, p.X.Min)
			assert.Equal(t, 2.5, p.X.Max)
			labels := tickLabels(p.Y)
			assert.Equal(t, tc.yLabels, labels)
			assert.Equal(t, tc.dropped, note.Dropped)
			assert.Equal(t, tc.noteHas, note.Text)
			if tc.logY {
				var z *zeroCounts
				for _, pl := range plotters(t, p) {
					if v, ok := pl.(*zeroCounts); ok {
						z = v
					}
				}
				require.NotNil(t, z)
				assert.Equal(t, []int{1, 0, 0}, z.zeros)
				assert.InDelta(t, -21.08, z.at, 1e-9)
			}
			x := tickLabels(p.X)
			assert.Equal(t, "adam\nno data", x[2])
			assert.True(t, strings.HasPrefix(x[0], "rprop+\nn="), x[0])
			render(t, p)
		})
	}
	t.Run("all empty", func(t *testing.T) {
		p, note, err := Boxes("B", "y", []Group{{Name: "ga"}}, true)
		require.NoError(t, err)
		assert.True(t, note.Empty)
		assert.Equal(t, "B (no data)", p.Title.Text)
		render(t, p)
	})
	t.Run("equal sizes need no n", func(t *testing.T) {
		p, _, err := Boxes("B", "y", []Group{{Name: "ga", Values: []float64{1, 2}}, {Name: "adam", Values: []float64{3, 3}}}, false)
		require.NoError(t, err)
		assert.Equal(t, []string{"ga", "adam"}, tickLabels(p.X))
		render(t, p)
	})
}

func TestBars(t *testing.T) {
	bars := []Bar{{"rprop+", 3.1e-15}, {"ga", 0.02}, {"adam", 0}, {"backprop", nan}}
	tests := []struct {
		name       string
		logY       bool
		scale      plot.Normalizer
		ymin, ymax float64
		dropped    int
	}{
		{"log", true, plot.LogScale{}, 1e-16, 0.1, 2},
		{"linear", false, plot.LinearScale{}, 0, 0.02, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, note, err := Bars("Median loss", "MSE", bars, tc.logY)
			require.NoError(t, err)
			assert.Equal(t, 1, kinds(t, p)["*plots.barPlotter"])
			assert.IsType(t, tc.scale, p.Y.Scale)
			assert.InEpsilon(t, tc.ymax, p.Y.Max, 1e-9)
			assert.InDelta(t, tc.ymin, p.Y.Min, 1e-30)
			assert.Equal(t, []string{"rprop+", "ga", "adam", "backprop"}, tickLabels(p.X))
			assert.Equal(t, tc.dropped, note.Dropped)
			assert.Contains(t, note.Text, "backprop 1")
			assert.False(t, note.Empty)
			render(t, p)
		})
	}
	t.Run("all bad", func(t *testing.T) {
		p, note, err := Bars("B", "y", []Bar{{"ga", -1}}, true)
		require.NoError(t, err)
		assert.True(t, note.Empty)
		assert.Equal(t, 1, note.Dropped)
		render(t, p)
	})
}

func TestContour(t *testing.T) {
	sphere := func(x, y float64) float64 { return x*x + y*y } // exactly 0 at the origin grid sample
	paths := []Path{
		{Name: "rprop+", X: []float64{-0.8, -0.4, 0.1, 0}, Y: []float64{0.9, 0.3, nan, 0.01}},
		{Name: "ga", X: []float64{0.5, 3}, Y: []float64{0.5, 0.5}},
	}
	p, note, err := Contour("Sphere", "w1", "w2", sphere, [2]float64{-1, 1}, [2]float64{-1, 1}, paths)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"*plotter.Contour": 1, "*plotter.Line": 2, "*plotter.Scatter": 4, "*plots.sideLegend": 1}, kinds(t, p))
	assert.Equal(t, []float64{-1, 1, -1, 1}, []float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max})
	assert.Equal(t, "w1", p.X.Label.Text)
	assert.Equal(t, 2, note.Dropped) // the f=0 sample and the NaN path point
	assert.Contains(t, note.Text, "1 grid sample with non-positive or non-finite f")
	assert.Contains(t, note.Text, "1 path point with non-finite coordinates not drawn: rprop+ 1")
	assert.Contains(t, note.Text, "1 path point outside the plotted region")
	legend := legendTexts(t, p)
	assert.Equal(t, []string{"rprop+", "ga", "start"}, legend[:3])
	assert.Contains(t, legend, "contours of f:")
	render(t, p)

	t.Run("errors", func(t *testing.T) {
		_, _, err := Contour("C", "x", "y", nil, [2]float64{0, 1}, [2]float64{0, 1}, nil)
		assert.Error(t, err)
		_, _, err = Contour("C", "x", "y", sphere, [2]float64{1, 1}, [2]float64{0, 1}, nil)
		assert.Error(t, err)
		_, _, err = Contour("C", "x", "y", sphere, [2]float64{0, 1}, [2]float64{nan, 1}, nil)
		assert.Error(t, err)
	})
	t.Run("constant and hopeless functions", func(t *testing.T) {
		for name, f := range map[string]func(x, y float64) float64{
			"constant": func(x, y float64) float64 { return 3 },
			"negative": func(x, y float64) float64 { return -1 },
			"nan":      func(x, y float64) float64 { return nan },
		} {
			p, note, err := Contour("C", "x", "y", f, [2]float64{0, 1}, [2]float64{0, 1}, nil)
			require.NoError(t, err, name)
			assert.True(t, note.Empty, name)
			render(t, p)
		}
	})
}

func TestSave(t *testing.T) {
	p, _, err := Bars("Bars", "y", []Bar{{"ga", 1}, {"adam", 2}}, false)
	require.NoError(t, err)
	magic := map[string][]byte{
		".png": []byte("\x89PNG\r\n\x1a\n"),
		".PNG": []byte("\x89PNG\r\n\x1a\n"),
		".svg": []byte("<?xml"),
	}
	dir := t.TempDir()
	for ext, want := range magic {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(dir, "chart"+ext)
			require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
			require.NoError(t, Save(p, 16*vg.Centimeter, 10*vg.Centimeter, path))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Greater(t, len(b), 500)
			assert.True(t, bytes.HasPrefix(b, want), "%q", b[:min(len(b), 16)])
			if ext == ".svg" {
				assert.Contains(t, string(b), "<svg")
			}
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, len(magic), "no temporary files left behind")

	errs := []struct {
		name, path string
		p          *plot.Plot
		w          vg.Length
		has        string
	}{
		{"extension", filepath.Join(dir, "chart.gif"), p, vg.Centimeter, "unsupported extension"},
		{"directory", filepath.Join(dir, "missing", "chart.png"), p, vg.Centimeter, "missing"},
		{"nil plot", filepath.Join(dir, "nil.png"), nil, vg.Centimeter, "nil plot"},
		{"size", filepath.Join(dir, "zero.png"), p, 0, "invalid size"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			err := Save(tc.p, tc.w, vg.Centimeter, tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.path)
			assert.Contains(t, err.Error(), tc.has)
		})
	}
	t.Run("gonum panic becomes an error", func(t *testing.T) {
		bad := plot.New()
		bad.X.Scale = plot.LogScale{}
		bad.X.Min, bad.X.Max = -1, 1
		err := Save(bad, vg.Centimeter*5, vg.Centimeter*5, filepath.Join(dir, "bad.png"))
		require.Error(t, err)
		_, statErr := os.Stat(filepath.Join(dir, "bad.png"))
		assert.True(t, os.IsNotExist(statErr))
	})
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name     string
		ticker   plot.Ticker
		min, max float64
		labels   []string
	}{
		{"log wide", logTicks{}, 1e-30, 1, []string{"1e-30", "1e-25", "1e-20", "1e-15", "1e-10", "1e-5", "1"}},
		{"log counts", logTicks{}, 1, 1e4, []string{"1", "10", "100", "1000", "10000"}},
		{"log big", logTicks{}, 1, 1e6, []string{"1", "10", "100", "1000", "10000", "1e5", "1e6"}},
		{"log narrow", logTicks{}, 2e-3, 8e-3, []string{"0.002", "0.005"}},
		{"log bad", logTicks{}, 0, 1, nil},
		{"pow10", pow10Ticks{}, -16, -9, []string{"1e-16", "1e-14", "1e-12", "1e-10"}},
		{"linear", linTicks{}, 0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{"linear negative", linTicks{}, -2, 2.2, []string{"-2", "-1", "0", "1", "2"}},
		{"linear bad", linTicks{}, 1, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := plot.Axis{Min: tc.min, Max: tc.max}
			a.Tick.Marker = tc.ticker
			assert.Equal(t, tc.labels, tickLabels(a))
		})
	}
}

func TestFmtValue(t *testing.T) {
	for v, want := range map[float64]string{
		3.1e-15: "3.1e-15", 3e-15: "3e-15", 0: "0", 0.0331: "0.0331", 0.5: "0.5",
		12.34: "12.3", 3162.3: "3162", 2.5e6: "2.5e6", -4.4e-16: "-4.4e-16",
	} {
		assert.Equal(t, want, fmtValue(v), "%v", v)
	}
}

func TestNoteText(t *testing.T) {
	var nb noteBuilder
	nb.drop("point", "not drawn", "a", 1)
	nb.drop("point", "not drawn", "b", 2)
	nb.drop("point", "not drawn", "a", 1)
	nb.drop("sample", "ignored", "", 1)
	nb.remark("see %s", "above")
	n := nb.note(false)
	assert.Equal(t, Note{Dropped: 5, Text: "4 points not drawn: a 2, b 2; 1 sample ignored; see above"}, n)
	assert.Equal(t, n.Text, n.String())
	assert.Equal(t, Note{}, new(noteBuilder).note(false))
}

// plotters returns the plot's plotters (gonum keeps them unexported).
func plotters(t *testing.T, p *plot.Plot) []plot.Plotter {
	t.Helper()
	v := reflect.ValueOf(p).Elem().FieldByName("plotters")
	require.True(t, v.IsValid(), "plot.Plot has no plotters field any more")
	out := make([]plot.Plotter, v.Len())
	for i := range v.Len() {
		e := v.Index(i)
		out[i] = reflect.NewAt(e.Type(), unsafe.Pointer(e.UnsafeAddr())).Elem().Interface().(plot.Plotter)
	}
	return out
}
