package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunThenReport is the newcomer's path through the command line: a tiny
// experiment (2 problems × 2 optimizers × 3 seeds, small budget) through
// `optbench run` and `optbench report --svg` into a temporary folder; every
// chart the report embeds exists as PNG and SVG, and the report says where
// it is.
func TestRunThenReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	ctx := context.Background()
	_, _, err := execute(ctx, "run", "--out", dir, "--problems", "celsius,xor", "--optimizers", "irprop-,ga",
		"--seeds", "3", "--budget", "300", "--keep-going", "--quiet")
	require.NoError(t, err)
	out, errOut, err := execute(ctx, "report", "--svg", dir)
	require.NoError(t, err)
	assert.Empty(t, errOut)
	assert.Contains(t, out, filepath.Join(dir, "REPORT.md"))

	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(md), "\n") {
		i := strings.Index(line, "](")
		if !strings.HasPrefix(line, "![") || i < 0 || !strings.HasSuffix(line, ".png)") {
			continue
		}
		name := strings.TrimSuffix(line[i+2:], ".png)")
		png, err := os.ReadFile(filepath.Join(dir, name+".png"))
		require.NoError(t, err, name)
		assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), name)
		assert.FileExists(t, filepath.Join(dir, name+".svg"))
		n++
	}
	// Per problem: 3 convergence, precision, ECDF, final loss, 2 speed, the
	// A12 matrix; the celsius landscape; the ECDF and the data profile over
	// all problems; the verdict's CD diagram and performance profile; and
	// the outcomes chart of xor, where some optimizer solves it in some of
	// the 3 seeds only.
	assert.Equal(t, 2*9+1+2+2+1, n)
	assert.FileExists(t, filepath.Join(dir, "outcomes-xor.png"))

	// A folder that is not a results folder: a clear error, exit status 1.
	_, _, err = execute(ctx, "report", t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "manifest.json")
	assert.Equal(t, 1, exitCode(err))
}
