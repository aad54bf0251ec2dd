package resultsfmt_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/resultsfmt"
)

// fileConfig covers every status: celsius backprop with lr=1 diverges,
// celsius irprop- plateaus, seed3 irprop- reaches its targets and seed3
// backprop uses its budget; seed3 also runs in float32.
var fileConfig = bench.Config{Problems: []string{"celsius", "seed3"}, Optimizers: []string{"backprop", "irprop-"},
	Seeds: 2, Budget: 1500, Set: map[string]float64{"backprop.lr": 1},
	Precisions: map[string][]string{"seed3": {"float64", "float32"}}}

// validRuns runs fileConfig into a temporary folder and returns its
// runs.csv.
func validRuns(t testing.TB, dir string) []byte {
	t.Helper()
	plan, err := bench.NewPlan(fileConfig)
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}))
	data, err := os.ReadFile(filepath.Join(dir, resultsfmt.RunsFile))
	require.NoError(t, err)
	return data
}

// recString renders a record for comparison (NaN equals NaN).
func recString(r *resultsfmt.Record) string { return fmt.Sprintf("%+v", *r) }

func TestTimingColumns(t *testing.T) {
	h := resultsfmt.RunsHeader()
	idx := resultsfmt.TimingColumns(h)
	require.Len(t, idx, 1+len(resultsfmt.AllTargets()))
	var names []string
	for _, i := range idx {
		names = append(names, h[i])
	}
	assert.Equal(t, "seconds", names[0])
	for i, tg := range resultsfmt.AllTargets() {
		assert.Equal(t, "seconds_to_"+tg.Name, names[i+1])
	}
	th := resultsfmt.TraceHeader()
	assert.Equal(t, []int{7}, resultsfmt.TimingColumns(th))
	assert.Equal(t, "seconds", th[7])
	assert.Empty(t, resultsfmt.TimingColumns([]string{"problem", "seconds_median", "evals_to_classified"}))
}

func TestReadRuns(t *testing.T) {
	valid := validRuns(t, t.TempDir())
	lines := strings.SplitAfter(string(valid), "\n")
	lines = lines[:len(lines)-1] // "" after the last newline
	hdr, rows := lines[0], lines[1:]
	all, skipped, err := resultsfmt.ReadRuns(valid)
	require.NoError(t, err)
	require.Zero(t, skipped)
	require.Len(t, all, len(rows))
	field := func(row string, i int, v string) string {
		f := strings.Split(strings.TrimSuffix(row, "\n"), ",")
		f[i] = v
		return strings.Join(f, ",") + "\n"
	}
	// A row with a first hit on loss_1e-01 (not the first row).
	hit := slices.IndexFunc(all, func(r *resultsfmt.Record) bool { return r.Hits[0].Iter >= 0 })
	require.Positive(t, hit)
	tests := []struct {
		name    string
		data    string
		want    []int // indices into rows of the records returned
		skipped int
		err     bool
	}{
		{"empty", "", nil, 0, false},
		{"header only", hdr, nil, 0, false},
		{"torn header", hdr[:10], nil, 1, false},
		{"wrong header", strings.Replace(hdr, "seed", "Seed", 1) + rows[0], nil, 0, true},
		{"other file", "a,b\n1,2\n", nil, 0, true},
		{"valid", string(valid), seq(len(rows)), 0, false},
		{"crlf", strings.ReplaceAll(string(valid), "\n", "\r\n"), seq(len(rows)), 0, false},
		{"torn last line", string(valid) + rows[0][:len(rows[0])/2], seq(len(rows)), 1, false},
		{"torn row in the middle", hdr + rows[0] + rows[1][:40] + rows[2], []int{0}, 1, false},
		{"duplicate keeps the first", hdr + rows[0] + field(rows[0], 7, "1") + rows[1], []int{0, 1}, 1, false},
		{"blank line", hdr + rows[0] + "\n" + rows[1], []int{0, 1}, 1, false},
		{"garbage lines", hdr + "\x00\xff\"\n" + rows[0] + "garbage\n,,,\n" + rows[1], []int{0, 1}, 3, false},
		{"too few fields", hdr + strings.TrimSuffix(rows[0], "\n") + ",x\n" + rows[1], []int{1}, 1, false},
		{"unknown status", hdr + field(rows[0], 6, "crashed") + rows[1], []int{1}, 1, false},
		{"negative iterations", hdr + field(rows[0], 7, "-3") + rows[1], []int{1}, 1, false},
		{"bad seed", hdr + field(rows[0], 4, "x") + rows[1], []int{1}, 1, false},
		{"bad loss", hdr + field(rows[0], 11, "1e") + rows[1], []int{1}, 1, false},
		{"empty problem", hdr + field(rows[0], 0, "") + rows[1], []int{1}, 1, false},
		{"unknown precision", hdr + field(rows[0], 2, "float16") + rows[1], []int{1}, 1, false},
		{"negative hit", hdr + rows[0] + field(rows[hit], 16, "-1"), []int{0}, 1, false},
		{"hit without evaluations", hdr + rows[0] + field(rows[hit], 17, ""), []int{0}, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, skipped, err := resultsfmt.ReadRuns([]byte(tc.data))
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.skipped, skipped, "skipped")
			var got, want []string
			for _, r := range recs {
				got = append(got, recString(r))
			}
			for _, i := range tc.want {
				want = append(want, recString(all[i]))
			}
			assert.Equal(t, want, got)
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// FuzzReadRuns feeds ReadRuns corrupt content. It must never panic, and a
// valid file cut anywhere after its header and followed by anything still
// yields every row that was complete before the cut, first and unchanged.
func FuzzReadRuns(f *testing.F) {
	valid := validRuns(f, f.TempDir())
	want, skipped, err := resultsfmt.ReadRuns(valid)
	require.NoError(f, err)
	require.Zero(f, skipped)
	require.NotEmpty(f, want)
	hdrLen := bytes.IndexByte(valid, '\n') + 1
	n := len(valid)
	// The seed corpus: data is read as is; valid[:cut] + tail is checked
	// for lost rows.
	f.Add([]byte{}, uint32(n), []byte{})
	f.Add(valid, uint32(n), []byte("garbage"))
	f.Add(valid, uint32(n), []byte("garbage\n,,,,\n\"unterminated\n"))
	f.Add(valid[:n-7], uint32(n-7), []byte{})
	f.Add(valid[:hdrLen+5], uint32(hdrLen+5), []byte("\n"))
	f.Add(valid[:hdrLen], uint32(hdrLen), valid[hdrLen:hdrLen+50])
	f.Add(valid[:n/2], uint32(n/2), valid[n/2-30:])
	f.Add(valid[:hdrLen-3], uint32(hdrLen-3), []byte("x\n"))
	f.Add(bytes.ReplaceAll(valid, []byte(","), []byte(";")), uint32(n), []byte("\r\n\r\n"))
	f.Add(bytes.ReplaceAll(valid, []byte("1"), []byte("-1")), uint32(0), []byte("\x00"))
	f.Add(bytes.ReplaceAll(valid, []byte("\n"), []byte("\r")), uint32(n), []byte("\"\n"))
	f.Add(append(append([]byte(nil), valid...), valid[hdrLen:]...), uint32(n), valid)
	f.Fuzz(func(t *testing.T, data []byte, cut uint32, tail []byte) {
		recs, skipped, err := resultsfmt.ReadRuns(data)
		if err == nil {
			assert.GreaterOrEqual(t, skipped, 0)
			keys := map[string]bool{}
			for _, r := range recs {
				k := fmt.Sprintf("%s/%s/%s/%d", r.Problem, r.Optimizer, r.Precision, r.Seed)
				assert.False(t, keys[k], "duplicate run %s", k)
				keys[k] = true
				assert.Len(t, r.Hits, len(resultsfmt.AllTargets()))
			}
			assert.LessOrEqual(t, len(recs)+skipped, bytes.Count(data, []byte("\n"))+1)
		}

		c := int(cut % uint32(n+1))
		if c < hdrLen {
			return
		}
		in := append(append([]byte(nil), valid[:c]...), tail...)
		recs, _, err = resultsfmt.ReadRuns(in)
		require.NoError(t, err)
		k := bytes.Count(valid[hdrLen:c], []byte("\n"))
		require.GreaterOrEqual(t, len(recs), k, "rows lost")
		for i := range k {
			require.Equal(t, recString(want[i]), recString(recs[i]), "row %d", i)
		}
	})
}
