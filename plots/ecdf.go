package plots

import (
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// ECDFCurve is one optimizer's runtime distribution, COCO style: Reached
// holds, for every (run, target) pair that was reached, the number of
// evaluations it took; Total is the number of all (run, target) pairs,
// reached or not. Budget, if > 0, is where the curve ends (e.g. the
// evaluation budget); otherwise all curves run to the largest value
// reached by any optimizer.
type ECDFCurve struct {
	Name    string
	Reached []float64
	Total   int
	Budget  float64
}

// ECDF draws, per optimizer, the fraction of (run, target) pairs reached
// (0..1, linear y) against evaluations (log x) as a step line ending in the
// optimizer's marker. Non-finite or non-positive evaluation counts are
// dropped and counted in the Note; a Total smaller than the number of
// reached pairs is raised to it and reported.
func ECDF(title, xLabel, yLabel string, curves []ECDFCurve) (*plot.Plot, Note, error) {
	p := newPlot(title, xLabel, yLabel, gridBoth)
	var nb noteBuilder
	xs := newSpan()
	type prepared struct {
		c     ECDFCurve
		r     []float64
		total int
	}
	var preps []prepared
	for _, c := range curves {
		var r []float64
		for _, v := range c.Reached {
			if !ok(v, true) {
				nb.drop("evaluation count", "with non-positive or non-finite value not drawn (log scale)", c.Name, 1)
				continue
			}
			r = append(r, v)
			xs.add(v)
		}
		sort.Float64s(r)
		total := c.Total
		if total < len(r) {
			if total > 0 || len(r) > 0 {
				nb.remark("%s: Total %d < %d reached pairs, using %d", seriesName(c.Name), total, len(r), len(r))
			}
			total = len(r)
		}
		if total == 0 {
			nb.remark("%s: no (run, target) pairs", seriesName(c.Name))
			continue
		}
		if ok(c.Budget, true) {
			xs.add(c.Budget)
		}
		preps = append(preps, prepared{c: c, r: r, total: total})
	}
	leg := newSideLegend()
	var lines []plot.Plotter
	empty := xs.empty()
	if !empty {
		for _, pr := range preps {
			end := xs.max
			if ok(pr.c.Budget, true) {
				end = math.Max(pr.c.Budget, lastOr(pr.r, 0))
			}
			pts := plotter.XYs{{X: xs.min, Y: 0}}
			for k, v := range pr.r {
				pts = append(pts, plotter.XY{X: v, Y: float64(k+1) / float64(pr.total)})
			}
			frac := float64(len(pr.r)) / float64(pr.total)
			pts = append(pts, plotter.XY{X: end, Y: frac})
			look := Style(pr.c.Name)
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, Note{}, err
			}
			l.StepStyle = plotter.PostStep
			l.LineStyle = look.Line(lineWidth)
			m, err := plotter.NewScatter(pts[len(pts)-1:])
			if err != nil {
				return nil, Note{}, err
			}
			m.GlyphStyle = look.Glyph(markRadius)
			lines = append(lines, l, m)
			leg.add(seriesName(pr.c.Name), optimizerThumbs(pr.c.Name)...)
		}
	}
	p.Add(lines...)
	p.Add(leg)
	setLog(&p.X, xs)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = fractionTicks
	if empty {
		markEmpty(p)
	}
	return p, nb.note(empty), nil
}

var fractionTicks = plot.ConstantTicks{
	{Value: 0, Label: "0"}, {Value: 0.1}, {Value: 0.2, Label: "0.2"}, {Value: 0.3},
	{Value: 0.4, Label: "0.4"}, {Value: 0.5}, {Value: 0.6, Label: "0.6"}, {Value: 0.7},
	{Value: 0.8, Label: "0.8"}, {Value: 0.9}, {Value: 1, Label: "1"},
}

func lastOr(s []float64, def float64) float64 {
	if len(s) == 0 {
		return def
	}
	return s[len(s)-1]
}
