package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeDataCommand runs the README's "Your data, from the command
// line" commands as written (from the repository root), with fewer seeds
// and a smaller budget, so that they stay copy-pasteable.
func TestReadmeDataCommand(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var run, report []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 3 && strings.Join(f[:3], " ") == "go run ./cmd/optbench" {
			switch {
			case f[3] == "run" && len(f) > 4 && f[4] == "--data" && run == nil:
				run = f[3:]
			case f[3] == "report" && run != nil && report == nil:
				report = f[3:]
			}
		}
	}
	require.NotNil(t, run, "README has no `go run ./cmd/optbench run --data` command")
	require.NotNil(t, report, "README has no report command after it")
	out := t.TempDir()
	for i := 0; i+1 < len(run); i++ {
		switch run[i] {
		case "--data":
			run[i+1] = filepath.Join("..", run[i+1])
		case "--seeds":
			run[i+1] = "2"
		case "--budget":
			run[i+1] = "50"
		case "--out":
			require.Equal(t, run[i+1], report[len(report)-1], "report reads the folder run writes")
			run[i+1] = out
		}
	}
	report[len(report)-1] = out
	_, _, err = execute(context.Background(), append(run, "--quiet")...)
	require.NoError(t, err, "optbench %s", strings.Join(run, " "))
	_, _, err = execute(context.Background(), report...)
	require.NoError(t, err, "optbench %s", strings.Join(report, " "))
	_, err = os.Stat(filepath.Join(out, "REPORT.md"))
	require.NoError(t, err)
}
