package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Manifest says how a results folder was made, so any figure can be traced
// back to its configuration, code and machine.
type Manifest struct {
	Config     Config    `json:"config"`
	ConfigHash string    `json:"config_hash"`
	Shard      int       `json:"shard"`
	Shards     int       `json:"shards"`
	Runs       int       `json:"runs"` // runs in this folder's share of the experiment
	GoVersion  string    `json:"go_version"`
	GOOS       string    `json:"goos"`
	GOARCH     string    `json:"goarch"`
	CPU        string    `json:"cpu"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	Workers    int       `json:"workers"`
	Module     string    `json:"module"`
	Revision   string    `json:"revision"` // VCS revision, "+dirty" when modified
	Start      time.Time `json:"start"`
	End        time.Time `json:"end,omitzero"`
	Complete   bool      `json:"complete"`
}

// newManifest describes the current process running plan.
func newManifest(plan *Plan, opt Options, runs int) *Manifest {
	m := &Manifest{Config: plan.Config, ConfigHash: plan.Config.Hash(), Shard: opt.Shard, Shards: opt.Shards,
		Runs: runs, GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuModel(), GOMAXPROCS: runtime.GOMAXPROCS(0), Workers: opt.Workers, Start: time.Now().UTC()}
	m.Module, m.Revision = revision()
	return m
}

// ReadManifest reads dir's manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &m, nil
}

func (m *Manifest) write(dir string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, ManifestFile), append(data, '\n'))
}

// cpuModel returns the processor's model name, or GOARCH when unknown.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err == nil {
		defer f.Close()
		s := bufio.NewScanner(f)
		for s.Scan() {
			if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// revision returns the module path and its VCS revision from the build
// information, falling back to `git rev-parse HEAD` (builds made with
// -buildvcs=false, or `go run`, carry none).
func revision() (module, rev string) {
	module = "github.com/optbench/optbench"
	if bi, ok := debug.ReadBuildInfo(); ok {
		module = bi.Main.Path
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" {
			if modified {
				rev += "+dirty"
			}
			return module, rev
		}
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return module, "unknown"
	}
	rev = strings.TrimSpace(string(out))
	// Outputs under results/ do not make the code dirty: regenerating the
	// committed reference results rewrites them.
	status := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ":(top)", ":(top,exclude)results")
	if st, err := status.Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		rev += "+dirty"
	}
	return module, rev
}
