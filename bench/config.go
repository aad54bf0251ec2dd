package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/optbench/optbench/optim"
)

// Config is an experiment: problems × optimizers × seeds × a budget. The
// zero value of every field means its documented default.
type Config struct {
	// Problems are built-in problem names (see optim.LookupProblem). If
	// empty, every built-in problem is used.
	Problems []string `json:"problems"`
	// Optimizers are built-in optimizer names (see optim.LookupMethod). If
	// empty, backprop, the four Rprop variants and the GA are used.
	Optimizers []string `json:"optimizers"`
	// Set overrides optimizer settings for every problem, keyed
	// "optimizer.setting" (e.g. "ga.population"). It takes precedence over
	// the per-problem defaults (optim.Problem.Defaults).
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
	// PlateauMin is the shortest stretch of iterations without improvement
	// that counts as a plateau. A run is on a plateau at iteration t when its
	// best loss last improved (by more than a relative 1e-15) at iteration
	// t₀ and t − t₀ ≥ max(PlateauMin, t₀). If 0, 1000; negative disables
	// plateau detection.
	PlateauMin int `json:"plateau_min"`
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
}

// DefaultOptimizers are the optimizers run when Config.Optimizers is empty.
var DefaultOptimizers = []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga"}

// withDefaults returns c with defaults filled in.
func (c Config) withDefaults() Config {
	if len(c.Problems) == 0 {
		for _, p := range optim.Problems() {
			c.Problems = append(c.Problems, p.Name)
		}
	}
	if len(c.Optimizers) == 0 {
		c.Optimizers = append([]string(nil), DefaultOptimizers...)
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
	Tasks  []Task
}

// NewPlan validates c and lists its runs. Errors name the field at fault
// and what is allowed.
func NewPlan(c Config) (*Plan, error) {
	c = c.withDefaults()
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
			return nil, fmt.Errorf("bench: set %q: want optimizer.setting with an optimizer among %s", key, strings.Join(optim.MethodNames(), ", "))
		}
		if !seen["o/"+mname] {
			return nil, fmt.Errorf("bench: set %q: optimizer %s is not in the experiment", key, mname)
		}
		if !contains(m.ParamNames(), pname) {
			return nil, fmt.Errorf("bench: set %q: %s has no setting %q; settings: %s", key, mname, pname, strings.Join(m.ParamNames(), ", "))
		}
	}
	plan := &Plan{Config: c}
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
			for _, pr := range precisions {
				if pr == optim.Float32 {
					if _, err := optim.NewOptimizer[float32](m, settings); err != nil {
						return nil, fmt.Errorf("bench: problem %s: %s", p.Name, strings.TrimPrefix(err.Error(), "optim: "))
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

// ResolveSettings returns the settings of m on p: the problem's defaults
// for m, overridden by set (keyed "optimizer.setting").
func ResolveSettings(p *optim.Problem, m optim.Method, set map[string]float64) (map[string]float64, error) {
	out := map[string]float64{}
	for _, d := range p.Defaults {
		k, v, err := ParseSetting(d)
		if err != nil {
			return nil, fmt.Errorf("bench: problem %s default %q: %w", p.Name, d, err)
		}
		if mname, pname, _ := strings.Cut(k, "."); mname == m.Name {
			out[pname] = v
		}
	}
	for k, v := range set {
		if mname, pname, _ := strings.Cut(k, "."); mname == m.Name {
			out[pname] = v
		}
	}
	return out, nil
}

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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Hash returns a hex SHA-256 of the configuration with defaults filled in,
// in canonical JSON. Runs written under one hash can be resumed or merged
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
// … up to budget, always ending with budget itself.
func Checkpoints(budget int) []int {
	var cps []int
	for dec := 1; dec <= budget && dec > 0; dec *= 10 {
		for _, m := range []int{1, 2, 5} {
			if v := m * dec; v < budget {
				cps = append(cps, v)
			}
		}
		if dec > math.MaxInt/10 {
			break
		}
	}
	return append(cps, budget)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
