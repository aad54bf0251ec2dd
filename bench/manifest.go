package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/optbench/optbench/optim"
)

// Manifest says how a results folder was made, so any figure can be traced
// back to its configuration, code and machine.
type Manifest struct {
	Config     Config `json:"config"`
	ConfigHash string `json:"config_hash"`
	Shard      int    `json:"shard"`
	Shards     int    `json:"shards"`
	Runs       int    `json:"runs"` // runs in this folder's share of the experiment
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPU        string `json:"cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Workers    int    `json:"workers"`
	// WorkersFrom says what chose Workers: "option" (given), or the
	// source AvailableCPUs reports ("gomaxprocs", "affinity", "slurm").
	WorkersFrom string `json:"workers_from,omitempty"`
	Module      string `json:"module"`
	Revision    string `json:"revision"` // VCS revision, "+dirty" when modified
	// Problems and Optimizers describe what the experiment ran, so that a
	// folder says what a program needs to summarize, report, merge or
	// resume it (the optimizers and problems it must register, the data
	// files it must find unchanged).
	Problems   []ProblemInfo   `json:"problems,omitempty"`
	Optimizers []OptimizerInfo `json:"optimizers,omitempty"`
	Start      time.Time       `json:"start"`
	End        time.Time       `json:"end,omitzero"`
	Complete   bool            `json:"complete"`
	// Checksums are the content sha256 (hex) of runs.csv and trace.csv,
	// by file name, recorded when the experiment (or merge) finished, so
	// that Verify detects any later edit.
	Checksums map[string]string `json:"sha256,omitempty"`
	// History lists every invocation that wrote the folder, oldest first,
	// the current one last (Start, End and Workers above are the latest's).
	History []Invocation `json:"history,omitempty"`
}

// Invocation is one command that wrote a results folder: a run, each of
// its resumes, or a merge.
type Invocation struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end,omitzero"` // zero while running, or if interrupted
	Workers  int       `json:"workers"`
	Revision string    `json:"revision"`
}

// ProblemInfo describes a problem of an experiment in its manifest.
type ProblemInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Network     string `json:"network"` // as optim.ParseNetwork reads it
	Inputs      int    `json:"inputs"`
	Samples     int    `json:"samples"`
	Params      int    `json:"params"`
	Fingerprint string `json:"fingerprint"` // optim.Problem.Fingerprint
	// Source is the data file of a problem read from one.
	Source *optim.Source `json:"source,omitempty"`
}

// OptimizerInfo describes an optimizer of an experiment in its manifest.
type OptimizerInfo struct {
	Name    string `json:"name"`
	Doc     string `json:"doc"`
	Float32 bool   `json:"float32"` // whether it runs in float32
}

// describe returns the manifest's descriptions of plan's problems and
// optimizers.
func describe(plan *Plan) ([]ProblemInfo, []OptimizerInfo) {
	var ps []ProblemInfo
	for _, p := range plan.Problems {
		ps = append(ps, ProblemInfo{Name: p.Name, Description: p.Description, Network: p.Net.Spec(), Inputs: p.Net.In,
			Samples: p.Data.N, Params: p.Dim(), Fingerprint: p.Fingerprint(), Source: p.Source})
	}
	var ms []OptimizerInfo
	for _, m := range plan.Methods {
		ms = append(ms, OptimizerInfo{Name: m.Name, Doc: m.Doc, Float32: m.Float32 != nil})
	}
	return ps, ms
}

// LoadPlan reads dir's manifest and plans its experiment again, which
// needs every optimizer and problem it names to be registered in this
// program and every data file to be present and unchanged. Errors say
// which is missing or changed.
func LoadPlan(dir string) (*Manifest, *Plan, error) {
	man, err := ReadManifest(dir)
	if err != nil {
		return nil, nil, err
	}
	plan, err := NewPlan(man.Config)
	if err != nil {
		var unk *optim.UnknownError
		if errors.As(err, &unk) {
			var missing []string
			for _, name := range man.Config.Optimizers {
				if _, err := optim.LookupMethod(name); err != nil {
					doc := ""
					for _, o := range man.Optimizers {
						if o.Name == name {
							doc = " (" + o.Doc + ")"
						}
					}
					missing = append(missing, fmt.Sprintf("optimizer %q%s", name, doc))
				}
			}
			for _, name := range man.Config.Problems {
				if _, err := optim.LookupProblem(name); err != nil {
					doc := ""
					for _, p := range man.Problems {
						if p.Name == name {
							doc = " (" + p.Description + ")"
						}
					}
					missing = append(missing, fmt.Sprintf("problem %q%s", name, doc))
				}
			}
			return nil, nil, fmt.Errorf("%s was made with %s, which this program does not register: use the program that made it "+
				"(a main that registers them with optim.RegisterMethod or optim.RegisterProblem and calls cli.Main; see README, \"Benchmark your own optimizer\"): %w",
				dir, strings.Join(missing, " and "), err)
		}
		for _, p := range man.Problems {
			if p.Source != nil && strings.Contains(err.Error(), p.Source.Path) {
				return nil, nil, fmt.Errorf("%s was made from data file %s (sha256 %.12s), which is now missing, unreadable or changed: %w",
					dir, p.Source.Path, p.Source.SHA256, err)
			}
		}
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if h := plan.Config.Hash(); h != man.ConfigHash {
		return nil, nil, fmt.Errorf("%s: config_hash %.12s does not match its config (hash %.12s): the manifest was edited or written by another version of optbench",
			filepath.Join(dir, ManifestFile), man.ConfigHash, h)
	}
	return man, plan, nil
}

// newManifest describes the current process running plan.
func newManifest(plan *Plan, opt Options, runs int) *Manifest {
	m := &Manifest{Config: plan.Config, ConfigHash: plan.Config.Hash(), Shard: opt.Shard, Shards: opt.Shards,
		Runs: runs, GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuModel(), GOMAXPROCS: runtime.GOMAXPROCS(0), Workers: opt.Workers, Start: time.Now().UTC()}
	m.Problems, m.Optimizers = describe(plan)
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
		return nil, jsonError(path, data, err)
	}
	return &m, nil
}

// jsonError is the error of a JSON file at path that does not decode,
// with the line of the fault when known: PATH:LINE: what is wrong.
func jsonError(path string, data []byte, err error) error {
	off := int64(-1)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf("%s: %w (expected the JSON optbench writes)", path, err)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Errorf("%s:%d: %w (expected the JSON optbench writes)", path, line, err)
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
