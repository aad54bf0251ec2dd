package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LogY controls what a log y axis does with the values it cannot place.
// Exact zeros, and with Cut > 0 the values below Cut, are drawn in a
// marked strip below the axis instead of being dropped, so a curve that
// reaches 0 is seen to reach it. The zero value strips exact zeros only.
type LogY struct {
	// Cut, if > 0, clips the axis: values in [0, Cut) go to the strip,
	// whose tick then reads "< Cut". Use the arithmetic's
	// resolution, so the axis spans only the range that carries
	// information.
	Cut float64
	// Counts, if not "", is appended to the text inside the strip, e.g.
	// "90 of 180 runs end here".
	Counts string
}

// yStrip places the values a log y axis cannot show in a strip below it.
type yStrip struct {
	o       LogY
	n       int     // values placed in the strip
	top, at float64 // data y of the strip's upper edge and of its values
	text    text.Style
}

func newStrip(o LogY) *yStrip {
	return &yStrip{o: o, text: textStyle(sansItalicFace, annotSize, refColor)}
}

// in reports whether v belongs in the strip (NaN and negatives do not).
func (s *yStrip) in(v float64) bool {
	return v == 0 || (s.o.Cut > 0 && v > 0 && v < s.o.Cut)
}

// stripSentinel stands for a strip value until the axis is known.
var stripSentinel = math.Inf(-1)

// place returns the y to draw v at: v itself, the strip sentinel, or NaN
// when v cannot be drawn; ok says whether it is drawable.
func (s *yStrip) place(v float64) (float64, bool) {
	switch {
	case s.in(v):
		s.n++
		return stripSentinel, true
	case ok(v, true):
		return v, true
	}
	return math.NaN(), false
}

// finish widens the y axis of p below its minimum by a strip, when any
// value went there, and returns the y at which strip values are drawn.
func (s *yStrip) finish(p *plot.Plot) {
	if s.n == 0 {
		return
	}
	// The axis keeps the range of the values it shows (values below Cut
	// are not among them); the strip goes below it.
	s.top = p.Y.Min
	// The strip's values sit in its upper third, its text below them.
	decades := math.Log10(p.Y.Max / s.top)
	gap := math.Max(1, 0.15*decades)
	p.Y.Min = s.top / math.Pow(10, gap)
	s.at = s.top / math.Pow(10, gap/3)
	p.Y.Tick.Marker = stripTicks{inner: p.Y.Tick.Marker, s: s}
	p.Add(s)
}

// y maps a placed value to its drawing position.
func (s *yStrip) y(v float64) float64 {
	if v == stripSentinel {
		return s.at
	}
	return v
}

// label is the strip's tick label: short, so the axis keeps its width.
func (s *yStrip) label() string {
	if s.o.Cut > 0 {
		return "< " + fmtValue(s.o.Cut)
	}
	return "= 0"
}

// caption is the text written inside the strip.
func (s *yStrip) caption() string {
	txt := "= 0"
	if s.o.Cut > 0 {
		txt = fmt.Sprintf("= 0 or < %s", fmtValue(s.o.Cut))
	}
	if s.o.Counts != "" {
		txt += ": " + s.o.Counts
	}
	return txt
}

// Plot shades the strip and labels it.
func (s *yStrip) Plot(c draw.Canvas, p *plot.Plot) {
	_, ty := p.Transforms(&c)
	y0, y1 := c.Min.Y, ty(s.top)
	c.FillPolygon(color.Gray{Y: 0xEE}, []vg.Point{{X: c.Min.X, Y: y0}, {X: c.Max.X, Y: y0}, {X: c.Max.X, Y: y1}, {X: c.Min.X, Y: y1}})
	c.StrokeLine2(draw.LineStyle{Color: refColor, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}, c.Min.X, y1, c.Max.X, y1)
	sty := s.text
	sty.XAlign, sty.YAlign = draw.XRight, draw.YBottom
	c.FillText(sty, vg.Point{X: c.Max.X - vg.Points(4), Y: y0 + vg.Points(1.5)}, s.caption())
}

// stripTicks hides the inner ticks inside the strip and labels its level.
type stripTicks struct {
	inner plot.Ticker
	s     *yStrip
}

func (t stripTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for _, tk := range t.inner.Ticks(t.s.top, max) {
		if tk.Value >= t.s.top*(1-1e-9) {
			out = append(out, tk)
		}
	}
	return append(out, plot.Tick{Value: t.s.at, Label: t.s.label()})
}
