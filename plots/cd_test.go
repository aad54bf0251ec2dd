package plots

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
