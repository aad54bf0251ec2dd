package plots

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Group is one optimizer's sample, e.g. final loss over seeds.
type Group struct {
	Name   string
	Values []float64
}

// Boxes draws one Tukey box plot per optimizer (box Q1..Q3, median line,
// whiskers to the furthest values within 1.5 IQR, outliers as the
// optimizer's marker), filled in its colour. The x axis names each group
// with its sample size.
//
// With logY the statistics are computed on log10 of the values and drawn on
// a linear axis whose ticks are labelled as powers of ten ("1e-16"): this
// looks like a log axis but keeps gonum's box geometry exact and applies the
// 1.5 IQR outlier rule in log space, which is what matters when values span
// many decades. (p.Y.Scale therefore stays linear and p.Y.Min/Max are
// log10 values.) With logY, exact zeros are not dropped: each group's count
// of them is drawn in a marked "= 0" strip below the axis. Values that are
// non-finite, or negative with logY, are dropped and counted in the Note.
func Boxes(title, yLabel string, groups []Group, logY bool) (*plot.Plot, Note, error) {
	p := newPlot(title, "", yLabel, gridHorizontal)
	var nb noteBuilder
	ys := newSpan()
	counts := make([]int, len(groups))
	why := "with non-finite value not drawn"
	if logY {
		why = "with non-positive or non-finite value not drawn (log scale)"
	}
	drawn := 0
	var boxes []plot.Plotter
	zeros := make([]int, len(groups))
	for i, g := range groups {
		var vs plotter.Values
		for _, v := range g.Values {
			if logY && v == 0 {
				zeros[i]++
				continue
			}
			if !ok(v, logY) {
				nb.drop("value", why, g.Name, 1)
				continue
			}
			if logY {
				v = math.Log10(v)
			}
			vs = append(vs, v)
			ys.add(v)
		}
		counts[i] = len(vs) + zeros[i]
		if len(vs) == 0 {
			if zeros[i] > 0 {
				drawn++
			}
			continue
		}
		look := Style(g.Name)
		b, err := plotter.NewBoxPlot(vg.Points(26), float64(i), vs)
		if err != nil {
			return nil, Note{}, err
		}
		edge := darken(look.Color, 0.7)
		b.FillColor = withAlpha(look.Color, 0x70)
		b.BoxStyle = draw.LineStyle{Color: edge, Width: vg.Points(1)}
		b.MedianStyle = draw.LineStyle{Color: Black, Width: vg.Points(2)}
		b.WhiskerStyle = draw.LineStyle{Color: edge, Width: vg.Points(1)}
		b.GlyphStyle = draw.GlyphStyle{Color: edge, Radius: vg.Points(2.5), Shape: look.Shape}
		boxes = append(boxes, b)
		drawn++
	}
	p.Add(boxes...)
	names := boxNames(groups, counts)
	p.NominalX(names...)
	for _, n := range names {
		if strings.Contains(n, "\n") {
			// gonum sizes multi-line tick labels without the last line's
			// descent; an invisible axis label restores the bottom margin.
			p.X.Label.Text = " "
			p.X.Label.TextStyle.Font.Size = 8
			p.X.Label.Padding = 0
			break
		}
	}
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	if len(groups) == 0 {
		p.X.Min, p.X.Max = -0.5, 0.5
	}
	p.X.Tick.Label.Font.Size = tickSize + 0.5
	if logY {
		if ys.empty() {
			p.Y.Min, p.Y.Max = 0, 1
		} else {
			p.Y.Min, p.Y.Max = math.Floor(ys.min+1e-9), math.Ceil(ys.max-1e-9)
			if p.Y.Max <= p.Y.Min {
				p.Y.Min, p.Y.Max = p.Y.Min-1, p.Y.Max+1
			}
		}
		p.Y.Tick.Marker = pow10Ticks{}
		addZeroCounts(p, zeros)
	} else {
		setLinear(&p.Y, ys)
	}
	if drawn == 0 {
		markEmpty(p)
	}
	return p, nb.note(drawn == 0), nil
}

// boxNames labels the groups; when sample sizes differ (or some values were
// dropped) each name gets a second line with its n.
func boxNames(groups []Group, counts []int) []string {
	names := make([]string, len(groups))
	same := true
	for i, g := range groups {
		if counts[i] != counts[0] || counts[i] != len(g.Values) {
			same = false
		}
	}
	for i, g := range groups {
		names[i] = seriesName(g.Name)
		switch {
		case counts[i] == 0:
			names[i] += "\nno data"
		case !same:
			names[i] += fmt.Sprintf("\nn=%d", counts[i])
		}
	}
	return names
}

// zeroCounts draws, in a strip below a log10-valued axis, each group's
// number of exact zeros.
type zeroCounts struct {
	zeros   []int
	top, at float64 // log10 values of the strip's upper edge and its row
	text    draw.TextStyle
}

// addZeroCounts widens p's y axis (log10 values) by a strip for the
// groups' zeros, when there are any.
func addZeroCounts(p *plot.Plot, zeros []int) {
	any := false
	for _, z := range zeros {
		any = any || z > 0
	}
	if !any {
		return
	}
	z := &zeroCounts{zeros: zeros, top: p.Y.Min, text: textStyle(sansFace, annotSize+0.5, mutedText)}
	gap := math.Max(0.8, 0.12*(p.Y.Max-p.Y.Min))
	p.Y.Min = z.top - gap
	z.at = z.top - gap/2
	p.Y.Tick.Marker = boxStripTicks{s: z}
	p.Add(z)
}

func (z *zeroCounts) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	y1 := ty(z.top)
	c.FillPolygon(color.Gray{Y: 0xEE}, []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: y1}, {X: c.Min.X, Y: y1}})
	c.StrokeLine2(draw.LineStyle{Color: refColor, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}, c.Min.X, y1, c.Max.X, y1)
	sty := z.text
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for i, n := range z.zeros {
		if n == 0 {
			continue
		}
		c.FillText(sty, vg.Point{X: tx(float64(i)), Y: ty(z.at)}, fmt.Sprintf("%d runs = 0", n))
	}
}

// boxStripTicks is pow10Ticks above the strip and "= 0" at its row.
type boxStripTicks struct{ s *zeroCounts }

func (t boxStripTicks) Ticks(min, max float64) []plot.Tick {
	ticks := pow10Ticks{}.Ticks(t.s.top, max)
	return append(ticks, plot.Tick{Value: t.s.at, Label: "= 0"})
}
