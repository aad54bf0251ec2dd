package bench_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// benchstatVersion pins the benchstat that TestBenchstatReadsResults runs
// (`go run golang.org/x/perf/cmd/benchstat@…`, outside this module, so
// that its dependencies do not change ours).
const benchstatVersion = "v0.0.0-20260908200009-22c9c6c9d4da"

// TestBenchstatReadsResults runs the real benchstat on the results.bench
// of a small experiment with runs that reach a loss of exactly 0 (seed3,
// rprop+) and runs that never reach the headline target, and checks that
// its output is sensible: digits (−log10 of the loss, better=higher)
// instead of SI-scaled losses, ns per loss evaluation, evaluations to the
// headline target, and a geomean for every table.
func TestBenchstatReadsResults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run benchstat")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run benchstat")
	}
	dir := t.TempDir()
	cfg := bench.Config{Problems: []string{"seed3", "xor"}, Optimizers: []string{"rprop+", "backprop", "ga"},
		Seeds: 3, Budget: 2000, KeepGoing: true, PlateauMin: 2500, LossEval: "careful"}
	xpRun(t, cfg, dir, bench.Options{Workers: 2})
	path := filepath.Join(dir, bench.BenchFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(data)
	assert.Contains(t, text, "Unit digits better=higher\n")
	assert.Contains(t, text, "Unit evals-to-classified better=lower\n")
	assert.NotContains(t, text, "final-loss")
	// A loss of exactly 0 is counted as the smallest subnormal: 323.3 digits.
	zero := strconv.FormatFloat(-math.Log10(math.SmallestNonzeroFloat64), 'g', 6, 64) + " digits"
	assert.Contains(t, text, zero, "seed3 rprop+ reaches a loss of 0")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "run", "golang.org/x/perf/cmd/benchstat@"+benchstatVersion, "-col", "/optimizer", path)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if strings.Contains(errOut.String(), "dial tcp") || strings.Contains(errOut.String(), "proxy") {
			t.Skipf("benchstat not available: %v: %s", err, errOut.String())
		}
		t.Fatalf("benchstat: %v\n%s", err, errOut.String())
	}
	got := out.String()
	t.Log(got)
	for _, unit := range []string{"sec/op", "sec/eval", "digits", "evals-to-classified"} {
		assert.Contains(t, got, unit)
	}
	assert.NotContains(t, got, "loss", "no loss column, so no SI-scaled losses")
	assert.NotContains(t, got, "summaries must be >0")
	assert.NotContains(t, got, "ratios must be >0")
	tables := strings.Count(got, "vs base")
	assert.Equal(t, 4, strings.Count(got, "\ngeomean"), "one geomean per table")
	assert.Positive(t, tables)
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "geomean") {
			assert.NotContains(t, line, "?", "a failed geomean: %s", line)
		}
	}
}
