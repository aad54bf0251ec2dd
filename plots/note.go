package plots

import (
	"fmt"
	"math"
	"strings"
)

// Note describes what a builder could not draw. The zero Note means
// everything was drawn.
type Note struct {
	// Dropped counts input values (points, values, samples) that were
	// not drawn because they were NaN, ±Inf, ≤ 0 on a log axis, or had
	// no partner (e.g. an X without a Y).
	Dropped int
	// Empty is set when nothing at all could be drawn; the plot title then
	// ends in " (no data)".
	Empty bool
	// Hidden names the series whose result is not shown: with no visible
	// point at all (they are left out of the legend too), or whose last
	// point — the value at the largest X, the end of the run — could not
	// be drawn (e.g. a loss of exactly 0 on a log axis without a strip).
	Hidden []string
	// Text is a one-line human-readable summary, "" when nothing is worth
	// reporting, e.g. "3 points with non-positive or non-finite values not
	// drawn (log scale): rprop+ 2, ga 1".
	Text string
}

// String returns n.Text.
func (n Note) String() string { return n.Text }

// noteBuilder accumulates per-series drop counts under a few categories,
// plus free-form remarks, in insertion order.
type noteBuilder struct {
	cats    []*noteCat
	remarks []string
	hidden  []string
}

// hide records a series with no visible point.
func (b *noteBuilder) hide(series string) { b.hidden = append(b.hidden, seriesName(series)) }

type noteCat struct {
	noun, rest string // "<n> <noun>s <rest>"
	total      int
	order      []string
	per        map[string]int
}

// drop records n values of series dropped under the category (noun, rest).
func (b *noteBuilder) drop(noun, rest, series string, n int) {
	if n <= 0 {
		return
	}
	var c *noteCat
	for _, x := range b.cats {
		if x.noun == noun && x.rest == rest {
			c = x
		}
	}
	if c == nil {
		c = &noteCat{noun: noun, rest: rest, per: map[string]int{}}
		b.cats = append(b.cats, c)
	}
	if _, ok := c.per[series]; !ok {
		c.order = append(c.order, series)
	}
	c.per[series] += n
	c.total += n
}

// remark adds a sentence that is not counted in Dropped.
func (b *noteBuilder) remark(format string, args ...any) {
	b.remarks = append(b.remarks, fmt.Sprintf(format, args...))
}

func (b *noteBuilder) note(empty bool) Note {
	n := Note{Hidden: b.hidden}
	var parts []string
	if empty {
		n.Empty = true
		parts = append(parts, "no drawable data")
	}
	for _, c := range b.cats {
		n.Dropped += c.total
		s := fmt.Sprintf("%d %s %s", c.total, plural(c.total, c.noun), c.rest)
		if len(c.order) > 1 || (len(c.order) == 1 && c.order[0] != "") {
			var per []string
			for _, name := range c.order {
				per = append(per, fmt.Sprintf("%s %d", seriesName(name), c.per[name]))
			}
			s += ": " + strings.Join(per, ", ")
		}
		parts = append(parts, s)
	}
	parts = append(parts, b.remarks...)
	n.Text = strings.Join(parts, "; ")
	return n
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

func seriesName(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(unnamed)"
	}
	return s
}

// seriesEnd tracks whether a series' point at its largest finite X > 0
// is drawn.
type seriesEnd struct {
	x     float64
	drawn bool
}

func newEnd() *seriesEnd { return &seriesEnd{x: math.Inf(-1)} }

func (e *seriesEnd) see(x float64, drawn bool) {
	if ok(x, true) && x >= e.x {
		e.x, e.drawn = x, drawn
	}
}
