package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatOptions control HeatMapWith. The zero value colours the data's own
// range linearly, dark for low values, and labels cells with three
// significant digits.
type HeatOptions struct {
	// Format prints one value for the cell labels and the colour bar,
	// e.g. "%.0f%%" or "%.0f"; "" means three significant digits.
	Format string
	// Range, if Range[0] < Range[1], is the range of the colour scale
	// (values outside it get the end colours); otherwise the data's range,
	// rounded out to 1, 2 or 5 × 10^k on a log scale.
	Range [2]float64
	// Log colours by log10 of the values; values ≤ 0 are then n/a.
	Log bool
	// Reverse makes low values bright and high values dark, so that
	// "brighter is better" holds for a lower-is-better quantity.
	Reverse bool
	// Legend labels the colour bar.
	Legend string
	// Marks, if not nil, has the shape of the values; a non-empty
	// Marks[r][c] is appended to the cell's label (e.g. "*" for a
	// significant difference).
	Marks [][]string
}

// HeatMap draws values over a grid of labelled cells: values[r][c] is the
// cell in column c (labelled xs[c], left to right) and row r (labelled
// ys[r], bottom to top). Cells are coloured on the colour-blind-safe,
// perceptually uniform viridis scale (dark purple for low, yellow for
// high), with a colour bar on the right, and each is annotated with its
// value printed with format (e.g. "%.0f%%"; "" means three significant
// digits). NaN and ±Inf cells are grey and read "n/a". A one-row map (a
// one-setting sweep) is drawn as a strip; pass ys = []string{""} and an
// empty yLabel. An error is returned only when the dimensions disagree.
func HeatMap(title, xLabel, yLabel string, xs, ys []string, values [][]float64, format string) (*plot.Plot, Note, error) {
	return HeatMapWith(title, xLabel, yLabel, xs, ys, values, HeatOptions{Format: format})
}

// naColor is the fill of cells without a value: a neutral grey that the
// viridis scale never produces.
var naColor = color.NRGBA{R: 0xC8, G: 0xC8, B: 0xC8, A: 0xFF}

// HeatMapWith is HeatMap with control over the colour scale.
func HeatMapWith(title, xLabel, yLabel string, xs, ys []string, values [][]float64, o HeatOptions) (*plot.Plot, Note, error) {
	if len(xs) == 0 || len(ys) == 0 {
		return nil, Note{}, errors.New("plots: HeatMap: want at least one column and one row label")
	}
	if len(values) != len(ys) {
		return nil, Note{}, fmt.Errorf("plots: HeatMap: %d rows of values for %d row labels", len(values), len(ys))
	}
	for r, row := range values {
		if len(row) != len(xs) {
			return nil, Note{}, fmt.Errorf("plots: HeatMap: row %d has %d values for %d column labels", r, len(row), len(xs))
		}
	}
	p := newPlot(title, xLabel, yLabel, gridNone)
	var nb noteBuilder
	s := newSpan()
	na := 0
	for _, row := range values {
		for _, v := range row {
			if ok(v, o.Log) {
				s.add(v)
			} else {
				na++
			}
		}
	}
	lo, hi := s.min, s.max
	if o.Log && !s.empty() && s.min < s.max {
		// Round a log scale out to 1, 2 or 5 × 10^k so that its ends
		// are labelled.
		lo, hi = niceFloor(lo), niceCeil(hi)
	}
	if o.Range[0] < o.Range[1] && ok(o.Range[0], o.Log) && ok(o.Range[1], o.Log) {
		lo, hi = o.Range[0], o.Range[1]
	}
	hm := &heatCells{values: values, log: o.Log, reverse: o.Reverse, lo: lo, hi: hi,
		format: o.Format, marks: o.Marks, text: textStyle(sansFace, annotSize+1, color.Black)}
	p.Add(hm)
	bar := &colorBar{cells: hm, legend: o.Legend, na: na > 0,
		text: textStyle(sansFace, tickSize, color.Black)}
	p.Add(bar)

	p.NominalX(xs...)
	p.NominalY(ys...)
	p.X.Min, p.X.Max = -0.5, float64(len(xs))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(ys))-0.5
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Tick.Label.Font.Size = tickSize + 0.5
		a.Padding = vg.Points(3) // the axes are not drawn: a gap between labels and cells
	}
	if len(ys) == 1 && strings.TrimSpace(ys[0]) == "" && yLabel == "" {
		p.HideY()
		p.Y.Padding = vg.Points(6) // the strip would touch the left edge
	}
	if na > 0 {
		why := "n/a"
		if o.Log {
			why = "n/a (no value, or ≤ 0 on the log colour scale)"
		}
		nb.remark("%d %s shown grey as %s", na, plural(na, "cell"), why)
	}
	empty := s.empty()
	if empty {
		p.Title.Text += noDataTitle
	}
	return p, nb.note(empty), nil
}

// heatCells draws the coloured, annotated cells.
type heatCells struct {
	values       [][]float64
	log, reverse bool
	lo, hi       float64
	format       string
	marks        [][]string
	text         text.Style
}

// frac maps v to [0, 1] on the colour scale (before Reverse).
func (h *heatCells) frac(v float64) float64 {
	lo, hi := h.lo, h.hi
	if h.log {
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	if !(hi > lo) {
		return 0.5
	}
	return math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
}

// color returns the fill of value v.
func (h *heatCells) color(v float64) color.NRGBA {
	if !ok(v, h.log) {
		return naColor
	}
	t := h.frac(v)
	if h.reverse {
		t = 1 - t
	}
	return Viridis(t)
}

func (h *heatCells) label(v float64) string {
	if !ok(v, h.log) {
		return "n/a"
	}
	if h.format == "" {
		return fmtValue(v)
	}
	return fmt.Sprintf(h.format, v)
}

func (h *heatCells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	gap := vg.Points(0.75) // white seams between cells
	for r, row := range h.values {
		for col, v := range row {
			x0, x1 := trX(float64(col)-0.5), trX(float64(col)+0.5)
			y0, y1 := trY(float64(r)-0.5), trY(float64(r)+0.5)
			fill := h.color(v)
			c.FillPolygon(fill, []vg.Point{
				{X: x0 + gap/2, Y: y0 + gap/2}, {X: x1 - gap/2, Y: y0 + gap/2},
				{X: x1 - gap/2, Y: y1 - gap/2}, {X: x0 + gap/2, Y: y1 - gap/2},
			})
			sty := h.text
			sty.Color = textOn(fill)
			if !ok(v, h.log) {
				sty.Font = font.From(sansItalicFace, sty.Font.Size)
			}
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
			label := h.label(v)
			if r < len(h.marks) && col < len(h.marks[r]) {
				label += h.marks[r][col]
			}
			// Shrink the label to fit its cell, down to 6 points; below
			// that the cell is too small to annotate.
			if w := sty.Width(label); w > (x1-x0)*0.9 {
				size := sty.Font.Size * (x1 - x0) * 0.9 / w
				if size < vg.Points(6) {
					continue
				}
				sty.Font.Size = size
			}
			if sty.Height(label) > (y1-y0)*0.9 {
				continue
			}
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, label)
		}
	}
}

// textOn returns black or white, whichever reads better on fill (by the
// WCAG relative luminance).
func textOn(fill color.NRGBA) color.Color {
	lin := func(u uint8) float64 {
		c := float64(u) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(fill.R) + 0.7152*lin(fill.G) + 0.0722*lin(fill.B)
	// Contrast with black (l+0.05)/0.05 against white 1.05/(l+0.05).
	if (l+0.05)/0.05 >= 1.05/(l+0.05) {
		return color.Black
	}
	return color.White
}

// colorBar draws the colour scale right of the data area, outside it.
type colorBar struct {
	cells  *heatCells
	legend string
	na     bool
	text   text.Style
}

const (
	barGap   = 10 // points between the data area and the bar
	barWidth = 11 // points
)

// endTick marks the label of a colour-bar end that ticks added to the
// scale's own ticks; it is not printed.
const endTick = "\x00"

// ticks returns the labelled values of the colour scale, bottom to top.
func (b *colorBar) ticks() []plot.Tick {
	h := b.cells
	if !(h.hi > h.lo) {
		if finite(h.lo) {
			return []plot.Tick{{Value: h.lo, Label: h.label(h.lo)}}
		}
		return nil
	}
	var raw []plot.Tick
	if h.log {
		raw = logTicks{}.Ticks(h.lo, h.hi)
	} else {
		raw = linTicks{}.Ticks(h.lo, h.hi)
	}
	var out []plot.Tick
	for _, t := range raw {
		if t.Label == "" || t.Value < h.lo*(1-1e-9)-1e-12 || t.Value > h.hi*(1+1e-9)+1e-12 {
			continue
		}
		if h.format != "" {
			t.Label = fmt.Sprintf(h.format, t.Value)
		}
		out = append(out, t)
	}
	if len(out) < 2 { // label the ends at least
		return []plot.Tick{{Value: h.lo, Label: h.label(h.lo)}, {Value: h.hi, Label: h.label(h.hi)}}
	}
	// The ends too, so the scale's extent reads off the bar; Plot drops
	// an end label that would touch its neighbour (endTick).
	if h.frac(out[0].Value) > 0.02 {
		out = append([]plot.Tick{{Value: h.lo, Label: h.label(h.lo) + endTick}}, out...)
	}
	if h.frac(out[len(out)-1].Value) < 0.98 {
		out = append(out, plot.Tick{Value: h.hi, Label: h.label(h.hi) + endTick})
	}
	return out
}

func (b *colorBar) legendStyle() text.Style {
	sty := textStyle(sansFace, labelSize-0.5, color.Black)
	sty.Rotation = math.Pi / 2
	// A quarter turn counter-clockwise (reading upwards): the text's top
	// faces left, so YTop anchors its left edge.
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	return sty
}

// width is the room the bar takes right of the data area.
func (b *colorBar) width() vg.Length {
	var tw vg.Length
	for _, t := range b.ticks() {
		tw = max(tw, b.text.Width(strings.TrimSuffix(t.Label, endTick)))
	}
	if b.na {
		tw = max(tw, b.text.Width("n/a"))
	}
	w := vg.Points(barGap+barWidth+4) + tw
	if b.legend != "" {
		w += vg.Points(6+2) + b.legendStyle().Height(b.legend)
	}
	return w
}

func (b *colorBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: 1, Y: 0.5, Rectangle: vg.Rectangle{Max: vg.Point{X: b.width()}}}}
}

func (b *colorBar) Plot(c draw.Canvas, _ *plot.Plot) {
	h := b.cells
	x0 := c.Max.X + vg.Points(barGap)
	x1 := x0 + vg.Points(barWidth)
	top, bottom := c.Max.Y, c.Min.Y
	naH := vg.Length(0)
	if b.na {
		// A grey n/a swatch at the foot of the bar.
		naH = vg.Points(barWidth)
		c.FillPolygon(naColor, []vg.Point{{X: x0, Y: bottom}, {X: x1, Y: bottom}, {X: x1, Y: bottom + naH}, {X: x0, Y: bottom + naH}})
		sty := b.text
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
		sty.Font = font.From(sansItalicFace, sty.Font.Size)
		c.FillText(sty, vg.Point{X: x1 + vg.Points(4), Y: bottom + naH/2}, "n/a")
		bottom += naH + vg.Points(8)
	}
	if !(top > bottom) {
		return
	}
	const steps = 96
	for i := range steps {
		t0 := float64(i) / steps
		ya := bottom + (top-bottom)*vg.Length(t0)
		yb := bottom + (top-bottom)*vg.Length(float64(i+1)/steps)
		t := (t0 + 0.5/steps)
		if h.reverse {
			t = 1 - t
		}
		c.FillPolygon(Viridis(t), []vg.Point{{X: x0, Y: ya}, {X: x1, Y: ya}, {X: x1, Y: yb + 0.2}, {X: x0, Y: yb + 0.2}})
	}
	c.StrokeLines(draw.LineStyle{Color: mutedText, Width: vg.Points(0.5)},
		[]vg.Point{{X: x0, Y: bottom}, {X: x1, Y: bottom}, {X: x1, Y: top}, {X: x0, Y: top}, {X: x0, Y: bottom}})
	sty := b.text
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	ticks := b.ticks()
	yOf := func(t plot.Tick) vg.Length {
		if !(h.hi > h.lo) {
			return (bottom + top) / 2
		}
		return bottom + (top-bottom)*vg.Length(h.frac(t.Value))
	}
	room := sty.Height("0") * 1.5
	for i, t := range ticks {
		y := yOf(t)
		label, end := strings.CutSuffix(t.Label, endTick)
		if end {
			// Skip an end label that would touch its neighbour.
			j := i + 1 // the bottom end's neighbour
			if i > 0 {
				j = i - 1 // the top end's
			}
			if j < len(ticks) && vg.Length(math.Abs(float64(y-yOf(ticks[j])))) < room {
				continue
			}
		}
		c.StrokeLine2(draw.LineStyle{Color: mutedText, Width: vg.Points(0.5)}, x1, y, x1+vg.Points(2.5), y)
		c.FillText(sty, vg.Point{X: x1 + vg.Points(4), Y: y}, label)
	}
	if b.legend != "" {
		var tw vg.Length
		for _, t := range b.ticks() {
			tw = max(tw, b.text.Width(strings.TrimSuffix(t.Label, endTick)))
		}
		c.FillText(b.legendStyle(), vg.Point{X: x1 + vg.Points(4+6) + tw, Y: (c.Min.Y + c.Max.Y) / 2}, b.legend)
	}
}

// viridis is the viridis colour map (van der Walt & Smith, matplotlib) at
// nine evenly spaced points, as R's viridisLite::viridis(9).
var viridis = [...]color.NRGBA{
	{0x44, 0x01, 0x54, 0xFF},
	{0x47, 0x2D, 0x7B, 0xFF},
	{0x3B, 0x52, 0x8B, 0xFF},
	{0x2C, 0x72, 0x8E, 0xFF},
	{0x21, 0x90, 0x8C, 0xFF},
	{0x27, 0xAD, 0x81, 0xFF},
	{0x5D, 0xC8, 0x63, 0xFF},
	{0xAA, 0xDC, 0x32, 0xFF},
	{0xFD, 0xE7, 0x25, 0xFF},
}

// Viridis returns the viridis colour at t in [0, 1] (clamped; NaN is
// treated as 0): dark purple at 0, teal at 0.5, yellow at 1, interpolated
// linearly between nine reference colours. It is perceptually uniform,
// readable in greyscale and by colour-blind readers.
func Viridis(t float64) color.NRGBA {
	if !(t > 0) {
		t = 0
	}
	t = math.Min(t, 1)
	x := t * float64(len(viridis)-1)
	i := min(int(x), len(viridis)-2)
	f := x - float64(i)
	a, b := viridis[i], viridis[i+1]
	mix := func(u, v uint8) uint8 { return uint8(math.Round(float64(u) + f*(float64(v)-float64(u)))) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xFF}
}
