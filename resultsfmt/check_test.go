package resultsfmt_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/resultsfmt"
)

// TestCheckOnItsOwn: a folder an experiment wrote passes Check without its
// plan, and damage to either file is a finding with its line.
func TestCheckOnItsOwn(t *testing.T) {
	dir := t.TempDir()
	runs := validRuns(t, dir)
	c := resultsfmt.Check(dir, resultsfmt.CheckOptions{})
	require.Empty(t, c.Runs.Findings)
	require.Empty(t, c.Trace.Findings)
	want, _, err := resultsfmt.ReadRuns(runs)
	require.NoError(t, err)
	require.Len(t, c.Records, len(want))
	for _, r := range c.Records {
		require.NotEmpty(t, r.Trace)
	}
	assert.Len(t, c.Runs.Checksum, 64)

	// Row 2 (line 3) with a best loss above its final loss.
	ls := strings.SplitAfter(string(runs), "\n")
	f := strings.Split(strings.TrimSuffix(ls[2], "\n"), ",")
	f[12] = "1e300"
	ls[2] = strings.Join(f, ",") + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, resultsfmt.RunsFile), []byte(strings.Join(ls, "")), 0o644))
	c = resultsfmt.Check(dir, resultsfmt.CheckOptions{Recorded: map[string]string{resultsfmt.RunsFile: strings.Repeat("0", 64)}, RecordedIn: "the record"})
	require.Len(t, c.Runs.Findings, 2)
	assert.Equal(t, 3, c.Runs.Findings[0].Line)
	assert.Contains(t, c.Runs.Findings[0].String(), "runs.csv:3: ")
	assert.Contains(t, c.Runs.Findings[0].Msg, "best_loss 1e+300")
	assert.Contains(t, c.Runs.Findings[1].Msg, "the record recorded")
	// The row is reported, not its trajectory.
	assert.Empty(t, c.Trace.Findings)
	assert.Len(t, c.Records, len(want)-1)

	// Without its last row, the last trajectory has none: a finding in a
	// finished pair, what an interrupted append leaves in an unfinished one.
	require.NoError(t, os.WriteFile(filepath.Join(dir, resultsfmt.RunsFile), []byte(strings.Join(ls[:len(ls)-2], "")), 0o644))
	c = resultsfmt.Check(dir, resultsfmt.CheckOptions{})
	require.Len(t, c.Trace.Findings, 1)
	assert.Contains(t, c.Trace.Findings[0].Msg, "which has no row")
	c = resultsfmt.Check(dir, resultsfmt.CheckOptions{Unfinished: true})
	assert.Empty(t, c.Trace.Findings)
	assert.Positive(t, c.Trace.Tolerated)
	assert.Empty(t, c.Runs.Checksum, "no checksums in an unfinished pair")
}
