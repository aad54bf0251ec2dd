package bench

import (
	"os"
	"runtime"
	"strconv"
	"strings"
)

// AvailableCPUs returns the number of CPUs this process may use, the
// default number of workers, and what decided it: the smallest of
// GOMAXPROCS ("gomaxprocs", which Go derives from the affinity mask and a
// cgroup CPU limit), the CPUs of the process's affinity mask ("affinity",
// on Linux) and the allocation of a Slurm task, SLURM_CPUS_PER_TASK
// ("slurm"), which Slurm sets without always confining the task to that
// many CPUs.
func AvailableCPUs() (n int, source string) {
	n, source = runtime.GOMAXPROCS(0), "gomaxprocs"
	if a := affinityCPUs(); a > 0 && a < n {
		n, source = a, "affinity"
	}
	if s, err := strconv.Atoi(strings.TrimSpace(os.Getenv("SLURM_CPUS_PER_TASK"))); err == nil && s > 0 && s < n {
		n, source = s, "slurm"
	}
	return n, source
}
