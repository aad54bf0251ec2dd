package plots

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// TestPreview renders every chart from realistic fake data for visual
// review. It runs only when OPTBENCH_PLOTS_PREVIEW names an output directory:
//
//	OPTBENCH_PLOTS_PREVIEW=/tmp/plots-preview go test -run Preview ./plots/
func TestPreview(t *testing.T) {
	dir := os.Getenv("OPTBENCH_PLOTS_PREVIEW")
	if dir == "" {
		t.Skip("set OPTBENCH_PLOTS_PREVIEW=<dir> to render preview charts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	save := func(name string, build func() (*plot.Plot, Note, error)) {
		t.Helper()
		p, n, err := build()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: note %q", name, n.Text)
		for _, ext := range []string{".png", ".svg"} {
			if err := Save(p, 16*vg.Centimeter, 10*vg.Centimeter, filepath.Join(dir, name+ext)); err != nil {
				t.Fatal(err)
			}
		}
	}
	save("convergence", previewConvergence)
	save("precision", previewPrecision)
	save("ecdf", previewECDF)
	save("boxes-log", func() (*plot.Plot, Note, error) { return previewBoxes(true) })
	save("boxes-linear", func() (*plot.Plot, Note, error) { return previewBoxes(false) })
	save("bars-log", func() (*plot.Plot, Note, error) { return previewBars(true) })
	save("bars-linear", func() (*plot.Plot, Note, error) { return previewBars(false) })
	save("contour", previewContour)
	save("edge-empty", func() (*plot.Plot, Note, error) {
		return Convergence("Loss, nothing drawable", "iterations", "MSE", []Band{{Name: "ga", X: []float64{0}, Median: []float64{0}}})
	})
	save("edge-many", previewMany)
}

type fakeOpt struct {
	name         string
	scale, alpha float64 // loss ≈ 1/(1+(x/scale)^alpha)
	floor        float64
	spread       float64 // decades between median and quartiles
}

var fakeOpts = []fakeOpt{
	{"backprop", 30, 1.2, 1e-9, 0.3},
	{"rprop+", 40, 14, 1e-30, 0.8},
	{"rprop-", 60, 5, 1e-24, 0.9},
	{"irprop+", 35, 16, 1e-30, 0.6},
	{"irprop-", 50, 12, 1e-27, 1.0},
	{"ga", 300, 2, 1e-12, 0.5},
}

func (o fakeOpt) loss(x float64) float64 {
	return math.Max(o.floor, 1/(1+math.Pow(x/o.scale, o.alpha)))
}

func previewConvergence() (*plot.Plot, Note, error) {
	var bands []Band
	for _, o := range fakeOpts {
		var b Band
		b.Name = o.name
		for i := 0; i <= 80; i++ {
			x := math.Pow(10, 4*float64(i)/80)
			m := o.loss(x)
			b.X = append(b.X, x)
			b.Median = append(b.Median, m)
			s := math.Pow(10, o.spread*math.Min(1, -math.Log10(m)/5+0.2))
			b.Q1 = append(b.Q1, math.Max(m/s, o.floor/3))
			b.Q3 = append(b.Q3, math.Min(m*s, 1.5))
		}
		bands = append(bands, b)
	}
	bands[1].Q1[60] = 0 // a quarter of rprop+ runs hit exactly 0 here
	bands[5].Median[3] = math.NaN()
	return Convergence("Training loss, XOR 2-2-1 (median and IQR over 50 seeds)", "iterations", "MSE", bands)
}

func previewPrecision() (*plot.Plot, Note, error) {
	budgets := []float64{10, 30, 100, 300, 1000, 3000, 10000}
	floors := map[string]float64{"backprop": 3.2e-3, "rprop+": 2.1e-16, "rprop-": 4.4e-16, "irprop+": 1.1e-16, "irprop-": 3.1e-15, "ga": 7.7e-4}
	var series []Series
	var fl []Floor
	for _, o := range fakeOpts {
		o.floor = floors[o.name]
		s := Series{Name: o.name}
		f := Floor{Name: o.name}
		for _, b := range budgets {
			s.X = append(s.X, b)
			s.Y = append(s.Y, o.loss(b))
			if f.X == 0 && o.loss(b) == o.floor {
				f.X, f.Value = b, o.floor
			}
		}
		series = append(series, s)
		if f.X > 0 {
			fl = append(fl, f)
		}
	}
	refs := []RefLine{{1e-7, "tutorial tolerance 1e-7"}, {2.220446049250313e-16, "float64 eps 2.2e-16"}}
	return PrecisionLimit("Best error reached vs budget (median over 50 seeds)", "iteration budget", "best |error|", series, refs, fl)
}

func previewECDF() (*plot.Plot, Note, error) {
	r := rand.New(rand.NewPCG(1, 2))
	var curves []ECDFCurve
	for _, o := range fakeOpts {
		c := ECDFCurve{Name: o.name, Total: 50 * 31, Budget: 2e4}
		for run := 0; run < 50; run++ {
			for tgt := 0; tgt <= 30; tgt++ {
				target := math.Pow(10, -float64(tgt))
				// evaluations to reach target, with noise; unreachable below floor
				if target < o.floor {
					continue
				}
				x := o.scale * math.Pow(1/target-1, 1/o.alpha) * math.Exp(r.NormFloat64()*0.4)
				if x < 1 {
					x = 1
				}
				if x <= 2e4 {
					c.Reached = append(c.Reached, x)
				}
			}
		}
		curves = append(curves, c)
	}
	return ECDF("Runtime distribution, 31 targets 1..1e-30, 50 seeds", "function evaluations", "fraction of (run, target) pairs", curves)
}

func previewBoxes(logY bool) (*plot.Plot, Note, error) {
	r := rand.New(rand.NewPCG(3, 4))
	var groups []Group
	for _, o := range fakeOpts {
		g := Group{Name: o.name}
		for i := 0; i < 50; i++ {
			v := o.loss(2000) * math.Pow(10, r.NormFloat64()*o.spread)
			if !logY {
				v = 0.4 + o.alpha*0.1 + r.NormFloat64()*0.2
			}
			g.Values = append(g.Values, v)
		}
		groups = append(groups, g)
	}
	if logY {
		groups[1].Values[0] = 0
		return Boxes("Final loss after 2000 iterations (50 seeds)", "final MSE", groups, true)
	}
	return Boxes("Wall time per run (50 seeds)", "time (ms)", groups, false)
}

func previewBars(logY bool) (*plot.Plot, Note, error) {
	var bars []Bar
	for _, o := range fakeOpts {
		v := o.loss(500)
		if !logY {
			v = math.Min(1, 0.2+o.alpha/10)
		}
		bars = append(bars, Bar{Name: o.name, Value: v})
	}
	if logY {
		return Bars("Median loss at 500 iterations", "MSE", bars, true)
	}
	return Bars("Success rate (loss < 1e-7 within 10000 iterations)", "fraction of seeds", bars, false)
}

func previewContour() (*plot.Plot, Note, error) {
	rosen := func(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }
	var paths []Path
	starts := [][2]float64{{-1.5, 2}, {-1.2, 1}, {0, -0.5}, {1.8, 2.5}, {-0.5, 2.5}, {2, 1}}
	for i, o := range fakeOpts {
		x, y := starts[i][0], starts[i][1]
		p := Path{Name: o.name}
		lr := 0.00002 * float64(i+1)
		for k := 0; k < 20000; k++ {
			if k%50 == 0 {
				p.X = append(p.X, x)
				p.Y = append(p.Y, y)
			}
			gx := -2*(1-x) - 400*x*(y-x*x)
			gy := 200 * (y - x*x)
			n := math.Hypot(gx, gy)
			if n > 50 {
				gx, gy = gx*50/n, gy*50/n
			}
			x, y = x-lr*gx, y-lr*gy
		}
		paths = append(paths, p)
	}
	return Contour("Trajectories on the Rosenbrock function", "w1", "w2", rosen, [2]float64{-2, 2.2}, [2]float64{-1, 3}, paths)
}

// previewMany mixes known and unknown names to check the hashed styles and a
// long legend.
func previewMany() (*plot.Plot, Note, error) {
	names := []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga", "adam", "momentum", "lbfgs", "cma-es", "sgd lr=0.1"}
	var series []Series
	for i, n := range names {
		s := Series{Name: n}
		for _, b := range []float64{10, 100, 1000, 10000} {
			s.X = append(s.X, b)
			s.Y = append(s.Y, math.Pow(b, -float64(i+1)/3))
		}
		series = append(series, s)
	}
	return PrecisionLimit("Eleven optimizers", "budget", "best error", series, nil, nil)
}
