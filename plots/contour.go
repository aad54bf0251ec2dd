package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Path is one optimizer's trajectory through a 2-D parameter space.
type Path struct {
	Name string
	X, Y []float64
}

// ContourGrid is the number of samples of f per axis in [Contour].
const ContourGrid = 121

// Contour draws contour lines of log10 f over xr × yr (grey, darker =
// lower f; levels evenly spaced in log10 f, about a dozen) with the
// trajectories on top: a line per path in the optimizer's colour, an open
// circle at the start and the optimizer's marker at the end. The legend
// states the contour levels. Samples where f is non-finite or ≤ 0 are
// shown at the lowest level and counted in the Note; non-finite path points
// are dropped and counted; path points outside the region are clipped and
// mentioned. An error is returned only for a nil f or an empty or
// non-finite range.
func Contour(title, xLabel, yLabel string, f func(x, y float64) float64, xr, yr [2]float64, paths []Path) (*plot.Plot, Note, error) {
	if f == nil {
		return nil, Note{}, errors.New("plots: Contour: nil function")
	}
	for _, r := range [][2]float64{xr, yr} {
		if !finite(r[0]) || !finite(r[1]) || !(r[0] < r[1]) {
			return nil, Note{}, fmt.Errorf("plots: Contour: invalid range [%v, %v]", r[0], r[1])
		}
	}
	p := newPlot(title, xLabel, yLabel, gridNone)
	var nb noteBuilder
	g := &logGrid{x0: xr[0], x1: xr[1], y0: yr[0], y1: yr[1], n: ContourGrid}
	g.z = make([]float64, g.n*g.n)
	zs := newSpan()
	bad := 0
	for r := range g.n {
		for c := range g.n {
			v := f(g.X(c), g.Y(r))
			if !ok(v, true) {
				g.z[r*g.n+c] = math.NaN()
				bad++
				continue
			}
			z := math.Log10(v)
			g.z[r*g.n+c] = z
			zs.add(z)
		}
	}
	if bad > 0 {
		nb.drop("grid sample", "with non-positive or non-finite f shown at the lowest contour level", "", bad)
		for i, z := range g.z {
			if math.IsNaN(z) {
				g.z[i] = zs.min // NaN when everything is bad; then nothing is drawn
			}
		}
	}
	leg := newSideLegend()
	var levels []float64
	var step float64
	if !zs.empty() {
		levels, step = contourLevels(zs.min, zs.max)
	}
	if len(levels) > 0 {
		grey := greys(len(levels))
		ct := plotter.NewContour(g, levels, grey)
		ct.LineStyles = []draw.LineStyle{{Width: vg.Points(0.6)}}
		ct.Min, ct.Max = levels[0], levels[len(levels)-1]
		p.Add(ct)
	}

	drawn := 0
	outside := 0
	var lines []plot.Plotter
	for _, path := range paths {
		var pts plotter.XYs
		for i := range max(len(path.X), len(path.Y)) {
			x, y := at(path.X, i), at(path.Y, i)
			if !finite(x) || !finite(y) {
				nb.drop("path point", "with non-finite coordinates not drawn", path.Name, 1)
				continue
			}
			if x < xr[0] || x > xr[1] || y < yr[0] || y > yr[1] {
				outside++
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
		if len(pts) == 0 {
			continue
		}
		drawn++
		look := Style(path.Name)
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, Note{}, err
		}
		l.LineStyle = look.Line(vg.Points(1.4))
		start, err := plotter.NewScatter(pts[:1])
		if err != nil {
			return nil, Note{}, err
		}
		start.GlyphStyle = startGlyph(look.Color)
		end, err := plotter.NewScatter(pts[len(pts)-1:])
		if err != nil {
			return nil, Note{}, err
		}
		end.GlyphStyle = look.Glyph(markRadius * 1.4)
		lines = append(lines, l, start, end)
		leg.add(seriesName(path.Name), optimizerThumbs(path.Name)...)
	}
	p.Add(lines...)
	if drawn > 0 {
		leg.add("start", glyphThumb(startGlyph(refColor)))
	}
	if len(levels) > 0 {
		leg.add("")
		leg.add("contours of f:")
		leg.add(fmt.Sprintf("%s (dark) to %s", fmtLevel(levels[0]), fmtLevel(levels[len(levels)-1])))
		leg.add("step " + fmtStep(step))
	}
	p.Add(leg)
	if outside > 0 {
		nb.remark("%d path %s outside the plotted region (clipped)", outside, plural(outside, "point"))
	}
	p.X.Min, p.X.Max = xr[0], xr[1]
	p.Y.Min, p.Y.Max = yr[0], yr[1]
	empty := len(levels) == 0 && drawn == 0
	if empty {
		markEmpty(p)
	}
	return p, nb.note(empty), nil
}

func startGlyph(c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(3.5), Shape: ringGlyph{width: vg.Points(1.3)}}
}

// contourLevels returns levels evenly spaced in log10 f at a "nice" step
// (a quarter decade up to 10 decades), at most about 14 of them, strictly
// inside (lo, hi).
func contourLevels(lo, hi float64) ([]float64, float64) {
	if !(hi > lo) {
		return nil, 0
	}
	var step float64
	for _, s := range []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100} {
		step = s
		if (hi-lo)/s <= 14 {
			break
		}
	}
	var levels []float64
	for k := math.Floor(lo/step) + 1; k*step < hi; k++ {
		levels = append(levels, k*step)
	}
	if len(levels) == 0 {
		levels = []float64{(lo + hi) / 2}
	}
	return levels, step
}

// fmtLevel prints a log10 level as a value of f.
func fmtLevel(z float64) string {
	if z == math.Round(z) {
		return fmtPow10(int(z))
	}
	return fmtValue(math.Pow(10, z))
}

func fmtStep(step float64) string {
	switch {
	case step == 1:
		return "×10 (one decade)"
	case step < 1:
		return fmt.Sprintf("%g decade", step)
	}
	return fmt.Sprintf("%g decades", step)
}

// greys is a palette from dark grey (lowest level) to light grey.
type greys int

func (n greys) Colors() []color.Color {
	cs := make([]color.Color, max(int(n), 1))
	for i := range cs {
		t := 0.0
		if len(cs) > 1 {
			t = float64(i) / float64(len(cs)-1)
		}
		y := uint8(0x40 + t*(0xC8-0x40))
		cs[i] = color.Gray{Y: y}
	}
	return cs
}

var _ palette.Palette = greys(0)

// logGrid samples log10 f on a regular grid; it implements plotter.GridXYZ.
type logGrid struct {
	x0, x1, y0, y1 float64
	n              int
	z              []float64 // row-major: z[r*n+c]
}

func (g *logGrid) Dims() (c, r int)   { return g.n, g.n }
func (g *logGrid) Z(c, r int) float64 { return g.z[r*g.n+c] }
func (g *logGrid) X(c int) float64 {
	return g.x0 + (g.x1-g.x0)*float64(c)/float64(g.n-1)
}
func (g *logGrid) Y(r int) float64 {
	return g.y0 + (g.y1-g.y0)*float64(r)/float64(g.n-1)
}
