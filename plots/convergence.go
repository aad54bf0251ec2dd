package plots

import (
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Band is one optimizer's convergence summary across seeds: at each X
// (iteration or evaluation count, > 0) the median loss and its interquartile
// range Q1..Q3. Q1 and Q3 may be nil to draw the median alone.
type Band struct {
	Name              string
	X, Median, Q1, Q3 []float64
}

// bandAlpha is the opacity of interquartile bands: enough to see the band,
// little enough to see the bands and lines beneath it.
const bandAlpha = 0x30

// Convergence draws median loss against X on log-log axes, one line per
// optimizer with a shaded interquartile band in the same colour and the
// optimizer's marker at the last point. Exact zeros are drawn in a strip
// below the y axis (see LogY). Points with X non-finite or ≤ 0, or a
// median, Q1 or Q3 that is non-finite or negative, are left out (a band is
// split where its quartiles are missing) and counted in the Note; note
// that X = 0 (the initial loss) can not appear on a log axis.
func Convergence(title, xLabel, yLabel string, bands []Band) (*plot.Plot, Note, error) {
	return ConvergenceWith(title, xLabel, yLabel, bands, LogY{})
}

// ConvergenceWith is Convergence with control over the y axis's strip.
func ConvergenceWith(title, xLabel, yLabel string, bands []Band, o LogY) (*plot.Plot, Note, error) {
	p := newPlot(title, xLabel, yLabel, gridBoth)
	var nb noteBuilder
	xs, ys := newSpan(), newSpan()
	strip := newStrip(o)
	leg := newSideLegend()
	type prepared struct {
		b    Band
		med  plotter.XYs
		segs []plotter.XYs
	}
	var preps []prepared
	drawn := 0
	for _, b := range bands {
		// Median line.
		var med plotter.XYs
		n := max(len(b.X), len(b.Median))
		end := newEnd()
		for i := range n {
			x := at(b.X, i)
			y, yok := strip.place(at(b.Median, i))
			end.see(x, yok)
			if !ok(x, true) || !yok {
				nb.drop("median point", "with non-positive or non-finite values not drawn (log-log axes)", b.Name, 1)
				continue
			}
			med = append(med, plotter.XY{X: x, Y: y})
			xs.add(x)
			if y != stripSentinel {
				ys.add(y)
			}
		}
		sortXY(med)
		// Interquartile band, split into runs of valid points.
		var segs []plotter.XYs
		if len(b.Q1) > 0 || len(b.Q3) > 0 {
			var cur plotter.XYs // X = x, Y = q1; q3 kept in hi
			var hi []float64
			flush := func() {
				if len(cur) >= 2 {
					poly := make(plotter.XYs, 0, 2*len(cur))
					for i, pt := range cur {
						poly = append(poly, plotter.XY{X: pt.X, Y: max(pt.Y, hi[i])})
					}
					for i := len(cur) - 1; i >= 0; i-- {
						poly = append(poly, plotter.XY{X: cur[i].X, Y: min(cur[i].Y, hi[i])})
					}
					segs = append(segs, poly)
				}
				cur, hi = nil, nil
			}
			idx := sortedIndex(b.X)
			for _, i := range idx {
				x := at(b.X, i)
				q1, ok1 := strip.place(at(b.Q1, i))
				q3, ok3 := strip.place(at(b.Q3, i))
				if !ok(x, true) || !ok1 || !ok3 {
					nb.drop("quartile point", "with non-positive or non-finite X, Q1 or Q3 not shaded (log-log axes)", b.Name, 1)
					flush()
					continue
				}
				cur = append(cur, plotter.XY{X: x, Y: q1})
				hi = append(hi, q3)
				xs.add(x)
				for _, q := range []float64{q1, q3} {
					if q != stripSentinel {
						ys.add(q)
					}
				}
			}
			if extra := max(len(b.Q1), len(b.Q3)) - len(b.X); extra > 0 {
				nb.drop("quartile point", "with non-positive or non-finite X, Q1 or Q3 not shaded (log-log axes)", b.Name, extra)
			}
			flush()
		}
		if len(med) == 0 && len(segs) == 0 {
			nb.hide(b.Name)
			continue
		}
		if len(b.Median) > 0 && !end.drawn {
			nb.hide(b.Name)
		}
		drawn++
		preps = append(preps, prepared{b, med, segs})
	}
	setLog(&p.X, xs)
	setLog(&p.Y, ys)
	strip.finish(p)
	var polys, lines []plot.Plotter
	for _, pr := range preps {
		look := Style(pr.b.Name)
		for _, s := range pr.segs {
			for i := range s {
				s[i].Y = strip.y(s[i].Y)
			}
			poly, err := plotter.NewPolygon(s)
			if err != nil {
				return nil, Note{}, err
			}
			poly.Color = withAlpha(look.Color, bandAlpha)
			poly.LineStyle.Width = 0
			polys = append(polys, poly)
		}
		thumbs := []plot.Thumbnailer{}
		if len(pr.segs) > 0 {
			thumbs = append(thumbs, rectThumb(withAlpha(look.Color, bandAlpha)))
		}
		if len(pr.med) > 0 {
			for i := range pr.med {
				pr.med[i].Y = strip.y(pr.med[i].Y)
			}
			l, err := plotter.NewLine(pr.med)
			if err != nil {
				return nil, Note{}, err
			}
			l.LineStyle = look.Line(lineWidth)
			end, err := plotter.NewScatter(pr.med[len(pr.med)-1:])
			if err != nil {
				return nil, Note{}, err
			}
			end.GlyphStyle = look.Glyph(markRadius)
			lines = append(lines, l, end)
		}
		thumbs = append(thumbs, optimizerThumbs(pr.b.Name)...)
		leg.add(seriesName(pr.b.Name), thumbs...)
	}
	p.Add(polys...)
	p.Add(lines...)
	if drawn > 0 {
		p.Add(leg)
	} else {
		markEmpty(p)
	}
	if len(bands) > 0 && drawn < len(bands) {
		nb.remark("%d of %d optimizers had nothing drawable", len(bands)-drawn, len(bands))
	}
	return p, nb.note(drawn == 0), nil
}

// sortedIndex returns the indices of x in increasing x order (NaNs last).
func sortedIndex(x []float64) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		xa, xb := x[idx[a]], x[idx[b]]
		if math.IsNaN(xb) {
			return !math.IsNaN(xa)
		}
		return xa < xb
	})
	return idx
}
