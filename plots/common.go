package plots

import (
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Typography and stroke sizes, tuned for ~16cm × 10cm figures.
const (
	titleSize  = 12
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 9.5
	annotSize  = 8.5
)

var (
	sansFace       = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBoldFace   = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	sansItalicFace = font.Font{Typeface: "Liberation", Variant: "Sans", Style: xfont.StyleItalic}

	lineWidth   = vg.Points(1.6)
	markRadius  = vg.Points(3)
	gridColor   = color.Gray{Y: 0xDD}
	refColor    = color.Gray{Y: 0x55}
	mutedText   = color.Gray{Y: 0x33}
	noDataTitle = " (no data)"
)

func textStyle(f font.Font, size float64, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(f, font.Length(size)),
		Handler: plot.DefaultTextHandler,
	}
}

// Grid modes for newPlot.
const (
	gridBoth = iota
	gridHorizontal
	gridNone
)

// newPlot returns a plot with the package's typography, nice linear ticks
// and a light grid.
func newPlot(title, xLabel, yLabel string, grid int) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansBoldFace, titleSize)
	p.Title.Padding = vg.Points(5)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFace, labelSize)
		if h, ok := a.Label.TextStyle.Handler.(text.Plain); ok {
			a.Label.TextStyle.Handler = axisLabelHandler{h}
		}
		a.Tick.Label.Font = font.From(sansFace, tickSize)
		a.Tick.Length = vg.Points(5)
		a.Padding = vg.Points(3)
		a.Label.Padding = vg.Points(3)
		a.Tick.Marker = linTicks{}
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	if grid == gridNone {
		return p
	}
	g := plotter.NewGrid()
	g.Horizontal = draw.LineStyle{Color: gridColor, Width: vg.Points(0.5)}
	g.Vertical = g.Horizontal
	if grid == gridHorizontal {
		g.Vertical.Color = nil
	}
	p.Add(g)
	return p
}

// axisLabelHandler draws axis labels like text.Plain but reports them as
// zero-width. gonum reserves room for a centred axis label around
// Norm((Min+Max)/2), which on a log axis lies near the far end, so a long
// y label would push the data area down by half its length (and an x label
// would squeeze it from the right). The label is still drawn centred;
// with zero width its glyph box is ignored along the axis, while its
// height (the room across the axis) is still reserved.
type axisLabelHandler struct{ text.Plain }

func (h axisLabelHandler) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	_, height, depth = h.Plain.Box(txt, fnt)
	return 0, height, depth
}

// markEmpty flags a plot that has nothing to show: title suffix plus a
// centred "no drawable data" message.
func markEmpty(p *plot.Plot) {
	p.Title.Text += noDataTitle
	p.Add(centreText{text: "no drawable data (see note)", style: textStyle(sansItalicFace, labelSize, refColor)})
}

// centreText writes a message in the middle of the data area.
type centreText struct {
	text  string
	style text.Style
}

func (m centreText) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := m.style
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, c.Center(), m.text)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ok reports whether v can be drawn on an axis that is logarithmic if log.
func ok(v float64, log bool) bool { return finite(v) && (!log || v > 0) }

// at returns s[i], or NaN past the end so that unmatched values are dropped.
func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return math.NaN()
}

// span tracks the extent of drawable values.
type span struct{ min, max float64 }

func newSpan() span { return span{math.Inf(1), math.Inf(-1)} }

func (s *span) add(v float64) {
	s.min = math.Min(s.min, v)
	s.max = math.Max(s.max, v)
}

func (s span) empty() bool { return s.min > s.max }

// setLog makes a a log axis with decade ticks covering s, widened to
// "nice" values 1, 2 or 5 × 10^k (1..10 when s is empty).
func setLog(a *plot.Axis, s span) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
	if s.empty() {
		a.Min, a.Max = 1, 10
		return
	}
	a.Min, a.Max = niceFloor(s.min), niceCeil(s.max)
	if a.Min == a.Max {
		a.Min, a.Max = a.Min/10, a.Max*10
	}
}

var niceMantissas = []float64{1, 2, 5, 10}

// niceFloor returns the largest m × 10^k ≤ v with m in {1, 2, 5}.
func niceFloor(v float64) float64 {
	k := math.Floor(math.Log10(v))
	d := pow10(int(k))
	best := d
	for _, m := range niceMantissas {
		if m*d <= v*(1+1e-12) {
			best = m * d
		}
	}
	return best
}

// niceCeil returns the smallest m × 10^k ≥ v with m in {1, 2, 5}.
func niceCeil(v float64) float64 {
	k := math.Floor(math.Log10(v))
	d := pow10(int(k))
	for _, m := range niceMantissas {
		if m*d >= v*(1-1e-12) {
			return m * d
		}
	}
	return 10 * d
}

// setLinear sets a linear axis range around s, widened to multiples of the
// tick step so that both ends carry a label (0..1 when s is empty).
func setLinear(a *plot.Axis, s span) {
	switch {
	case s.empty():
		a.Min, a.Max = 0, 1
		return
	case s.min == s.max:
		d := math.Max(math.Abs(s.min)*0.1, 1)
		s.min, s.max = s.min-d, s.max+d
	}
	step, _ := linStep(s.min, s.max)
	a.Min = math.Floor(s.min/step+1e-9) * step
	a.Max = math.Ceil(s.max/step-1e-9) * step
}

// linStep picks a 1-2-5 tick step giving about four to six intervals over
// [min, max], and the number of decimals its labels need.
func linStep(min, max float64) (step float64, decimals int) {
	raw := (max - min) / 5
	k := math.Floor(math.Log10(raw))
	d := math.Pow(10, k)
	step = 10 * d
	for _, m := range []float64{1, 2, 5} {
		if m*d >= raw*(1-1e-9) {
			step = m * d
			break
		}
	}
	return step, int(math.Max(0, -math.Floor(math.Log10(step)+1e-9)))
}

// linTicks labels a linear axis at 1-2-5 steps with a fixed number of
// decimals, with minor ticks between labels.
type linTicks struct{}

func (linTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min) || !finite(max) {
		return nil
	}
	step, dec := linStep(min, max)
	minor := step / 5
	if m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(m-2) < 1e-9 {
		minor = step / 4
	}
	big := math.Max(math.Abs(min), math.Abs(max)) >= 1e6 || step < 1e-4
	var ticks []plot.Tick
	for i := math.Ceil(min/minor - 1e-9); i*minor <= max*(1+1e-12)+minor*1e-9; i++ {
		v := i * minor
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			v = math.Round(r)*step + 0 // + 0 turns -0 into 0
			t.Value = v
			if big {
				t.Label = fmtValue(v)
			} else {
				t.Label = strconv.FormatFloat(v, 'f', dec, 64)
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// sortXY sorts points by x (stable), so lines and bands never fold back.
func sortXY(xys plotter.XYs) {
	sort.SliceStable(xys, func(i, j int) bool { return xys[i].X < xys[j].X })
}

// fmtPow10 labels 10^k: plain from 0.01 to 10000, else "1e-3", "1e5".
func fmtPow10(k int) string {
	if k >= -2 && k <= 4 {
		return strconv.FormatFloat(pow10(k), 'f', max(0, -k), 64)
	}
	return "1e" + strconv.Itoa(k)
}

// fmtValue formats a data value for an annotation: 3 significant digits,
// exponent form for tiny or huge values ("3.1e-15").
func fmtValue(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a < 1e-3 || a >= 1e5:
		s := trimExp(strconv.FormatFloat(v, 'e', 1, 64)) // 3.1e-15
		return strings.Replace(s, ".0e", "e", 1)         // 3e-15, not 3.0e-15
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// trimExp turns "3.1e-05" into "3.1e-5" and "2.0e+06" into "2.0e6".
func trimExp(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' {
			mant, exp := s[:i], s[i+1:]
			sign := ""
			if exp[0] == '-' {
				sign = "-"
			}
			exp = exp[1:]
			for len(exp) > 1 && exp[0] == '0' {
				exp = exp[1:]
			}
			return mant + "e" + sign + exp
		}
	}
	return s
}

// decadeStep picks how many decades lie between labelled ticks so that at
// most about seven labels are shown.
func decadeStep(decades int) int {
	for _, s := range []int{1, 2, 3, 5, 10, 20, 50, 100} {
		if decades/s <= 6 {
			return s
		}
	}
	return 200
}

// minorStep is the spacing in decades of unlabelled decade ticks for a
// label step: every decade while that stays legible, else a fifth (or
// a tenth) of the label step, so wide ranges do not turn the axis into a
// solid bar of ticks.
func minorStep(step int) int {
	switch {
	case step <= 3:
		return 1
	case step%5 == 0:
		return step / 5
	}
	return step
}

// logTicks labels powers of ten ("1e-16"), thinning labels on wide ranges;
// unlabelled decades become minor ticks, and for ranges of up to three
// decades the 2..9 multiples are minor ticks too. Unlike plot.LogTicks it
// never produces overlapping labels and never panics.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || !finite(min) || !finite(max) {
		return nil
	}
	lo := int(math.Floor(math.Log10(min) + 1e-9))
	hi := int(math.Ceil(math.Log10(max) - 1e-9))
	step := decadeStep(hi - lo)
	var ticks []plot.Tick
	labelled := 0
	minor := minorStep(step)
	for k := lo; k <= hi; k++ {
		if mod(k, minor) != 0 {
			continue
		}
		v := pow10(k)
		t := plot.Tick{Value: v}
		if mod(k, step) == 0 {
			t.Label = fmtPow10(k)
			if v >= min*(1-1e-9) && v <= max*(1+1e-9) {
				labelled++
			}
		}
		ticks = append(ticks, t)
		if hi-lo <= 3 && k < hi {
			for m := 2; m <= 9; m++ {
				ticks = append(ticks, plot.Tick{Value: float64(m) * v})
			}
		}
	}
	if labelled >= 2 {
		return ticks
	}
	// Less than two labelled decades in range: label 2× and 5× too, and
	// failing that every tick in range.
	for _, ms := range [][]int{{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		n := 0
		for i, t := range ticks {
			k := math.Floor(math.Log10(t.Value) + 1e-9)
			m := int(math.Round(t.Value / math.Pow(10, k)))
			for _, want := range ms {
				if m == want {
					ticks[i].Label = fmtValue(t.Value)
					if t.Value >= min*(1-1e-9) && t.Value <= max*(1+1e-9) {
						n++
					}
				}
			}
		}
		if n >= 2 {
			break
		}
	}
	return ticks
}

// pow10Ticks is logTicks for an axis that holds log10 values on a linear
// scale (used by box plots): tick at k is labelled as 10^k.
type pow10Ticks struct{}

func (pow10Ticks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min) || !finite(max) {
		return nil
	}
	lo, hi := int(math.Ceil(min-1e-9)), int(math.Floor(max+1e-9))
	step := decadeStep(hi - lo)
	var ticks []plot.Tick
	minor := minorStep(step)
	for k := lo; k <= hi; k++ {
		if mod(k, minor) != 0 {
			continue
		}
		t := plot.Tick{Value: float64(k)}
		if mod(k, step) == 0 {
			t.Label = fmtPow10(k)
		}
		ticks = append(ticks, t)
		if hi-lo <= 3 && k < hi {
			for m := 2; m <= 9; m++ {
				ticks = append(ticks, plot.Tick{Value: float64(k) + math.Log10(float64(m))})
			}
		}
	}
	return ticks
}

// pow10 returns 10^k exactly as the literal "1ek" parses, so that axis
// ends and decade ticks compare equal.
func pow10(k int) float64 {
	v, _ := strconv.ParseFloat("1e"+strconv.Itoa(k), 64)
	return v
}

func mod(a, b int) int { return ((a % b) + b) % b }

// thumb adapts a function to plot.Thumbnailer.
type thumb func(c *draw.Canvas)

func (t thumb) Thumbnail(c *draw.Canvas) { t(c) }

func lineThumb(sty draw.LineStyle) thumb {
	return func(c *draw.Canvas) {
		y := c.Center().Y
		c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	}
}

func glyphThumb(sty draw.GlyphStyle) thumb {
	return func(c *draw.Canvas) { c.DrawGlyphNoClip(sty, c.Center()) }
}

func rectThumb(col color.Color) thumb {
	return func(c *draw.Canvas) {
		h := (c.Max.Y - c.Min.Y) * 0.45
		y := c.Center().Y
		c.FillPolygon(col, []vg.Point{
			{X: c.Min.X, Y: y - h}, {X: c.Max.X, Y: y - h},
			{X: c.Max.X, Y: y + h}, {X: c.Min.X, Y: y + h},
		})
	}
}

// optimizerThumbs is the legend sample for an optimizer: line plus marker.
func optimizerThumbs(name string) []plot.Thumbnailer {
	l := Style(name)
	return []plot.Thumbnailer{lineThumb(l.Line(lineWidth)), glyphThumb(l.Glyph(markRadius))}
}

// sideLegend is a legend drawn to the right of the data area, outside it,
// so it never hides data. It reserves its room through GlyphBoxes and, when
// other plotters (listed in avoid) put glyphs right of the data area, it is
// placed beyond them.
type sideLegend struct {
	entries []legendEntry
	style   text.Style
	thumbW  vg.Length
	gap     vg.Length
	avoid   []plot.GlyphBoxer
}

type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer // none: a text-only line
}

func newSideLegend() *sideLegend {
	return &sideLegend{
		style:  textStyle(sansFace, legendSize, color.Black),
		thumbW: vg.Points(22),
		gap:    vg.Points(10),
	}
}

func (l *sideLegend) add(text string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{text: text, thumbs: thumbs})
}

func (l *sideLegend) rowHeight() vg.Length { return l.style.Height("Xg") * 1.35 }

func (l *sideLegend) width() vg.Length {
	var w vg.Length
	em := l.style.Width("m")
	for _, e := range l.entries {
		ew := l.style.Width(e.text)
		if len(e.thumbs) > 0 {
			ew += l.thumbW + em*0.6
		}
		w = max(w, ew)
	}
	return w
}

// extra is how far right of the data area the avoided glyphs may reach.
func (l *sideLegend) extra(p *plot.Plot) vg.Length {
	var e vg.Length
	for _, a := range l.avoid {
		for _, b := range a.GlyphBoxes(p) {
			if b.X >= 0.75 {
				e = max(e, b.Max.X)
			}
		}
	}
	return e
}

func (l *sideLegend) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if len(l.entries) == 0 {
		return nil
	}
	x0 := l.gap + l.extra(p)
	return []plot.GlyphBox{{X: 1, Y: 1, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x0}, Max: vg.Point{X: x0 + l.width()},
	}}}
}

func (l *sideLegend) Plot(c draw.Canvas, p *plot.Plot) {
	if len(l.entries) == 0 {
		return
	}
	right := c.Max.X
	for _, a := range l.avoid {
		for _, b := range a.GlyphBoxes(p) {
			if b.X >= 0 && b.X <= 1 {
				right = max(right, c.X(b.X)+b.Max.X)
			}
		}
	}
	x := right + l.gap
	rh := l.rowHeight()
	em := l.style.Width("m")
	sty := l.style
	sty.XAlign = draw.XLeft
	sty.YAlign = draw.YCenter
	y := c.Max.Y - rh/2
	for _, e := range l.entries {
		tx := x
		if len(e.thumbs) > 0 {
			tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - rh*0.35}, Max: vg.Point{X: x + l.thumbW, Y: y + rh*0.35},
			}}
			for _, t := range e.thumbs {
				t.Thumbnail(&tc)
			}
			tx += l.thumbW + em*0.6
		}
		c.FillText(sty, vg.Point{X: tx, Y: y}, e.text)
		y -= rh
	}
}
