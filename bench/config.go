package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/dataset"
	"github.com/optbench/optbench/resultsfmt"
)

// Config is an experiment: problems × optimizers × seeds × a budget. The
// zero value of every field means its documented default.
type Config struct {
	// Problems are names of registered problems (see optim.LookupProblem
	// and optim.RegisterProblem; the built-ins are registered by package
	// optim/catalog). If both Problems and Data are empty,
	// catalog.DefaultProblems are used.
	Problems []string `json:"problems"`
	// Data are problems read from CSV files (see DataSource), run after
	// Problems.
	Data []DataSource `json:"data,omitempty"`
	// Optimizers are names of registered optimizers (see
	// optim.LookupMethod and optim.RegisterMethod). If empty,
	// catalog.DefaultOptimizers are used.
	Optimizers []string `json:"optimizers"`
	// Set overrides optimizer settings for every problem, keyed
	// "optimizer.setting" (e.g. "ga.population"). It takes precedence over
	// the per-problem defaults (optim.Problem.Defaults and
	// optim.Method.ProblemDefaults).
	Set map[string]float64 `json:"set,omitempty"`
	// Seeds is the number of seeds; seeds 1…Seeds are run. If 0, 30.
	Seeds int `json:"seeds"`
	// Budget is the number of iterations of every run. If 0, 10000.
	Budget int `json:"budget"`
	// Budgets overrides Budget per problem name.
	Budgets map[string]int `json:"budgets,omitempty"`
	// EvalBudget, if positive, also ends every run (status "budget") once
	// it has used this many loss evaluations, so that optimizers that spend
	// many evaluations per iteration (the GA) get a comparable budget.
	EvalBudget int `json:"eval_budget,omitempty"`
	// EvalBudgets overrides EvalBudget per problem name.
	EvalBudgets map[string]int `json:"eval_budgets,omitempty"`
	// KeepGoing runs on after every target is reached, until the budget or
	// a plateau, to measure the precision floor. Without it a run that
	// reaches every target stops with status "target".
	KeepGoing bool `json:"keep_going"`
	// PlateauMin is the shortest stretch without improvement, in loss
	// evaluations spent by Steps, that counts as a plateau. A run is on a
	// plateau when its best loss last improved (by more than a relative
	// 1e-15) after its Steps had spent e₀ evaluations and they have spent
	// e ≥ e₀ + max(PlateauMin, e₀) since Init. Counting evaluations, not
	// iterations, stops every optimizer after the same work without
	// improvement (a GA generation spends a population's evaluations, a
	// gradient epoch one), so that the stopping rule charges them alike;
	// for one evaluation per iteration it is the rule on iterations. If 0,
	// 1000; negative disables plateau detection.
	PlateauMin int `json:"plateau_min"`
	// PlateauUnit names what PlateauMin counts: "evaluations", the only
	// rule (folders of the older rule on iterations are not resumed with
	// this one: the unit is part of the configuration's hash).
	PlateauUnit string `json:"plateau_unit,omitempty"`
	// LossEval is the arithmetic of the loss of sigmoid units, "plain" or
	// "careful" (see optim.EvalMode). "plain" is the tutorial's: once σ(z)
	// rounds to 1 (z > 36.7) the residual and gradient of a target-1 output
	// are 0, and below that quantized, so the precision floors of
	// saturating problems (seed3, xor, …) partly measure the rounding of
	// σ. "careful" computes that residual as −σ(−z) and σ' as σ(z)·σ(−z),
	// without cancellation, so the floors reflect the optimizer (they are
	// lower, often down to the underflow of the squared residuals). If "",
	// plain, the arithmetic of results written before this field existed:
	// plain configurations hash as they did then (the field is left out of
	// Hash), careful ones differently, so plain and careful results are
	// never resumed or merged together. The command line (optbench run
	// --loss-eval) defaults to careful for new experiments, the default
	// experiment and report included; its floors therefore differ from
	// reports made before.
	LossEval string `json:"loss_eval,omitempty"`
	// Precision lists the arithmetics every (problem, optimizer) runs in,
	// "float64" and/or "float32" (see optim.Float). Empty means
	// ["float64"]. The gonum optimizers run only in float64.
	Precision []string `json:"precision,omitempty"`
	// Precisions replaces Precision for some problems (by name).
	Precisions map[string][]string `json:"precisions,omitempty"`
	// Fingerprints are the problems' fingerprints (optim.Problem.Fingerprint)
	// by name. NewPlan fills them in; when they are given (as in a results
	// folder's manifest), NewPlan refuses a problem whose data or network
	// no longer match, so results are never resumed, merged or reported
	// with other data than they were made from.
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	// Resolved are the complete settings every optimizer runs with on
	// every problem (optim.Method.Canonical: its defaults, the per-problem
	// defaults and Set), keyed by problem then optimizer. NewPlan fills
	// them in; when they are given (as in a manifest), NewPlan refuses an
	// optimizer whose settings came out differently (a changed default in
	// a user's Method, say), so runs made with other settings are never
	// resumed or merged with these.
	Resolved map[string]map[string]string `json:"resolved,omitempty"`
}

// DataSource is a problem read from a CSV file with a header row (see
// package optim/dataset for the format). The problem is named after the
// file's base name without extension ("data/iris.csv" → "iris").
type DataSource struct {
	// Path is the CSV file.
	Path string `json:"path"`
	// Net is the network's layers as optim.ParseNetwork reads them, e.g.
	// "8tanh-3sigmoid"; its output width must match the targets. If empty,
	// 8 tanh units then one sigmoid unit per class (classification) or one
	// linear unit per target column (regression).
	Net string `json:"net"`
	// Targets are the target columns, each a header name or a 0-based
	// index; empty means the last column.
	Targets []string `json:"targets,omitempty"`
	// Classes reads a numeric target as class labels.
	Classes bool `json:"classes,omitempty"`
	// Scale is the scaling of the inputs: "zscore" (if empty), "minmax" or
	// "none".
	Scale string `json:"scale,omitempty"`
}

// withDefaults returns c with defaults filled in.
func (c Config) withDefaults() Config {
	if len(c.Problems) == 0 && len(c.Data) == 0 {
		c.Problems = append([]string(nil), catalog.DefaultProblems...)
	}
	if len(c.Optimizers) == 0 {
		c.Optimizers = append([]string(nil), catalog.DefaultOptimizers...)
	}
	if c.Seeds == 0 {
		c.Seeds = 30
	}
	if c.Budget == 0 {
		c.Budget = 10000
	}
	if c.PlateauMin == 0 {
		c.PlateauMin = 1000
	}
	if c.PlateauUnit == "" {
		c.PlateauUnit = PlateauEvaluations
	}
	if c.LossEval == "" {
		c.LossEval = optim.Plain.String()
	}
	if len(c.Precision) == 0 {
		c.Precision = []string{optim.Float64}
	}
	return c
}

// Task is one run of an experiment: a problem, an optimizer and a seed.
type Task struct {
	Index     int // position in the experiment's canonical order
	Problem   *optim.Problem
	Method    optim.Method
	Settings  map[string]float64 // resolved settings, without defaults
	Canonical string             // canonical settings string
	Seed      uint64
	Budget    int // iterations
	// EvalBudget, if positive, ends the run once it has used this many
	// loss evaluations.
	EvalBudget int
	// LossEval is the arithmetic of the objective of Execute and Replay,
	// Config.LossEval resolved by NewPlan. Its zero value is optim.Plain.
	LossEval optim.EvalMode
	// Precision is the arithmetic of the run, "float64" or "float32"
	// (empty means float64).
	Precision string
}

// Plan is a validated experiment: its configuration with defaults filled in
// and its runs in canonical order (problem, optimizer, seed).
type Plan struct {
	Config Config
	// Problems are the experiment's problems in order: Config.Problems,
	// then those of Config.Data.
	Problems []*optim.Problem
	// Methods are the experiment's optimizers in Config.Optimizers' order.
	Methods []optim.Method
	Tasks   []Task
}

// Problem returns the plan's problem called name, or nil.
func (p *Plan) Problem(name string) *optim.Problem {
	for _, q := range p.Problems {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// NewPlan validates c and lists its runs. Errors name the field at fault
// and what is allowed.
func NewPlan(c Config) (*Plan, error) {
	c = c.withDefaults()
	if c.PlateauUnit != PlateauEvaluations {
		return nil, fmt.Errorf("bench: plateau unit %q: want %q (results made with another plateau rule cannot be resumed or reported by this version)", c.PlateauUnit, PlateauEvaluations)
	}
	if c.Seeds < 1 || c.Seeds > 1_000_000 {
		return nil, fmt.Errorf("bench: seeds = %d: want an integer in [1, 1000000]", c.Seeds)
	}
	if c.Budget < 1 {
		return nil, fmt.Errorf("bench: budget = %d: want an integer ≥ 1", c.Budget)
	}
	seen := map[string]bool{}
	var probs []*optim.Problem
	for _, name := range c.Problems {
		p, err := optim.LookupProblem(name)
		if err != nil {
			return nil, fmt.Errorf("bench: problems: %w", err)
		}
		if seen["p/"+name] {
			return nil, fmt.Errorf("bench: problems: %q listed twice", name)
		}
		seen["p/"+name] = true
		probs = append(probs, p)
	}
	for _, d := range c.Data {
		p, err := d.Problem()
		if err != nil {
			return nil, fmt.Errorf("bench: data: %w", err)
		}
		if seen["p/"+p.Name] {
			return nil, fmt.Errorf("bench: data %s: problem %q listed twice (rename the file)", d.Path, p.Name)
		}
		if _, err := optim.LookupProblem(p.Name); err == nil {
			return nil, fmt.Errorf("bench: data %s: problem name %q is taken by a registered problem (rename the file)", d.Path, p.Name)
		}
		seen["p/"+p.Name] = true
		probs = append(probs, p)
	}
	fingerprints := make(map[string]string, len(probs))
	for _, p := range probs {
		fp := p.Fingerprint()
		if old, ok := c.Fingerprints[p.Name]; ok && old != fp {
			what := "its data or network"
			if p.Source != nil {
				what = fmt.Sprintf("its data file %s (sha256 now %.12s)", p.Source.Path, p.Source.SHA256)
			}
			return nil, fmt.Errorf("%w: problem %s has changed since these results were made: %s no longer matches fingerprint %.12s (now %.12s)",
				ErrDataChanged, p.Name, what, old, fp)
		}
		fingerprints[p.Name] = fp
	}
	for name := range c.Fingerprints {
		if !seen["p/"+name] {
			return nil, fmt.Errorf("bench: fingerprint for %q: not one of the experiment's problems", name)
		}
	}
	c.Fingerprints = fingerprints
	oldResolved := c.Resolved
	c.Resolved = map[string]map[string]string{}
	for what, m := range map[string]map[string]int{"budget": c.Budgets, "eval budget": c.EvalBudgets} {
		for name, b := range m {
			if !seen["p/"+name] {
				return nil, fmt.Errorf("bench: %s for %q: not one of the experiment's problems (%s)", what, name, strings.Join(c.Problems, ", "))
			}
			if b < 1 {
				return nil, fmt.Errorf("bench: %s for %q = %d: want an integer ≥ 1", what, name, b)
			}
		}
	}
	if c.EvalBudget < 0 {
		return nil, fmt.Errorf("bench: eval budget = %d: want an integer ≥ 0 (0: none)", c.EvalBudget)
	}
	lossEval, err := optim.ParseEvalMode(c.LossEval)
	if err != nil {
		return nil, fmt.Errorf("bench: loss-eval = %q: want %s", c.LossEval, strings.Join(optim.EvalModeNames(), " or "))
	}
	checkPrecisions := func(what string, list []string) error {
		dup := map[string]bool{}
		for _, pr := range list {
			if _, err := optim.ParsePrecision(pr); err != nil {
				return fmt.Errorf("bench: %s = %q: want %s", what, pr, strings.Join(optim.PrecisionNames(), " or "))
			}
			if dup[pr] {
				return fmt.Errorf("bench: %s: %q listed twice", what, pr)
			}
			dup[pr] = true
		}
		if len(list) == 0 {
			return fmt.Errorf("bench: %s: empty; want %s", what, strings.Join(optim.PrecisionNames(), " and/or "))
		}
		return nil
	}
	if err := checkPrecisions("precision", c.Precision); err != nil {
		return nil, err
	}
	for name, list := range c.Precisions {
		if !seen["p/"+name] {
			return nil, fmt.Errorf("bench: precision for %q: not one of the experiment's problems (%s)", name, strings.Join(c.Problems, ", "))
		}
		if err := checkPrecisions("precision for "+name, list); err != nil {
			return nil, err
		}
	}
	var methods []optim.Method
	for _, name := range c.Optimizers {
		m, err := optim.LookupMethod(name)
		if err != nil {
			return nil, fmt.Errorf("bench: optimizers: %w", err)
		}
		if seen["o/"+name] {
			return nil, fmt.Errorf("bench: optimizers: %q listed twice", name)
		}
		seen["o/"+name] = true
		methods = append(methods, m)
	}
	for key := range c.Set {
		mname, pname, ok := strings.Cut(key, ".")
		m, err := optim.LookupMethod(mname)
		if !ok || err != nil {
			return nil, fmt.Errorf("bench: set %q: want optimizer.setting with an optimizer among %s", key, strings.Join(c.Optimizers, ", "))
		}
		if !seen["o/"+mname] {
			return nil, fmt.Errorf("bench: set %q: optimizer %s is not in the experiment", key, mname)
		}
		if !contains(m.ParamNames(), pname) {
			return nil, fmt.Errorf("bench: set %q: %s has no setting %q; settings: %s", key, mname, pname, strings.Join(m.ParamNames(), ", "))
		}
	}
	plan := &Plan{Config: c, Problems: probs, Methods: methods}
	for _, p := range probs {
		budget := c.Budget
		if b, ok := c.Budgets[p.Name]; ok {
			budget = b
		}
		evalBudget := c.EvalBudget
		if b, ok := c.EvalBudgets[p.Name]; ok {
			evalBudget = b
		}
		precisions := c.Precision
		if l, ok := c.Precisions[p.Name]; ok {
			precisions = l
		}
		for _, m := range methods {
			settings, err := ResolveSettings(p, m, c.Set)
			if err != nil {
				return nil, err
			}
			if _, err := m.New(settings); err != nil {
				return nil, fmt.Errorf("bench: problem %s: %w", p.Name, err)
			}
			canon := m.Canonical(settings)
			if old, ok := oldResolved[p.Name][m.Name]; ok && old != canon {
				return nil, fmt.Errorf("%w: %s on %s now runs with %s, these results were made with %s",
					ErrDefinitionChanged, m.Name, p.Name, canon, old)
			}
			if c.Resolved[p.Name] == nil {
				c.Resolved[p.Name] = map[string]string{}
			}
			c.Resolved[p.Name][m.Name] = canon
			for _, pr := range precisions {
				if pr == optim.Float32 {
					if _, err := optim.NewOptimizer[float32](m, settings); err != nil {
						return nil, fmt.Errorf("bench: problem %s: %w", p.Name, err)
					}
				}
				for s := 1; s <= c.Seeds; s++ {
					plan.Tasks = append(plan.Tasks, Task{Index: len(plan.Tasks), Problem: p, Method: m,
						Settings: settings, Canonical: canon, Seed: uint64(s), Budget: budget, EvalBudget: evalBudget,
						LossEval: lossEval, Precision: pr})
				}
			}
		}
	}
	return plan, nil
}

// ResolveSettings returns the settings of m on p that differ from m's
// Params' defaults: m's defaults for p (Method.ProblemDefaults), overridden
// by p's defaults for m (Problem.Defaults), overridden by set (keyed
// "optimizer.setting").
func ResolveSettings(p *optim.Problem, m optim.Method, set map[string]float64) (optim.Settings, error) {
	out := m.SettingsFor(p)
	for k := range out {
		if _, ok := m.Param(k); !ok {
			return nil, fmt.Errorf("bench: problem %s: its default %s.%s names no setting of %s; settings: %s",
				p.Name, m.Name, k, m.Name, strings.Join(m.ParamNames(), ", "))
		}
	}
	for k, v := range set {
		if mname, pname, _ := strings.Cut(k, "."); mname == m.Name {
			out[pname] = v
		}
	}
	return out, nil
}

// PlateauEvaluations is Config.PlateauUnit's value: the plateau rule
// counts loss evaluations.
const PlateauEvaluations = "evaluations"

// ErrDataChanged is returned by NewPlan when a problem's data or network
// no longer match the fingerprint a results folder recorded.
var ErrDataChanged = errors.New("bench: data changed")

// ErrDefinitionChanged is returned by NewPlan when an optimizer's resolved
// settings on a problem differ from those a results folder recorded (its
// definition's defaults changed).
var ErrDefinitionChanged = errors.New("bench: optimizer settings changed")

// ParseSetting parses "optimizer.setting=value".
func ParseSetting(s string) (key string, v float64, err error) {
	k, val, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || !strings.Contains(k, ".") {
		return "", 0, fmt.Errorf("setting %q: want optimizer.setting=value", s)
	}
	v, err = strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return "", 0, fmt.Errorf("setting %q: value %q is not a finite number", s, val)
	}
	return strings.TrimSpace(k), v, nil
}

// Name returns the name of the data source's problem: the file's base
// name without its extension.
func (d DataSource) Name() string {
	base := filepath.Base(d.Path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Problem reads the data source's file and returns its problem. Errors
// name the file, and the line where one is at fault.
func (d DataSource) Problem() (*optim.Problem, error) {
	opt := dataset.Options{Classes: d.Classes}
	if d.Scale != "" {
		sc, err := dataset.ParseScaling(d.Scale)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Path, err)
		}
		opt.Scale = sc
	}
	b, err := os.ReadFile(d.Path)
	if err != nil {
		return nil, fmt.Errorf("read data: %w", err)
	}
	if len(d.Targets) > 0 {
		header, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).Read()
		if err != nil {
			return nil, fmt.Errorf("%s:1: cannot read the header row: %w", d.Path, err)
		}
		for _, t := range d.Targets {
			i := slices.IndexFunc(header, func(h string) bool { return strings.TrimSpace(h) == t })
			if i < 0 {
				n, err := strconv.Atoi(t)
				if err != nil {
					return nil, fmt.Errorf("%s:1: target column %q: no such column; columns: %s (or a 0-based index)", d.Path, t, strings.Join(header, ", "))
				}
				i = n // dataset.Parse checks the range
			}
			opt.Targets = append(opt.Targets, i)
		}
	}
	t, err := dataset.Parse(b, d.Path, opt)
	if err != nil {
		return nil, err
	}
	net := d.Net
	if net == "" {
		net = fmt.Sprintf("8tanh-%dlinear", t.Out)
		if t.Classification() {
			net = fmt.Sprintf("8tanh-%dsigmoid", t.Out)
		}
	}
	p, err := t.Problem(net)
	if err != nil {
		return nil, err
	}
	if p.Name != d.Name() {
		return nil, fmt.Errorf("%s: the problem is named %q, want %q", d.Path, p.Name, d.Name())
	}
	return p, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Hash returns a hex SHA-256 of the configuration with defaults filled in,
// in canonical JSON. A Plan's Config has its problems' Fingerprints filled
// in, so its hash changes with the data and networks too. Runs written under one hash can be resumed or merged
// only with the same hash.
//
// LossEval "plain" is left out, so that the hashes of plain configurations
// are those of configurations written before LossEval existed.
func (c Config) Hash() string {
	c = c.withDefaults()
	if c.LossEval == optim.Plain.String() {
		c.LossEval = ""
	}
	if len(c.Precision) == 1 && c.Precision[0] == optim.Float64 {
		c.Precision = nil // likewise for float64 alone
	}
	b, _ := json.Marshal(c) // maps marshal with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// stream returns a 64-bit stream id derived from names, so that the random
// streams of a run depend only on (seed, problem, optimizer).
func stream(names ...string) uint64 {
	h := fnv.New64a()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// Checkpoints returns the log-spaced checkpoint ladder 1, 2, 5, 10, 20, 50,
// … up to budget, always ending with budget itself. It is
// resultsfmt.Checkpoints.
func Checkpoints(budget int) []int { return resultsfmt.Checkpoints(budget) }

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
