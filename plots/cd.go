package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CDDiagram draws a critical-difference diagram (Demšar 2006, "Statistical
// comparisons of classifiers over multiple data sets", JMLR 7:1–30,
// Fig. 1): the optimizers' mean ranks on an axis from 1 (best, left) to k,
// each marked and named, a bar of length cd above the axis, and a thick
// line under the axis joining each group of optimizers whose mean ranks
// differ by less than cd (groups, as stats.CDGroups returns them: index
// lists into names). The y axis is hidden.
//
// It returns an error if names and ranks differ in length, there are
// fewer than two optimizers, or a rank is not finite.
func CDDiagram(title string, names []string, ranks []float64, cd float64, groups [][]int) (*plot.Plot, error) {
	if len(names) != len(ranks) {
		return nil, fmt.Errorf("plots: cd diagram: %d names, %d ranks", len(names), len(ranks))
	}
	if len(names) < 2 {
		return nil, errors.New("plots: cd diagram: fewer than two optimizers")
	}
	for _, r := range ranks {
		if !finite(r) {
			return nil, fmt.Errorf("plots: cd diagram: rank %v", r)
		}
	}
	k := len(names)
	p := newPlot(title, "mean rank (1 = best)", "", gridNone)
	p.HideY()
	p.X.Min, p.X.Max = 1, float64(k)
	var ticks plot.ConstantTicks
	for i := 1; i <= k; i++ {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprint(i)})
	}
	p.X.Tick.Marker = ticks
	d := cdLayout(names, ranks, cd, groups)
	p.Y.Min, p.Y.Max = 0, d.top+0.3
	p.Add(d)
	return p, nil
}

// cdLayout places the rows of a critical-difference diagram.
func cdLayout(names []string, ranks []float64, cd float64, groups [][]int) *cdPlotter {
	k := len(names)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ranks[order[a]] < ranks[order[b]] })
	d := &cdPlotter{names: names, ranks: ranks, cd: cd, groups: groups,
		label: textStyle(sansFace, legendSize, color.Black), small: textStyle(sansFace, annotSize, mutedText)}
	// Demšar's layout: the better half is labelled at the left, the best
	// nearest the axis; the worse half at the right, the worst nearest the
	// axis; so no leader crosses another's elbow.
	half := (k + 1) / 2
	d.base = 0.5*float64(len(groups)) + 0.8
	for row, i := range order[:half] {
		d.rows = append(d.rows, cdRow{i: i, left: true, y: d.base + float64(row)})
	}
	for row, j := 0, k-1; j >= half; row, j = row+1, j-1 {
		d.rows = append(d.rows, cdRow{i: order[j], y: d.base + float64(row)})
	}
	d.top = d.base + float64(half)
	return d
}

type cdRow struct {
	i    int     // index into names
	left bool    // labelled at the left edge
	y    float64 // data y of its elbow
}

type cdPlotter struct {
	names        []string
	ranks        []float64
	cd           float64
	groups       [][]int
	rows         []cdRow
	base, top    float64
	label, small draw.TextStyle
}

func (d *cdPlotter) text(r cdRow) string {
	if r.left {
		return fmt.Sprintf("%s  %.2f", d.names[r.i], d.ranks[r.i])
	}
	return fmt.Sprintf("%.2f  %s", d.ranks[r.i], d.names[r.i])
}

var cdGap = vg.Points(4)

// GlyphBoxes reserves room for the labels left and right of the data area.
func (d *cdPlotter) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var out []plot.GlyphBox
	for _, r := range d.rows {
		w := d.label.Width(d.text(r)) + cdGap
		h := d.label.Height("Xg")
		b := plot.GlyphBox{Y: p.Y.Norm(r.y), Rectangle: vg.Rectangle{Min: vg.Point{Y: -h / 2}, Max: vg.Point{Y: h / 2}}}
		if r.left {
			b.X, b.Min.X = 0, -w
		} else {
			b.X, b.Max.X = 1, w
		}
		out = append(out, b)
	}
	return out
}

func (d *cdPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	k := len(d.names)
	thin := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	// The critical difference, drawn from rank 1 at the top.
	if finite(d.cd) && d.cd > 0 {
		y := ty(d.top)
		x1 := tx(math.Min(1+d.cd, float64(k)))
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(1.6)}, tx(1), y, x1, y)
		for _, x := range []vg.Length{tx(1), x1} {
			c.StrokeLine2(thin, x, y-vg.Points(3), x, y+vg.Points(3))
		}
		sty := d.small
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
		txt := fmt.Sprintf("CD = %.2f (Nemenyi, α = 0.05)", d.cd)
		if 1+d.cd > float64(k) {
			txt += ", wider than the axis"
		}
		c.FillText(sty, vg.Point{X: x1 + vg.Points(5), Y: y}, txt)
	}
	// Each optimizer: a marker on the axis, a leader up to its row and an
	// elbow out to its label beside the data area.
	for _, r := range d.rows {
		x := tx(d.ranks[r.i])
		y := ty(r.y)
		look := Style(d.names[r.i])
		ls := draw.LineStyle{Color: look.Color, Width: vg.Points(1.2)}
		edge := c.Max.X
		sty := d.label
		sty.YAlign = draw.YCenter
		sty.XAlign = draw.XLeft
		at := edge + cdGap
		if r.left {
			edge = c.Min.X
			sty.XAlign = draw.XRight
			at = edge - cdGap
		}
		c.StrokeLines(ls, []vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: y}, {X: edge, Y: y}})
		c.DrawGlyph(look.Glyph(markRadius), vg.Point{X: x, Y: c.Min.Y})
		c.FillText(sty, vg.Point{X: at, Y: y}, d.text(r))
	}
	// Groups not significantly different: thick bars above the axis.
	for j, g := range d.groups {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range g {
			lo, hi = math.Min(lo, d.ranks[i]), math.Max(hi, d.ranks[i])
		}
		y := ty(0.5 * float64(j+1))
		pad := vg.Points(3)
		c.StrokeLine2(draw.LineStyle{Color: refColor, Width: vg.Points(3.5)}, tx(lo)-pad, y, tx(hi)+pad, y)
	}
}
