package plots

import (
	"hash/fnv"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008).
var (
	Orange        = color.NRGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}
	SkyBlue       = color.NRGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}
	BluishGreen   = color.NRGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}
	Yellow        = color.NRGBA{R: 0xF0, G: 0xE4, B: 0x42, A: 0xFF}
	Blue          = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}
	Vermillion    = color.NRGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}
	ReddishPurple = color.NRGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}
	Black         = color.NRGBA{A: 0xFF}
)

// Look is how one optimizer is drawn in every chart.
type Look struct {
	Color  color.NRGBA
	Shape  draw.GlyphDrawer // marker shape
	Dashes []vg.Length      // nil: solid line
}

// Line returns the look as a line style of the given width.
func (l Look) Line(width vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: l.Color, Width: width, Dashes: l.Dashes}
}

// Glyph returns the look as a marker style of the given radius.
func (l Look) Glyph(radius vg.Length) draw.GlyphStyle {
	return draw.GlyphStyle{Color: l.Color, Radius: radius, Shape: l.Shape}
}

// known gives the fixed slots. Yellow, the weakest colour on white, goes to
// the least used name; all known optimizers are drawn solid.
// Float32Suffix marks a series of float32 runs, e.g. "irprop- (float32)":
// Style draws it in its optimizer's color and marker with a dashed line,
// so that each optimizer's float32 and float64 curves pair up.
const Float32Suffix = " (float32)"

// FailedSuffix marks the series of an optimizer's runs that failed its
// target, e.g. "xor (failed 15/30)" style: "irprop- (failed)". Style draws
// it in its optimizer's color and marker with a dotted line, beside the
// solid one of the runs that succeeded, so that a bimodal outcome reads as
// two curves instead of one band spanning both.
const FailedSuffix = " (failed)"

// failedDashes is the line of failed-run series.
var failedDashes = []vg.Length{vg.Points(1.2), vg.Points(2.2)}

// float32Dashes is the line of float32 series.
var float32Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}

var known = map[string]Look{
	"backprop": {Color: Orange, Shape: draw.CircleGlyph{}},
	"rprop+":   {Color: SkyBlue, Shape: draw.BoxGlyph{}},
	"rprop-":   {Color: BluishGreen, Shape: draw.PyramidGlyph{}},
	"irprop+":  {Color: Blue, Shape: DiamondGlyph{}},
	"irprop-":  {Color: Vermillion, Shape: InvertedPyramidGlyph{}},
	"ga":       {Color: ReddishPurple, Shape: BoldCrossGlyph{}},
	"adam":     {Color: Black, Shape: BoldPlusGlyph{}},
	"momentum": {Color: Yellow, Shape: BoldRingGlyph{}},
}

// Slots for names Style does not know: every colour but yellow, every shape,
// always dashed so that an unknown optimizer never looks exactly like a
// known one.
var (
	hashColors = []color.NRGBA{Orange, SkyBlue, BluishGreen, Blue, Vermillion, ReddishPurple, Black}
	hashShapes = []draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, DiamondGlyph{},
		InvertedPyramidGlyph{}, BoldCrossGlyph{}, BoldPlusGlyph{}, BoldRingGlyph{},
	}
	hashDashes = [][]vg.Length{
		{vg.Points(5), vg.Points(2.5)},
		{vg.Points(1.5), vg.Points(2)},
		{vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)},
	}
)

// Style returns the look of the optimizer called name, the same in every
// chart. Matching is case-insensitive and ignores surrounding space. The
// names backprop, rprop+, rprop-, irprop+, irprop-, ga, adam and momentum
// have fixed Okabe–Ito colours and markers; any other name gets a
// deterministic colour, marker and dash pattern from an FNV hash of the name.
func Style(name string) Look {
	if base, ok := strings.CutSuffix(strings.TrimSpace(name), FailedSuffix); ok {
		l := Style(base)
		l.Dashes = failedDashes
		return l
	}
	if base, ok := strings.CutSuffix(strings.TrimSpace(name), Float32Suffix); ok {
		l := Style(base)
		l.Dashes = float32Dashes
		return l
	}
	key := strings.ToLower(strings.TrimSpace(name))
	if l, ok := known[key]; ok {
		return l
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	v := h.Sum32()
	nc, ns := uint32(len(hashColors)), uint32(len(hashShapes))
	return Look{
		Color:  hashColors[v%nc],
		Shape:  hashShapes[(v/nc)%ns],
		Dashes: hashDashes[(v/(nc*ns))%uint32(len(hashDashes))],
	}
}

// DiamondGlyph is a filled diamond marker.
type DiamondGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (DiamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.25
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r*0.8, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r*0.8, Y: pt.Y})
	p.Close()
	c.Fill(p)
}

// InvertedPyramidGlyph is a filled triangle pointing down.
type InvertedPyramidGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (InvertedPyramidGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.25 // same size as draw.PyramidGlyph
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r*0.866, Y: pt.Y + r/2})
	p.Line(vg.Point{X: pt.X - r*0.866, Y: pt.Y + r/2})
	p.Close()
	c.Fill(p)
}

// darken scales a colour towards black (f in [0,1]: 0 black, 1 unchanged).
func darken(c color.NRGBA, f float64) color.NRGBA {
	return color.NRGBA{R: uint8(float64(c.R) * f), G: uint8(float64(c.G) * f), B: uint8(float64(c.B) * f), A: c.A}
}

// withAlpha returns c with the given opacity.
func withAlpha(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// boldStroke is the stroke width of line-drawn markers: proportional to the
// radius so that they weigh about as much as the filled ones.
func boldStroke(r vg.Length) vg.Length { return max(vg.Points(1.2), r*0.4) }

// BoldCrossGlyph is an × marker drawn with a stroke heavy enough to read
// next to filled markers (draw.CrossGlyph uses a hairline).
type BoldCrossGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (BoldCrossGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: boldStroke(sty.Radius)})
	r := sty.Radius * 0.9
	var p vg.Path
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
	c.Stroke(p)
}

// BoldPlusGlyph is a + marker with a heavy stroke.
type BoldPlusGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (BoldPlusGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: boldStroke(sty.Radius)})
	r := sty.Radius * 1.2
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	c.Stroke(p)
}

// BoldRingGlyph is an open circle with a heavy stroke.
type BoldRingGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (BoldRingGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	w := boldStroke(sty.Radius) * 0.8
	ringGlyph{width: w}.DrawGlyph(c, draw.GlyphStyle{Color: sty.Color, Radius: sty.Radius - w/2}, pt)
}

// ringGlyph is a hollow circle with a given stroke width.
type ringGlyph struct{ width vg.Length }

func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}
