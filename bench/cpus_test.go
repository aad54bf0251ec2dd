package bench

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAvailableCPUs checks that a Slurm allocation smaller than GOMAXPROCS
// decides the default number of workers, and that a larger one or a
// malformed value does not.
func TestAvailableCPUs(t *testing.T) {
	base, _ := AvailableCPUs()
	assert.GreaterOrEqual(t, base, 1)
	assert.LessOrEqual(t, base, runtime.GOMAXPROCS(0))
	t.Setenv("SLURM_CPUS_PER_TASK", "1")
	n, src := AvailableCPUs()
	assert.Equal(t, 1, n)
	if base > 1 {
		assert.Equal(t, "slurm", src)
	}
	for _, v := range []string{"1000", "x", "0", "-2"} {
		t.Setenv("SLURM_CPUS_PER_TASK", v)
		n, src = AvailableCPUs()
		assert.Equal(t, base, n, "SLURM_CPUS_PER_TASK=%s", v)
		assert.NotEqual(t, "slurm", src)
	}
}
