package plots

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func TestCDDiagram(t *testing.T) {
	names := []string{"rprop-", "ga", "backprop", "irprop+", "custom"}
	ranks := []float64{1.5, 4.5, 3, 2.2, 3.8}
	groups := [][]int{{0, 3}, {3, 2, 4}, {4, 1}}
	p, err := CDDiagram("ranks", names, ranks, 1.4, groups)
	require.NoError(t, err)
	require.Equal(t, 1, kinds(t, p)["*plots.cdPlotter"])
	cd := cdLayout(names, ranks, 1.4, groups)
	// Better half (3 of 5) labelled left, best nearest the axis; worse half
	// right, worst nearest the axis.
	require.Len(t, cd.rows, 5)
	assert.Equal(t, []int{0, 3, 2}, []int{cd.rows[0].i, cd.rows[1].i, cd.rows[2].i})
	assert.True(t, cd.rows[0].left && cd.rows[2].left && !cd.rows[3].left)
	assert.Equal(t, []int{1, 4}, []int{cd.rows[3].i, cd.rows[4].i})
	assert.Less(t, cd.rows[0].y, cd.rows[1].y)
	assert.Equal(t, cd.rows[0].y, cd.rows[3].y)
	require.NoError(t, Save(p, 16*vg.Centimeter, 8*vg.Centimeter, filepath.Join(t.TempDir(), "cd.png")))

	for _, bad := range []struct {
		names []string
		ranks []float64
	}{
		{[]string{"a"}, []float64{1}},
		{[]string{"a", "b"}, []float64{1}},
		{[]string{"a", "b"}, []float64{1, nan}},
	} {
		_, err := CDDiagram("x", bad.names, bad.ranks, 1, nil)
		assert.Error(t, err, "%v", bad)
	}
}

// TestZeroStrip checks that a series that reaches exactly 0 stays visible:
// its zeros are drawn in the strip below the axis (seed3's Rprop curves),
// a floor of 0 is drawn there with the label "0", values below LogY.Cut
// join them, and a series with nothing drawable is named in Note.Hidden.
func TestZeroStrip(t *testing.T) {
	x := []float64{1, 10, 100, 1000}
	series := []Series{
		{Name: "rprop+", X: x, Y: []float64{0.1, 1e-5, 0, 0}},
		{Name: "backprop", X: x, Y: []float64{0.2, 0.1, 0.05, 1e-40}},
		{Name: "ga", X: x, Y: []float64{nan, nan, -1, inf}},
	}
	p, note, err := PrecisionLimitWith("p", "budget", "loss", series, nil, []Floor{{Name: "rprop+", X: 100, Value: 0}}, LogY{Cut: 1e-32, Counts: "at the end: rprop+ 3/3"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ga"}, note.Hidden)
	assert.Equal(t, []string{"rprop+", "backprop", "floor (value)"}, legendTexts(t, p))
	assert.Equal(t, 1, kinds(t, p)["*plots.yStrip"])
	var strip *yStrip
	var floors *floorMarks
	for _, pl := range plotters(t, p) {
		switch v := pl.(type) {
		case *yStrip:
			strip = v
		case *floorMarks:
			floors = v
		}
	}
	require.NotNil(t, strip)
	// 0, 0 of rprop+, 1e-40 of backprop (below the cut) and the floor.
	assert.Equal(t, 4, strip.n)
	assert.Equal(t, "< 1e-32", strip.label())
	assert.Equal(t, "= 0 or < 1e-32: at the end: rprop+ 3/3", strip.caption())
	// The axis ends at the data (1e-5) rather than at 1e-40: the strip
	// sits below it.
	assert.InEpsilon(t, 1e-5, strip.top, 1e-12)
	assert.Less(t, p.Y.Min, strip.at)
	assert.Less(t, strip.at, strip.top)
	require.NotNil(t, floors)
	assert.Equal(t, []string{"0"}, floors.labels)
	assert.Equal(t, strip.at, floors.floors[0].Value)
	ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
	assert.Equal(t, plot.Tick{Value: strip.at, Label: "< 1e-32"}, ticks[len(ticks)-1])
	for _, tk := range ticks[:len(ticks)-1] {
		assert.GreaterOrEqual(t, tk.Value, strip.top*(1-1e-9), "no ticks inside the strip")
	}
	render(t, p)
}
