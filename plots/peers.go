package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PeerSeries is one implementation's time per iteration in each group of a
// PeerTimes chart; NaN marks a group it was not run in.
type PeerSeries struct {
	Name   string    // e.g. "go", "fann", "torch"
	Values []float64 // one per group, in the chart's group order
}

// peerColors gives the implementations of bench/peers fixed Okabe–Ito
// colours; other names fall back to Style.
var peerColors = map[string]color.NRGBA{
	"go":     Vermillion,
	"c-loop": Black,
	"fann":   BluishGreen,
	"numpy":  SkyBlue,
	"torch":  Orange,
	"deap":   ReddishPurple,
}

// PeerColor returns the colour of an implementation in PeerTimes.
func PeerColor(name string) color.NRGBA {
	if c, ok := peerColors[name]; ok {
		return c
	}
	return Style(name).Color
}

// PeerTimes draws grouped bars on a logarithmic y axis: one group per
// (problem, optimizer) label in groups, one bar per series that has a value
// there, bars rising from the bottom of the axis, with a legend of the series
// at the right. Values that cannot be drawn (NaN, ±Inf, ≤ 0) are left out;
// non-NaN ones are counted in the Note.
func PeerTimes(title, yLabel string, groups []string, series []PeerSeries) (*plot.Plot, Note, error) {
	p := newPlot(title, "", yLabel, gridHorizontal)
	var nb noteBuilder
	ys := newSpan()
	gp := &groupedBars{groups: len(groups)}
	leg := newSideLegend()
	for _, s := range series {
		drawn := false
		for g := range groups {
			v := at(s.Values, g)
			if math.IsNaN(v) {
				continue
			}
			if !ok(v, true) {
				nb.drop("bar", "with non-positive or non-finite value not drawn (log scale)", s.Name, 1)
				continue
			}
			ys.add(v)
			drawn = true
		}
		gp.series = append(gp.series, s)
		gp.colors = append(gp.colors, PeerColor(s.Name))
		if drawn {
			leg.add(s.Name, rectThumb(PeerColor(s.Name)))
		}
	}
	p.Add(gp, leg, rightPad{leg})
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, math.Max(float64(len(groups))-0.5, 0.5)
	p.X.Tick.Label.Font.Size = tickSize - 0.5
	setLog(&p.Y, ys)
	if !ys.empty() {
		p.Y.Min = math.Min(p.Y.Min, pow10(int(math.Floor(math.Log10(ys.min)-0.3))))
	}
	empty := ys.empty()
	if empty {
		markEmpty(p)
	}
	return p, nb.note(empty), nil
}

// groupedBars draws, for every group, the bars of the series that have a
// drawable value there, side by side and centred on the group, within 80%
// of the group's slot.
type groupedBars struct {
	groups int
	series []PeerSeries
	colors []color.NRGBA
}

func (b *groupedBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	base := trY(p.Y.Min)
	for g := 0; g < b.groups; g++ {
		var idx []int
		for i, s := range b.series {
			if ok(at(s.Values, g), true) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		slot := (trX(1) - trX(0)) * 0.8
		if b.groups == 1 {
			slot = (c.Max.X - c.Min.X) * 0.5
		}
		w := slot / vg.Length(len(idx))
		left := trX(float64(g)) - slot/2
		for k, i := range idx {
			y := trY(at(b.series[i].Values, g))
			x0 := left + vg.Length(k)*w
			pts := []vg.Point{{X: x0 + w*0.06, Y: base}, {X: x0 + w*0.94, Y: base}, {X: x0 + w*0.94, Y: y}, {X: x0 + w*0.06, Y: y}}
			c.FillPolygon(b.colors[i], c.ClipPolygonY(pts))
		}
	}
}

// rightPad reserves a little room right of the side legend, so that its
// longest label does not touch the edge of the image.
type rightPad struct{ leg *sideLegend }

func (r rightPad) Plot(draw.Canvas, *plot.Plot) {}

func (r rightPad) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	boxes := r.leg.GlyphBoxes(p)
	for i := range boxes {
		boxes[i].Min.X = boxes[i].Max.X
		boxes[i].Max.X += vg.Points(6)
	}
	return boxes
}
