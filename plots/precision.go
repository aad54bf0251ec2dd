package plots

import (
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one optimizer's curve of Y against X, e.g. best error reached
// against iteration budget.
type Series struct {
	Name string
	X, Y []float64
}

// RefLine is a horizontal reference level such as
// {2.2e-16, "float64 eps"} or {1e-7, "tutorial tolerance 1e-7"}.
type RefLine struct {
	Value float64
	Label string
}

// Floor marks the precision floor detected for an optimizer: the level
// Value first reached at budget X. When X is not > 0 the floor is placed at
// the largest drawable X of the series with the same Name.
type Floor struct {
	Name     string
	X, Value float64
}

// PrecisionLimit draws best error against budget on log-log axes: a line
// with markers per optimizer, dashed grey reference lines labelled at their
// left end, and each optimizer's floor circled in its colour and labelled
// with its value (e.g. "3.1e-15"). Reference levels and floors are always
// inside the y range. Non-finite or non-positive values are dropped and
// counted in the Note.
func PrecisionLimit(title, xLabel, yLabel string, series []Series, refs []RefLine, floors []Floor) (*plot.Plot, Note, error) {
	return PrecisionLimitWith(title, xLabel, yLabel, series, refs, floors, LogY{})
}

// PrecisionLimitWith is PrecisionLimit with control over the y axis's
// strip: exact zeros (and values below o.Cut) of the series and floors are
// drawn in a strip below the axis (see LogY).
func PrecisionLimitWith(title, xLabel, yLabel string, series []Series, refs []RefLine, floors []Floor, o LogY) (*plot.Plot, Note, error) {
	p := newPlot(title, xLabel, yLabel, gridBoth)
	var nb noteBuilder
	xs, ys := newSpan(), newSpan()
	strip := newStrip(o)
	leg := newSideLegend()
	lastX := map[string]float64{}
	type prepared struct {
		name string
		pts  plotter.XYs
	}
	var preps []prepared
	drawn := 0
	for _, s := range series {
		var pts plotter.XYs
		end := newEnd()
		for i := range max(len(s.X), len(s.Y)) {
			x := at(s.X, i)
			y, yok := strip.place(at(s.Y, i))
			end.see(x, yok)
			if !ok(x, true) || !yok {
				nb.drop("point", "with non-positive or non-finite values not drawn (log-log axes)", s.Name, 1)
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			xs.add(x)
			if y != stripSentinel {
				ys.add(y)
			}
		}
		if len(pts) == 0 {
			nb.hide(s.Name)
			continue
		}
		if !end.drawn {
			nb.hide(s.Name)
		}
		drawn++
		sortXY(pts)
		lastX[s.Name] = pts[len(pts)-1].X
		preps = append(preps, prepared{s.Name, pts})
	}

	ref := &refLines{style: draw.LineStyle{Color: refColor, Width: vg.Points(0.9), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}}
	ref.text = textStyle(sansItalicFace, annotSize, refColor)
	for _, r := range refs {
		if !ok(r.Value, true) {
			nb.drop("reference line", "with non-positive or non-finite value not drawn (log scale)", r.Label, 1)
			continue
		}
		ref.refs = append(ref.refs, r)
		ys.add(r.Value)
	}

	fl := &floorMarks{text: textStyle(sansFace, annotSize, mutedText)}
	for _, f := range floors {
		x := f.X
		if !(x > 0) {
			if lx, found := lastX[f.Name]; found {
				x = lx
			}
		}
		v, vok := strip.place(f.Value)
		if !ok(x, true) || !vok {
			nb.drop("floor", "with non-positive or non-finite position not drawn (log-log axes)", f.Name, 1)
			continue
		}
		fl.floors = append(fl.floors, Floor{Name: f.Name, X: x, Value: v})
		fl.labels = append(fl.labels, fmtValue(f.Value))
		xs.add(x)
		if v != stripSentinel {
			ys.add(v)
		}
	}

	setLog(&p.X, xs)
	setLog(&p.Y, ys)
	strip.finish(p)
	var curves []plot.Plotter
	for _, pr := range preps {
		for i := range pr.pts {
			pr.pts[i].Y = strip.y(pr.pts[i].Y)
		}
		look := Style(pr.name)
		l, sc, err := plotter.NewLinePoints(pr.pts)
		if err != nil {
			return nil, Note{}, err
		}
		l.LineStyle = look.Line(lineWidth)
		sc.GlyphStyle = look.Glyph(markRadius)
		curves = append(curves, l, sc)
		leg.add(seriesName(pr.name), optimizerThumbs(pr.name)...)
	}
	for i := range fl.floors {
		fl.floors[i].Value = strip.y(fl.floors[i].Value)
	}
	if len(fl.floors) > 0 {
		leg.add("floor (value)", glyphThumb(floorGlyph(refColor)))
	}
	p.Add(ref)
	p.Add(curves...)
	p.Add(refLabels{ref})
	p.Add(fl)
	leg.avoid = []plot.GlyphBoxer{fl}
	p.Add(leg)
	if drawn == 0 {
		markEmpty(p)
	}
	return p, nb.note(drawn == 0 && len(fl.floors) == 0), nil
}

// refLines draws full-width dashed horizontal lines with a label above the
// left end of each.
type refLines struct {
	refs  []RefLine
	style draw.LineStyle
	text  text.Style
}

func (r *refLines) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, ref := range r.refs {
		if y := trY(ref.Value); c.ContainsY(y) {
			c.StrokeLine2(r.style, c.Min.X, y, c.Max.X, y)
		}
	}
}

// refLabels draws the labels of refLines above everything else, on a
// translucent white patch so that curves crossing them do not garble them.
type refLabels struct{ *refLines }

func (r refLabels) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	sty := r.text
	sty.XAlign = draw.XLeft
	sty.YAlign = draw.YBottom
	pad := vg.Points(1.5)
	for _, ref := range r.refs {
		y := trY(ref.Value)
		if ref.Label == "" || !c.ContainsY(y) {
			continue
		}
		pt := vg.Point{X: c.Min.X + vg.Points(4), Y: y + vg.Points(2)}
		fillPatch(&c, textBox(sty, pt, ref.Label), pad)
		c.FillText(sty, pt, ref.Label)
	}
}

// floorMarks circles each floor and writes its value to the right,
// nudging labels vertically so that they never overlap.
type floorMarks struct {
	floors []Floor
	labels []string // each floor's value as written (its Value may be a strip position)
	text   text.Style
}

func floorGlyph(c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(6), Shape: ringGlyph{width: vg.Points(1.5)}}
}

func (f *floorMarks) labelOffset() vg.Length { return vg.Points(6) + vg.Points(3) }

func (f *floorMarks) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	h := f.text.Height("0")
	for i, fl := range f.floors {
		w := f.text.Width(f.labels[i])
		boxes = append(boxes, plot.GlyphBox{
			X: p.X.Norm(fl.X), Y: p.Y.Norm(fl.Value),
			Rectangle: vg.Rectangle{
				Min: vg.Point{X: -vg.Points(7), Y: -h},
				Max: vg.Point{X: f.labelOffset() + w, Y: h},
			},
		})
	}
	return boxes
}

func (f *floorMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	type lab struct {
		x, y, ty, w vg.Length
		fl          Floor
		label       string
	}
	labs := make([]lab, 0, len(f.floors))
	for i, fl := range f.floors {
		x, y := trX(fl.X), trY(fl.Value)
		c.DrawGlyphNoClip(floorGlyph(Style(fl.Name).Color), vg.Point{X: x, Y: y})
		labs = append(labs, lab{x: x, y: y, ty: y, w: f.text.Width(f.labels[i]), fl: fl, label: f.labels[i]})
	}
	// De-overlap labels that share horizontal room: within each group,
	// overlapping labels merge into clusters centred on the mean of their
	// desired positions, so that displacements stay small and balanced.
	h := f.text.Height("0") * 1.05
	lift := h/2 + vg.Points(1) // labels sit just above their floor level
	off := f.labelOffset()
	ys := make([]vg.Length, len(labs))
	for i := range labs {
		ys[i] = labs[i].y + lift
	}
	overlapX := func(a, b lab) bool { return a.x+off < b.x+off+b.w && b.x+off < a.x+off+a.w }
	// Union-find groups by horizontal overlap.
	parent := make([]int, len(labs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range labs {
		for j := range i {
			if overlapX(labs[i], labs[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	groups := map[int][]int{}
	for i := range labs {
		groups[find(i)] = append(groups[find(i)], i)
	}
	for _, g := range groups {
		for i, y := range spreadLabels(ys, g, h) {
			labs[g[i]].ty = y
		}
	}
	sty := f.text
	sty.XAlign = draw.XLeft
	sty.YAlign = draw.YCenter
	for _, l := range labs {
		col := darken(Style(l.fl.Name).Color, 0.8)
		sty.Color = col
		tx := l.x + f.labelOffset()
		if d := l.ty - (l.y + lift); d > vg.Points(1) || d < -vg.Points(1) {
			c.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(0.6)}, l.x+vg.Points(5), l.y, tx-vg.Points(1), l.ty)
		}
		label := l.label
		fillPatch(&c, textBox(sty, vg.Point{X: tx, Y: l.ty}, label), vg.Points(1.5))
		c.FillText(sty, vg.Point{X: tx, Y: l.ty}, label)
	}
}

// spreadLabels returns new positions for the labels idx (desired centres
// ys[idx[i]]) so that no two are closer than h: sorted labels that would
// overlap are merged into clusters laid out h apart and centred on their
// mean desired position, repeated until clusters no longer overlap.
func spreadLabels(ys []vg.Length, idx []int, h vg.Length) []vg.Length {
	order := make([]int, len(idx))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ys[idx[order[a]]] < ys[idx[order[b]]] })
	type cluster struct {
		members []int // positions in order
		sum     vg.Length
	}
	var cs []cluster
	bottom := func(c cluster) vg.Length {
		n := vg.Length(len(c.members))
		return c.sum/n - h*(n-1)/2
	}
	for _, o := range order {
		cs = append(cs, cluster{members: []int{o}, sum: ys[idx[o]]})
		for len(cs) > 1 {
			a, b := cs[len(cs)-2], cs[len(cs)-1]
			if bottom(a)+h*vg.Length(len(a.members)) <= bottom(b) {
				break
			}
			cs = cs[:len(cs)-2]
			cs = append(cs, cluster{members: append(a.members, b.members...), sum: a.sum + b.sum})
		}
	}
	out := make([]vg.Length, len(idx))
	for _, c := range cs {
		y := bottom(c)
		for _, m := range c.members {
			out[m] = y
			y += h
		}
	}
	return out
}

// fillPatch paints a translucent white rectangle (grown by pad) behind text
// so that lines underneath do not garble it.
func fillPatch(c *draw.Canvas, box vg.Rectangle, pad vg.Length) {
	c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 0xD0}, []vg.Point{
		{X: box.Min.X - pad, Y: box.Min.Y}, {X: box.Max.X + pad, Y: box.Min.Y},
		{X: box.Max.X + pad, Y: box.Max.Y}, {X: box.Min.X - pad, Y: box.Max.Y},
	})
}

// textBox is where Plain draws single-line txt at pt: from the descent
// below the baseline to the cap height above it. (text.Style.Rectangle is
// off by the line gap for this purpose.)
func textBox(sty text.Style, pt vg.Point, txt string) vg.Rectangle {
	e := sty.FontExtents()
	w := sty.Width(txt)
	base := pt.Y + sty.Height(txt)*vg.Length(sty.YAlign) - e.Ascent + sty.Font.Size
	x0 := pt.X + vg.Length(sty.XAlign)*w
	return vg.Rectangle{
		Min: vg.Point{X: x0, Y: base - e.Descent*0.8},
		Max: vg.Point{X: x0 + w, Y: base + e.Ascent*0.8},
	}
}
