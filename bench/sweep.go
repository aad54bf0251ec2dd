package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/optbench/optbench/optim"
)

// Names of the files a sweep writes into its folder, next to one results
// folder per grid point (SweepPoint.Dir).
const (
	SweepFile    = "sweep.json"
	SweepCSVFile = "sweep.csv"
)

// Limits of a sweep grid.
const (
	MaxSweepAxes   = 2
	MaxSweepPoints = 400
)

// Axis is one swept setting of a sweep's optimizer and the values it takes,
// in the order given.
type Axis struct {
	Setting string    `json:"setting"` // the setting's name without the optimizer, e.g. "delta0"
	Values  []float64 `json:"values"`
}

// Labels returns the values of a as short decimal strings ("0.0125").
func (a Axis) Labels() []string {
	out := make([]string, len(a.Values))
	for i, v := range a.Values {
		out[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return out
}

// SweepConfig is a hyperparameter sweep: one optimizer on one problem over
// a grid of one or two of its settings, every grid point run with the same
// seeds and budget. The zero value of a numeric field means the documented
// default.
type SweepConfig struct {
	// Problem is a registered problem's name, or the name of Data's
	// problem when Data is set.
	Problem string `json:"problem"`
	// Data, when set, is the problem: a CSV file (see DataSource).
	Data      *DataSource `json:"data,omitempty"`
	Optimizer string      `json:"optimizer"`
	// Axes are the swept settings, one or two (MaxSweepAxes). Grid point k
	// takes the value i of the first axis and j of the second with
	// k = i·len(Axes[1].Values) + j.
	Axes []Axis `json:"axes"`
	// Target is the target whose success rate and evaluations the sweep
	// summarizes; "" means HeadlineTarget of the problem.
	Target string `json:"target"`
	// Set fixes other settings of the optimizer at every point, keyed
	// "optimizer.setting" as in Config.Set; it may not name a swept setting.
	Set map[string]float64 `json:"set,omitempty"`
	// Seeds, Budget, EvalBudget and PlateauMin are as in Config, for every
	// grid point (seeds 1…Seeds at every point, so points are paired by
	// their starting weights). Seeds 0 means 10, Budget 0 means 2000.
	Seeds      int `json:"seeds"`
	Budget     int `json:"budget"`
	EvalBudget int `json:"eval_budget,omitempty"`
	PlateauMin int `json:"plateau_min"`
	// LossEval is the loss arithmetic of every grid point, as in
	// Config.LossEval.
	LossEval string `json:"loss_eval,omitempty"`
}

// Default sweep size.
const (
	DefaultSweepSeeds  = 10
	DefaultSweepBudget = 2000
)

func (c SweepConfig) withDefaults() SweepConfig {
	if c.Seeds == 0 {
		c.Seeds = DefaultSweepSeeds
	}
	if c.Budget == 0 {
		c.Budget = DefaultSweepBudget
	}
	if c.PlateauMin == 0 {
		c.PlateauMin = 1000
	}
	if c.Data != nil && c.Problem == "" {
		c.Problem = c.Data.Name()
	}
	if c.Target == "" {
		if p, err := c.problem(); err == nil {
			c.Target = HeadlineTarget(p)
		}
	}
	return c
}

// problem returns the sweep's problem: Data's, or the registered one.
func (c SweepConfig) problem() (*optim.Problem, error) {
	if c.Data != nil {
		p, err := c.Data.Problem()
		if err != nil {
			return nil, err
		}
		if c.Problem != "" && c.Problem != p.Name {
			return nil, fmt.Errorf("problem %q, but the data file %s is problem %q", c.Problem, c.Data.Path, p.Name)
		}
		return p, nil
	}
	return optim.LookupProblem(c.Problem)
}

// Hash returns a hex SHA-256 of the sweep's configuration with defaults
// filled in and of every grid point's experiment configuration (so that a
// change of the experiments' defaults changes it too). A sweep folder is
// resumed only with the same hash.
func (sp *SweepPlan) Hash() string {
	h := sha256.New()
	b, _ := json.Marshal(sp.Config)
	h.Write(b)
	for _, p := range sp.Plans {
		h.Write([]byte{0})
		h.Write([]byte(p.Config.Hash()))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HeadlineTarget is the target that stands for "solved" on p: the
// tutorial's parameter tolerance where the optimum is known, otherwise
// classification, otherwise loss ≤ 1e-7. The report's headline tables use
// it, and a sweep summarizes it unless told otherwise.
func HeadlineTarget(p *optim.Problem) string {
	switch {
	case p.Optimum != nil:
		return "param_1e-07"
	case p.Classification:
		return "classified"
	}
	return "loss_1e-07"
}

// SweepPoint is one grid point of a sweep.
type SweepPoint struct {
	Index int `json:"index"`
	// Dir is the point's results folder, relative to the sweep folder.
	Dir string `json:"dir"`
	// Coord is the point's value index along each axis.
	Coord []int `json:"coord"`
	// Settings are the swept settings' values at this point, by setting.
	Settings map[string]float64 `json:"settings"`
}

// Label returns the point's settings as "delta0=0.1, eta+=1.2", in axis
// order.
func (pt SweepPoint) Label(axes []Axis) string {
	var parts []string
	for i, a := range axes {
		parts = append(parts, a.Setting+"="+a.Labels()[pt.Coord[i]])
	}
	return strings.Join(parts, ", ")
}

// SweepPlan is a validated sweep: its configuration with defaults filled
// in, its grid points and each point's experiment.
type SweepPlan struct {
	Config SweepConfig
	Points []SweepPoint
	Plans  []*Plan // one per point, in point order
}

// Runs returns the number of runs of the whole sweep.
func (sp *SweepPlan) Runs() int {
	n := 0
	for _, p := range sp.Plans {
		n += len(p.Tasks)
	}
	return n
}

// NewSweep validates c and plans every grid point. Errors name the field
// (or grid point) at fault and what is allowed.
func NewSweep(c SweepConfig) (*SweepPlan, error) {
	c = c.withDefaults()
	p, err := c.problem()
	if err != nil {
		return nil, fmt.Errorf("bench: sweep problem: %w", err)
	}
	m, err := optim.LookupMethod(c.Optimizer)
	if err != nil {
		return nil, fmt.Errorf("bench: sweep optimizer: %w", err)
	}
	if err := checkAxes(c.Axes, m); err != nil {
		return nil, err
	}
	ti := -1
	var applicable []string
	for i, t := range AllTargets() {
		if t.Applies(p) {
			applicable = append(applicable, t.Name)
			if t.Name == c.Target {
				ti = i
			}
		}
	}
	if ti < 0 {
		return nil, fmt.Errorf("bench: sweep target %q: want a target of %s: %s", c.Target, p.Name, strings.Join(applicable, ", "))
	}
	for key := range c.Set {
		mname, pname, _ := strings.Cut(key, ".")
		if mname != m.Name {
			return nil, fmt.Errorf("bench: sweep set %q: want %s.setting (the sweep's optimizer)", key, m.Name)
		}
		for _, a := range c.Axes {
			if a.Setting == pname {
				return nil, fmt.Errorf("bench: sweep set %q: %s is swept by the grid", key, pname)
			}
		}
	}
	n := 1
	for _, a := range c.Axes {
		n *= len(a.Values)
	}
	if n > MaxSweepPoints {
		return nil, fmt.Errorf("bench: sweep grid has %d points: want at most %d", n, MaxSweepPoints)
	}
	sp := &SweepPlan{Config: c}
	width := len(strconv.Itoa(n - 1))
	for k := range n {
		pt := SweepPoint{Index: k, Dir: fmt.Sprintf("point-%0*d", width, k), Settings: map[string]float64{}}
		rest := k
		pt.Coord = make([]int, len(c.Axes))
		for i := len(c.Axes) - 1; i >= 0; i-- {
			pt.Coord[i] = rest % len(c.Axes[i].Values)
			rest /= len(c.Axes[i].Values)
		}
		set := map[string]float64{}
		for key, v := range c.Set {
			set[key] = v
		}
		for i, a := range c.Axes {
			v := a.Values[pt.Coord[i]]
			pt.Settings[a.Setting] = v
			set[m.Name+"."+a.Setting] = v
		}
		cfg := Config{Problems: []string{p.Name}, Optimizers: []string{m.Name}, Set: set,
			Seeds: c.Seeds, Budget: c.Budget, EvalBudget: c.EvalBudget, PlateauMin: c.PlateauMin, LossEval: c.LossEval}
		if c.Data != nil {
			cfg.Problems, cfg.Data = nil, []DataSource{*c.Data}
		}
		plan, err := NewPlan(cfg)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "bench: ")
			msg = strings.TrimPrefix(strings.TrimPrefix(msg, "problem "+p.Name+": "), "optim: ")
			return nil, fmt.Errorf("bench: sweep grid point %s: %s", pt.Label(c.Axes), msg)
		}
		sp.Points = append(sp.Points, pt)
		sp.Plans = append(sp.Plans, plan)
	}
	return sp, nil
}

// checkAxes checks that axes are one or two distinct settings of m, each
// with distinct finite values.
func checkAxes(axes []Axis, m optim.Method) error {
	if len(axes) < 1 || len(axes) > MaxSweepAxes {
		return fmt.Errorf("bench: sweep grid has %d settings: want 1 or %d", len(axes), MaxSweepAxes)
	}
	for i, a := range axes {
		if !contains(m.ParamNames(), a.Setting) {
			return fmt.Errorf("bench: sweep grid: %s has no setting %q; settings: %s", m.Name, a.Setting, strings.Join(m.ParamNames(), ", "))
		}
		for _, b := range axes[:i] {
			if b.Setting == a.Setting {
				return fmt.Errorf("bench: sweep grid: setting %s listed twice", a.Setting)
			}
		}
		if len(a.Values) == 0 {
			return fmt.Errorf("bench: sweep grid: setting %s has no values", a.Setting)
		}
		for j, v := range a.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("bench: sweep grid: %s value %v is not a finite number", a.Setting, v)
			}
			for _, w := range a.Values[:j] {
				if v == w {
					return fmt.Errorf("bench: sweep grid: %s value %v listed twice", a.Setting, v)
				}
			}
		}
	}
	return nil
}

// ParseGrid parses a sweep grid: one or two settings separated by ":",
// each "setting=v1,v2,…" with the setting's name with or without its
// optimizer ("delta0" or "irprop-.delta0"), e.g.
//
//	lr=0.1,0.3,1,3
//	delta0=0.0125,0.05,0.1:eta+=1.1,1.2,1.5
//
// It checks the syntax only (names, finite distinct numbers, at most
// MaxSweepAxes settings); NewSweep checks the names and values against the
// optimizer. An optimizer prefix is kept in Setting for NewSweep to check.
func ParseGrid(s string) ([]Axis, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty grid; want setting=v1,v2,…[:setting=v1,v2,…]")
	}
	var axes []Axis
	for _, part := range strings.Split(s, ":") {
		name, vals, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want setting=v1,v2,… (settings separated by \":\")", strings.TrimSpace(part))
		}
		if strings.ContainsAny(name, " \t,=") {
			return nil, fmt.Errorf("%q: bad setting name %q", strings.TrimSpace(part), name)
		}
		a := Axis{Setting: name}
		for _, f := range strings.Split(vals, ",") {
			f = strings.TrimSpace(f)
			v, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: value %q is not a finite number", name, f)
			}
			for _, w := range a.Values {
				if v == w {
					return nil, fmt.Errorf("%s: value %s listed twice", name, f)
				}
			}
			a.Values = append(a.Values, v)
		}
		for _, b := range axes {
			if b.Setting == a.Setting {
				return nil, fmt.Errorf("setting %s listed twice", name)
			}
		}
		axes = append(axes, a)
		if len(axes) > MaxSweepAxes {
			return nil, fmt.Errorf("%d settings: want 1 or %d", len(strings.Split(s, ":")), MaxSweepAxes)
		}
	}
	return axes, nil
}

// StripOptimizer removes an "optimizer." prefix from the axes' settings,
// failing if it names another optimizer than opt.
func StripOptimizer(axes []Axis, opt string) ([]Axis, error) {
	out := make([]Axis, len(axes))
	for i, a := range axes {
		if mname, pname, ok := strings.Cut(a.Setting, "."); ok {
			if mname != opt {
				return nil, fmt.Errorf("setting %s belongs to %s, not to the swept optimizer %s", a.Setting, mname, opt)
			}
			a.Setting = pname
		}
		out[i] = a
	}
	return out, nil
}

// SweepManifest is the content of sweep.json: the sweep's configuration,
// where each grid point's results are, and, once complete, its
// tuneability score.
type SweepManifest struct {
	SweepConfig
	ConfigHash string       `json:"config_hash"`
	Points     []SweepPoint `json:"points"`
	Start      time.Time    `json:"start"`
	End        time.Time    `json:"end,omitzero"`
	Complete   bool         `json:"complete"`
	// Tuneability is the score of the finished sweep (see Tuneability);
	// absent while running or when no point reached the target.
	Tuneability *float64 `json:"tuneability,omitempty"`
}

// ReadSweepManifest reads dir's sweep.json.
func ReadSweepManifest(dir string) (*SweepManifest, error) {
	path := filepath.Join(dir, SweepFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var m SweepManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, jsonError(path, data, err)
	}
	return &m, nil
}

func (m *SweepManifest) write(dir string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, SweepFile), append(data, '\n'))
}

// RunSweep runs every grid point of sp, each a complete experiment
// (see Run) in its own folder dir/point-k, then writes sweep.csv. It writes
// sweep.json first, so an interrupted sweep resumes when rerun with the
// same configuration: finished points are kept and the others resumed.
// A folder holding a sweep of another configuration is refused with
// ErrConfigMismatch unless opt.Force; then the old sweep's files and the
// points this one does not use move into dir/.old-<time>, and the points it
// reuses move their own old files aside (see Run). opt.Progress counts the runs of the whole sweep;
// sharding is not supported.
func RunSweep(ctx context.Context, sp *SweepPlan, dir string, opt Options) error {
	if opt.Shards > 1 {
		return errors.New("bench: a sweep cannot be sharded")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	lock, err := LockDir(dir)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	man := &SweepManifest{SweepConfig: sp.Config, ConfigHash: sp.Hash(), Points: sp.Points, Start: time.Now().UTC()}
	old, err := ReadSweepManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil && !opt.Force:
		return &RefusedError{Err: fmt.Errorf("sweep folder %s is damaged: %w", dir, err), Aside: filepath.Join(dir, oldDirPattern)}
	case err == nil && old.ConfigHash == man.ConfigHash:
		man.Start = old.Start
	case err == nil && !opt.Force:
		return &RefusedError{Err: fmt.Errorf("%w: %s holds a sweep of %s on %s over %s (config %.12s), this is %s on %s over %s (%.12s)",
			ErrConfigMismatch, dir, old.Optimizer, old.Problem, axesText(old.Axes), old.ConfigHash,
			man.Optimizer, man.Problem, axesText(man.Axes), man.ConfigHash), Aside: filepath.Join(dir, oldDirPattern)}
	default:
		// Forced over another sweep or a damaged sweep.json: move the old
		// sweep's files, and its points this one does not use, aside (the
		// points it reuses move their own old files aside, see Run).
		aside, err := moveAside(dir)
		if err != nil {
			return err
		}
		keep := map[string]bool{}
		for _, pt := range sp.Points {
			keep[pt.Dir] = true
		}
		var oldPoints []SweepPoint
		if old != nil {
			oldPoints = old.Points
		}
		for _, pt := range oldPoints {
			if !keep[pt.Dir] && pt.Dir != "" && filepath.IsLocal(pt.Dir) && strings.HasPrefix(pt.Dir, "point-") {
				if err := os.Rename(filepath.Join(dir, pt.Dir), filepath.Join(aside, pt.Dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("bench: move the old results aside: %w", err)
				}
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, SweepCSVFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("bench: %w", err)
	}
	if err := man.write(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	total := sp.Runs()
	offset := 0
	for i, pt := range sp.Points {
		popt := opt
		if opt.Progress != nil {
			base := offset
			popt.Progress = func(done, _ int) { opt.Progress(base+done, total) }
		}
		if err := Run(ctx, sp.Plans[i], filepath.Join(dir, pt.Dir), popt); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("bench: sweep interrupted at grid point %d of %d; rerun the same command to resume: %w",
					i+1, len(sp.Points), ctx.Err())
			}
			return fmt.Errorf("bench: sweep grid point %s: %w", pt.Label(sp.Config.Axes), err)
		}
		offset += len(sp.Plans[i].Tasks)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("bench: sweep interrupted after its last grid point, before %s; rerun the same command to finish: %w", SweepCSVFile, ctx.Err())
	}
	res, err := loadSweepPoints(dir, man)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(dir, SweepCSVFile), res.CSV()); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if t := res.Tuneability(); !math.IsNaN(t) {
		man.Tuneability = &t
	}
	man.End, man.Complete = time.Now().UTC(), true
	if err := man.write(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

func axesText(axes []Axis) string {
	var parts []string
	for _, a := range axes {
		parts = append(parts, a.Setting)
	}
	return strings.Join(parts, "×")
}

var errSweepIncomplete = errors.New("unfinished sweep")

// SweepResult is a finished sweep: its manifest and, per grid point, the
// statistics of the sweep's target at the end of the budget.
type SweepResult struct {
	Dir      string
	Manifest *SweepManifest
	Stats    []TargetStat // one per point, in point order
}

// LoadSweep reads the sweep in dir: sweep.json and every grid point's
// runs, checking that each point's folder is complete and was made with
// the point's configuration.
func LoadSweep(dir string) (*SweepResult, error) {
	man, err := ReadSweepManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if !man.Complete {
		return nil, fmt.Errorf("bench: %s holds an %w; rerun `optbench sweep` with the same flags to finish it", dir, errSweepIncomplete)
	}
	return loadSweepPoints(dir, man)
}

func loadSweepPoints(dir string, man *SweepManifest) (*SweepResult, error) {
	sp, err := NewSweep(man.SweepConfig)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", filepath.Join(dir, SweepFile), err)
	}
	if len(sp.Points) != len(man.Points) {
		return nil, fmt.Errorf("bench: %s lists %d points, its grid has %d", filepath.Join(dir, SweepFile), len(man.Points), len(sp.Points))
	}
	res := &SweepResult{Dir: dir, Manifest: man}
	res.Manifest.SweepConfig = sp.Config
	for i, pt := range man.Points {
		if !filepath.IsLocal(pt.Dir) {
			return nil, fmt.Errorf("bench: %s: point %d folder %q is not inside the sweep folder", filepath.Join(dir, SweepFile), i, pt.Dir)
		}
		pdir := filepath.Join(dir, pt.Dir)
		pm, err := ReadManifest(pdir)
		if err != nil {
			return nil, fmt.Errorf("bench: sweep grid point %s: %w", pt.Label(man.Axes), err)
		}
		if !pm.Complete || pm.ConfigHash != sp.Plans[i].Config.Hash() {
			return nil, fmt.Errorf("bench: sweep grid point %s: %s is unfinished or holds another configuration; rerun `optbench sweep` with the same flags",
				pt.Label(man.Axes), pdir)
		}
		recs, err := LoadRuns(pdir)
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		gs, err := Groups(sp.Plans[i], recs)
		if err != nil {
			return nil, fmt.Errorf("bench: sweep grid point %s: %w", pt.Label(man.Axes), err)
		}
		if len(gs) != 1 {
			return nil, fmt.Errorf("bench: sweep grid point %s: %s holds %d groups of runs, want 1", pt.Label(man.Axes), pdir, len(gs))
		}
		found := false
		for _, s := range TargetStats(gs[0]) {
			if s.Target == sp.Config.Target {
				res.Stats = append(res.Stats, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("bench: sweep target %s does not apply to %s", sp.Config.Target, sp.Config.Problem)
		}
	}
	return res, nil
}

// Grid arranges f of each point's statistics as values[row][col], the
// layout of plots.HeatMap: columns follow the first axis and rows the
// second (one row for a one-axis sweep).
func (r *SweepResult) Grid(f func(TargetStat) float64) [][]float64 {
	axes := r.Manifest.Axes
	nx, ny := len(axes[0].Values), 1
	if len(axes) > 1 {
		ny = len(axes[1].Values)
	}
	out := make([][]float64, ny)
	for j := range out {
		out[j] = make([]float64, nx)
		for i := range out[j] {
			out[j][i] = math.NaN()
		}
	}
	for k, pt := range r.Manifest.Points {
		row := 0
		if len(pt.Coord) > 1 {
			row = pt.Coord[1]
		}
		out[row][pt.Coord[0]] = f(r.Stats[k])
	}
	return out
}

// Rates returns each point's success rate, in point order.
func (r *SweepResult) Rates() []float64 {
	out := make([]float64, len(r.Stats))
	for i, s := range r.Stats {
		out[i] = s.Rate
	}
	return out
}

// Best returns the index of the point with the highest success rate,
// ties broken by the lower aRT, then by the lower index; -1 if there are
// no points.
func (r *SweepResult) Best() int {
	best := -1
	for i, s := range r.Stats {
		if best < 0 || s.Rate > r.Stats[best].Rate || (s.Rate == r.Stats[best].Rate && s.ERT < r.Stats[best].ERT) {
			best = i
		}
	}
	return best
}

// Tuneability returns the sweep's tuneability score: Tuneability of its
// points' success rates.
func (r *SweepResult) Tuneability() float64 { return Tuneability(r.Rates()) }

// Tuneability scores how forgiving an optimizer is of its settings over a
// sweep grid: the mean success rate over the grid points divided by the
// best point's,
//
//	T = (1/|G|) Σ_{g∈G} s_g / max_{g∈G} s_g,
//
// in [1/|G|, 1]. T = 1 means every setting on the grid does as well as the
// best (nothing to tune); T near 1/|G| means only one setting works. It is
// NaN when rates is empty, holds a NaN, or no point succeeded at all.
// Because the best point's rate is itself a noisy maximum, T is biased low
// with few seeds per point.
func Tuneability(rates []float64) float64 {
	if len(rates) == 0 {
		return math.NaN()
	}
	var sum, best float64
	for _, s := range rates {
		if math.IsNaN(s) {
			return math.NaN()
		}
		sum += s
		best = max(best, s)
	}
	if best <= 0 {
		return math.NaN()
	}
	return sum / float64(len(rates)) / best
}

// SweepCSVHeader returns the columns of sweep.csv for the given axes.
func SweepCSVHeader(axes []Axis) []string {
	h := []string{"point", "folder"}
	for _, a := range axes {
		h = append(h, a.Setting)
	}
	return append(h, "target", "runs", "successes", "success_rate", "success_lo", "success_hi",
		"iters_median", "evals_median", "ert", "ert_ci_lo", "ert_ci_hi", "ert_restart_lo", "ert_restart_hi")
}

// CSV renders sweep.csv: one row per grid point with its settings and the
// target's success rate (Wilson interval), median iterations and
// evaluations to the target over the runs that reached it, and aRT with its
// bootstrap confidence interval and its simulated-restart spread.
func (r *SweepResult) CSV() []byte {
	var rows [][]string
	for k, pt := range r.Manifest.Points {
		s := r.Stats[k]
		row := []string{strconv.Itoa(pt.Index), pt.Dir}
		for _, a := range r.Manifest.Axes {
			row = append(row, fmtFloat(pt.Settings[a.Setting]))
		}
		row = append(row, s.Target, strconv.Itoa(s.Runs), strconv.Itoa(s.Successes), fmtFloat(s.Rate), fmtFloat(s.Lo),
			fmtFloat(s.Hi), fmtFloat(s.ItersMedian), fmtFloat(s.EvalsMedian), fmtFloat(s.ERT), fmtFloat(s.ERTLo), fmtFloat(s.ERTHi),
			fmtFloat(s.RestartLo), fmtFloat(s.RestartHi))
		rows = append(rows, row)
	}
	return encodeCSV(SweepCSVHeader(r.Manifest.Axes), rows)
}
