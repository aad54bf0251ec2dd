package bench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

func TestParseGrid(t *testing.T) {
	tests := []struct {
		in   string
		want []bench.Axis
		err  string
	}{
		{in: "lr=0.1,1,10", want: []bench.Axis{{Setting: "lr", Values: []float64{0.1, 1, 10}}}},
		{in: " delta0 = 0.0125, 0.05 : eta+=1.1,1.2 ", want: []bench.Axis{
			{Setting: "delta0", Values: []float64{0.0125, 0.05}}, {Setting: "eta+", Values: []float64{1.1, 1.2}}}},
		{in: "irprop-.delta0=1e-2", want: []bench.Axis{{Setting: "irprop-.delta0", Values: []float64{0.01}}}},
		{in: "lr=3,1", want: []bench.Axis{{Setting: "lr", Values: []float64{3, 1}}}},
		{in: "", err: "empty grid"},
		{in: "  ", err: "empty grid"},
		{in: "lr", err: `"lr": want setting=v1,v2,…`},
		{in: "=1,2", err: "want setting=v1,v2"},
		{in: "lr=", err: `lr: value "" is not a finite number`},
		{in: "lr=1,,2", err: `lr: value "" is not a finite number`},
		{in: "lr=1,x", err: `lr: value "x" is not a finite number`},
		{in: "lr=NaN", err: `lr: value "NaN" is not a finite number`},
		{in: "lr=1,Inf", err: `lr: value "Inf" is not a finite number`},
		{in: "lr=1,1.0", err: "lr: value 1.0 listed twice"},
		{in: "lr=1:lr=2", err: "setting lr listed twice"},
		{in: "a=1:b=2:c=3", err: "3 settings: want 1 or 2"},
		{in: "lr=1:", err: `"": want setting=v1,v2,…`},
		{in: "my lr=1", err: `bad setting name "my lr"`},
		{in: "lr=1;momentum=2", err: `lr: value "1;momentum=2" is not a finite number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := bench.ParseGrid(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzParseGrid checks that ParseGrid never panics and that what it
// accepts is a valid grid that round-trips through its canonical form.
func FuzzParseGrid(f *testing.F) {
	for _, s := range []string{"lr=0.1,1,10", "delta0=0.0125,0.05:eta+=1.1,1.2", "a=1:b=2:c=3", "lr=1,1", "=", ":", "x=1e308,-1e308", "p=0x1p-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		axes, err := bench.ParseGrid(s)
		if err != nil {
			if axes != nil {
				t.Fatalf("ParseGrid(%q) returned axes with error %v", s, err)
			}
			return
		}
		if len(axes) < 1 || len(axes) > bench.MaxSweepAxes {
			t.Fatalf("ParseGrid(%q): %d axes", s, len(axes))
		}
		var parts []string
		for i, a := range axes {
			if a.Setting == "" || strings.ContainsAny(a.Setting, ":=, \t") {
				t.Fatalf("ParseGrid(%q): bad setting %q", s, a.Setting)
			}
			for _, b := range axes[:i] {
				if a.Setting == b.Setting {
					t.Fatalf("ParseGrid(%q): setting %q twice", s, a.Setting)
				}
			}
			if len(a.Values) == 0 {
				t.Fatalf("ParseGrid(%q): no values", s)
			}
			seen := map[float64]bool{}
			for _, v := range a.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) || seen[v] {
					t.Fatalf("ParseGrid(%q): bad or repeated value %v", s, v)
				}
				seen[v] = true
			}
			parts = append(parts, a.Setting+"="+strings.Join(a.Labels(), ","))
		}
		again, err := bench.ParseGrid(strings.Join(parts, ":"))
		if err != nil {
			t.Fatalf("canonical form of %q does not parse: %v", s, err)
		}
		if len(again) != len(axes) {
			t.Fatalf("round trip of %q: %v != %v", s, again, axes)
		}
		for i := range axes {
			if again[i].Setting != axes[i].Setting || len(again[i].Values) != len(axes[i].Values) {
				t.Fatalf("round trip of %q: %v != %v", s, again, axes)
			}
			for j, v := range axes[i].Values {
				if again[i].Values[j] != v && !(v == 0 && again[i].Values[j] == 0) {
					t.Fatalf("round trip of %q: %v != %v", s, again, axes)
				}
			}
		}
	})
}

func TestStripOptimizer(t *testing.T) {
	axes, err := bench.StripOptimizer([]bench.Axis{{Setting: "irprop-.delta0"}, {Setting: "eta+"}}, "irprop-")
	require.NoError(t, err)
	assert.Equal(t, "delta0", axes[0].Setting)
	assert.Equal(t, "eta+", axes[1].Setting)
	_, err = bench.StripOptimizer([]bench.Axis{{Setting: "ga.sigma"}}, "irprop-")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "belongs to ga")
}

func TestNewSweepErrors(t *testing.T) {
	lr := []bench.Axis{{Setting: "lr", Values: []float64{0.5, 1}}}
	tests := []struct {
		name string
		c    bench.SweepConfig
		err  string
	}{
		{"unknown problem", bench.SweepConfig{Problem: "nand", Optimizer: "backprop", Axes: lr}, `unknown problem "nand"`},
		{"unknown optimizer", bench.SweepConfig{Problem: "xor", Optimizer: "sgd", Axes: lr}, `unknown optimizer "sgd"`},
		{"no axes", bench.SweepConfig{Problem: "xor", Optimizer: "backprop"}, "grid has 0 settings: want 1 or 2"},
		{"three axes", bench.SweepConfig{Problem: "xor", Optimizer: "ga", Axes: []bench.Axis{
			{Setting: "population", Values: []float64{10}}, {Setting: "sigma", Values: []float64{1}}, {Setting: "elite", Values: []float64{1}}}},
			"grid has 3 settings"},
		{"unknown setting", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "eta+", Values: []float64{1.2}}}},
			`backprop has no setting "eta+"; settings: lr, momentum`},
		{"twice", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{lr[0], lr[0]}}, "setting lr listed twice"},
		{"no values", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "lr"}}}, "setting lr has no values"},
		{"repeated value", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "lr", Values: []float64{1, 1}}}},
			"lr value 1 listed twice"},
		{"NaN", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "lr", Values: []float64{math.NaN()}}}},
			"not a finite number"},
		{"invalid point", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "lr", Values: []float64{1, -1}}}},
			"grid point lr=-1"},
		{"inconsistent point", bench.SweepConfig{Problem: "xor", Optimizer: "ga", Axes: []bench.Axis{{Setting: "population", Values: []float64{2, 10}}}},
			"grid point population=2"},
		{"target", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: lr, Target: "param_1e-07"},
			`target "param_1e-07": want a target of xor: loss_1e-01`},
		{"set swept", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: lr, Set: map[string]float64{"backprop.lr": 1}},
			"lr is swept by the grid"},
		{"set other optimizer", bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: lr, Set: map[string]float64{"ga.sigma": 1}},
			"want backprop.setting"},
		{"too many points", bench.SweepConfig{Problem: "xor", Optimizer: "ga", Axes: []bench.Axis{
			{Setting: "population", Values: gridValues(10, 30)}, {Setting: "sigma", Values: gridValues(1, 30)}}}, "grid has 900 points: want at most 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bench.NewSweep(tt.c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func gridValues(from float64, n int) []float64 {
	var out []float64
	for i := range n {
		out = append(out, from+float64(i))
	}
	return out
}

func TestNewSweepPoints(t *testing.T) {
	sp, err := bench.NewSweep(bench.SweepConfig{Problem: "xor", Optimizer: "irprop-", Axes: []bench.Axis{
		{Setting: "delta0", Values: []float64{0.05, 0.1, 0.5}}, {Setting: "eta+", Values: []float64{1.1, 1.2}}},
		Set: map[string]float64{"irprop-.delta-max": 10}})
	require.NoError(t, err)
	assert.Equal(t, bench.DefaultSweepSeeds, sp.Config.Seeds)
	assert.Equal(t, bench.DefaultSweepBudget, sp.Config.Budget)
	assert.Equal(t, "classified", sp.Config.Target, "xor's headline target")
	require.Len(t, sp.Points, 6)
	assert.Equal(t, 6*bench.DefaultSweepSeeds, sp.Runs())
	// Row-major: the second setting varies fastest.
	want := [][2]float64{{0.05, 1.1}, {0.05, 1.2}, {0.1, 1.1}, {0.1, 1.2}, {0.5, 1.1}, {0.5, 1.2}}
	for k, pt := range sp.Points {
		assert.Equal(t, k, pt.Index)
		assert.Equal(t, "point-"+strconv.Itoa(k), pt.Dir)
		assert.Equal(t, map[string]float64{"delta0": want[k][0], "eta+": want[k][1]}, pt.Settings)
		assert.Equal(t, []int{k / 2, k % 2}, pt.Coord)
		task := sp.Plans[k].Tasks[0]
		assert.Equal(t, map[string]float64{"delta0": want[k][0], "eta+": want[k][1], "delta-max": 10}, task.Settings)
	}
	assert.Equal(t, "delta0=0.5, eta+=1.2", sp.Points[5].Label(sp.Config.Axes))
	// Folder names sort in point order.
	sp, err = bench.NewSweep(bench.SweepConfig{Problem: "xor", Optimizer: "backprop", Axes: []bench.Axis{{Setting: "lr", Values: gridValues(1, 11)}}})
	require.NoError(t, err)
	assert.Equal(t, "point-00", sp.Points[0].Dir)
	assert.Equal(t, "point-10", sp.Points[10].Dir)
}

func TestTuneability(t *testing.T) {
	tests := []struct {
		rates []float64
		want  float64
	}{
		{[]float64{1, 1, 1}, 1},
		{[]float64{0.8, 0.8}, 1},
		{[]float64{1, 0, 0, 0}, 0.25},
		{[]float64{0.9, 0.6, 0.3, 0}, 0.5},
		{[]float64{0.5, 0.25}, 0.75},
		{[]float64{0.2}, 1},
		{[]float64{0, 0}, math.NaN()},
		{nil, math.NaN()},
		{[]float64{0.5, math.NaN()}, math.NaN()},
	}
	for _, tt := range tests {
		got := bench.Tuneability(tt.rates)
		if math.IsNaN(tt.want) {
			assert.True(t, math.IsNaN(got), "Tuneability(%v) = %v, want NaN", tt.rates, got)
			continue
		}
		assert.InDelta(t, tt.want, got, 1e-12, "Tuneability(%v)", tt.rates)
	}
}

// tinySweep is a 2×2 grid × 2 seeds of irprop- on xor with a small budget.
var tinySweep = bench.SweepConfig{Problem: "xor", Optimizer: "irprop-", Axes: []bench.Axis{
	{Setting: "delta0", Values: []float64{0.05, 0.5}}, {Setting: "eta+", Values: []float64{1.2, 1.5}}},
	Seeds: 2, Budget: 300}

func TestRunSweepEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	sp, err := bench.NewSweep(tinySweep)
	require.NoError(t, err)
	var last [2]int
	require.NoError(t, bench.RunSweep(context.Background(), sp, dir, bench.Options{Workers: 2,
		Progress: func(done, total int) { last = [2]int{done, total} }}))
	assert.Equal(t, [2]int{8, 8}, last, "progress counts the runs of the whole sweep")

	man, err := bench.ReadSweepManifest(dir)
	require.NoError(t, err)
	assert.True(t, man.Complete)
	assert.Equal(t, sp.Hash(), man.ConfigHash)
	require.Len(t, man.Points, 4)
	for _, pt := range man.Points {
		m, err := bench.ReadManifest(filepath.Join(dir, pt.Dir))
		require.NoError(t, err, "every point is a complete results folder")
		assert.True(t, m.Complete)
		assert.Equal(t, []string{"xor"}, m.Config.Problems)
		assert.Equal(t, pt.Settings["delta0"], m.Config.Set["irprop-.delta0"])
	}

	data, err := os.ReadFile(filepath.Join(dir, bench.SweepCSVFile))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+4)
	assert.Equal(t, bench.SweepCSVHeader(tinySweep.Axes), rows[0])
	assert.Equal(t, []string{"point", "folder", "delta0", "eta+", "target", "runs", "successes", "success_rate"}, rows[0][:8])
	res, err := bench.LoadSweep(dir)
	require.NoError(t, err)
	for k, row := range rows[1:] {
		assert.Equal(t, []string{strconv.Itoa(k), "point-" + strconv.Itoa(k)}, row[:2])
		assert.Equal(t, "classified", row[4])
		assert.Equal(t, "2", row[5])
		// The same numbers as the point's own targets.csv.
		tg, err := os.ReadFile(filepath.Join(dir, row[1], bench.TargetsFile))
		require.NoError(t, err)
		assert.Contains(t, string(tg), ",classified,2,"+row[6]+","+row[7]+",")
		s := res.Stats[k]
		assert.Equal(t, row[6], strconv.Itoa(s.Successes))
	}
	assert.Equal(t, res.Tuneability(), derefOr(man.Tuneability, math.NaN()))
	grid := res.Grid(func(s bench.TargetStat) float64 { return float64(s.Successes) })
	require.Len(t, grid, 2, "rows: eta+")
	for k, pt := range man.Points {
		assert.Equal(t, float64(res.Stats[k].Successes), grid[pt.Coord[1]][pt.Coord[0]])
	}

	// Rerunning resumes: nothing is run again.
	before, err := os.ReadFile(filepath.Join(dir, man.Points[0].Dir, bench.RunsFile))
	require.NoError(t, err)
	calls := 0
	require.NoError(t, bench.RunSweep(context.Background(), sp, dir, bench.Options{Progress: func(done, total int) {
		calls++
		assert.Equal(t, 8, total)
	}}))
	after, err := os.ReadFile(filepath.Join(dir, man.Points[0].Dir, bench.RunsFile))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))

	// Another grid into the same folder is refused, then forced: the
	// points it does not use are moved aside.
	other := tinySweep
	other.Axes = []bench.Axis{{Setting: "delta0", Values: []float64{0.1, 0.2}}}
	sp2, err := bench.NewSweep(other)
	require.NoError(t, err)
	err = bench.RunSweep(context.Background(), sp2, dir, bench.Options{})
	require.ErrorIs(t, err, bench.ErrConfigMismatch)
	assert.Contains(t, err.Error(), "delta0×eta+")
	require.NoError(t, bench.RunSweep(context.Background(), sp2, dir, bench.Options{Force: true}))
	assert.DirExists(t, filepath.Join(dir, "point-1"))
	assert.NoDirExists(t, filepath.Join(dir, "point-2"))
	assert.NoDirExists(t, filepath.Join(dir, "point-3"))
	old, err := filepath.Glob(filepath.Join(dir, ".old-*"))
	require.NoError(t, err)
	require.Len(t, old, 1)
	for _, name := range []string{bench.SweepFile, "point-2/" + bench.RunsFile, "point-3/" + bench.RunsFile} {
		assert.FileExists(t, filepath.Join(old[0], name), "--force keeps the old sweep's files")
	}
	res, err = bench.LoadSweep(dir)
	require.NoError(t, err)
	assert.Len(t, res.Stats, 2)
	assert.Len(t, res.Grid(func(s bench.TargetStat) float64 { return s.Rate }), 1, "one axis: one row")
}

func derefOr(p *float64, v float64) float64 {
	if p == nil {
		return v
	}
	return *p
}

// TestRunSweepInterrupted checks that a cancelled sweep leaves an
// unfinished sweep.json that LoadSweep refuses, and that rerunning
// completes it.
func TestRunSweepInterrupted(t *testing.T) {
	dir := t.TempDir()
	sp, err := bench.NewSweep(tinySweep)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	err = bench.RunSweep(ctx, sp, dir, bench.Options{Workers: 1, Progress: func(done, total int) {
		if done >= 3 {
			cancel()
		}
	}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Contains(t, err.Error(), "rerun the same command to resume")
	_, err = bench.LoadSweep(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unfinished sweep")
	assert.NoFileExists(t, filepath.Join(dir, bench.SweepCSVFile))

	require.NoError(t, bench.RunSweep(context.Background(), sp, dir, bench.Options{}))
	_, err = bench.LoadSweep(dir)
	require.NoError(t, err)
}
