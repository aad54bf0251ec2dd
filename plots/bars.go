package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bar is one optimizer's value, e.g. success rate or median time.
type Bar struct {
	Name  string
	Value float64
}

// Bars draws one bar per optimizer in its colour, labelled with its value
// ("3.1e-15"). On a linear axis bars start at 0 (negative values hang down);
// with logY they start at the bottom of the axis, which is at least half a
// decade below the smallest value. Values that cannot be drawn (non-finite,
// or ≤ 0 with logY) show "n/a" and are counted in the Note.
func Bars(title, yLabel string, bars []Bar, logY bool) (*plot.Plot, Note, error) {
	p := newPlot(title, "", yLabel, gridHorizontal)
	var nb noteBuilder
	ys := newSpan()
	bp := &barPlotter{log: logY, text: textStyle(sansFace, annotSize, mutedText)}
	names := make([]string, len(bars))
	why := "with non-finite value not drawn"
	if logY {
		why = "with non-positive or non-finite value not drawn (log scale)"
	}
	for i, b := range bars {
		names[i] = seriesName(b.Name)
		okv := ok(b.Value, logY)
		if !okv {
			nb.drop("bar", why, b.Name, 1)
		} else {
			ys.add(b.Value)
		}
		bp.bars = append(bp.bars, barItem{x: float64(i), v: b.Value, ok: okv, color: Style(b.Name).Color})
	}
	p.Add(bp)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(bars))-0.5
	if len(bars) == 0 {
		p.X.Min, p.X.Max = -0.5, 0.5
	}
	p.X.Tick.Label.Font.Size = tickSize + 0.5
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		if ys.empty() {
			p.Y.Min, p.Y.Max = 1, 10
		} else {
			lo := math.Floor(math.Log10(ys.min) - 0.5)
			hi := math.Ceil(math.Log10(ys.max) - 1e-9)
			if hi <= lo {
				hi = lo + 1
			}
			p.Y.Min, p.Y.Max = pow10(int(lo)), pow10(int(hi))
		}
	} else {
		ys.add(0)
		setLinear(&p.Y, ys)
	}
	empty := !anyOK(bp.bars)
	if empty {
		markEmpty(p)
	}
	return p, nb.note(empty), nil
}

func anyOK(bs []barItem) bool {
	for _, b := range bs {
		if b.ok {
			return true
		}
	}
	return false
}

type barItem struct {
	x, v  float64
	ok    bool
	color color.NRGBA
}

// barPlotter draws per-bar coloured bars with value labels. Bar width is
// 60% of the slot, so it adapts to the canvas.
type barPlotter struct {
	bars []barItem
	log  bool
	text text.Style
}

func (b *barPlotter) base(p *plot.Plot) float64 {
	if b.log {
		return p.Y.Min
	}
	return 0
}

func (b *barPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	w := (trX(1) - trX(0)) * 0.6
	if len(b.bars) == 1 {
		w = (c.Max.X - c.Min.X) * 0.3
	}
	base := trY(b.base(p))
	sty := b.text
	sty.XAlign = draw.XCenter
	for _, bar := range b.bars {
		x := trX(bar.x)
		if !bar.ok {
			sty.YAlign = draw.YBottom
			c.FillText(sty, vg.Point{X: x, Y: base + vg.Points(3)}, "n/a")
			continue
		}
		y := trY(bar.v)
		pts := []vg.Point{{X: x - w/2, Y: base}, {X: x + w/2, Y: base}, {X: x + w/2, Y: y}, {X: x - w/2, Y: y}}
		c.FillPolygon(bar.color, c.ClipPolygonY(pts))
		label := fmtValue(bar.v)
		if y >= base {
			sty.YAlign = draw.YBottom
			c.FillText(sty, vg.Point{X: x, Y: y + vg.Points(2)}, label)
		} else {
			sty.YAlign = draw.YTop
			c.FillText(sty, vg.Point{X: x, Y: y - vg.Points(2)}, label)
		}
	}
}

// GlyphBoxes reserves room for the value labels above (or below) the bars.
func (b *barPlotter) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	h := b.text.Height("0") + vg.Points(2)
	for _, bar := range b.bars {
		if !bar.ok {
			continue
		}
		r := vg.Rectangle{Min: vg.Point{Y: 0}, Max: vg.Point{Y: h}}
		if bar.v < b.base(p) {
			r = vg.Rectangle{Min: vg.Point{Y: -h}, Max: vg.Point{Y: 0}}
		}
		boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(bar.x), Y: p.Y.Norm(bar.v), Rectangle: r})
	}
	return boxes
}
