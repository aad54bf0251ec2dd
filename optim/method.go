package optim

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Settings are an optimizer's setting values keyed by the setting's name
// without the optimizer prefix ("lr", not "backprop.lr").
type Settings map[string]float64

// Param describes one setting of a Method: its name, default and allowed
// values. Ranges are checked by Method.New before the constructor runs, so
// a constructor sees only values inside them.
type Param struct {
	// Name is how the setting is spelled, e.g. "lr"; the command line
	// sets it as "backprop.lr=0.5".
	Name string
	// Default is the value used when the setting is absent.
	Default float64
	// Doc is one line: the meaning and the allowed range, in words.
	Doc string
	// Label names the setting on a chart axis, e.g. "initial step Δ0
	// (delta0)"; if empty, Name is used.
	Label string
	// Integer restricts the setting to integers.
	Integer bool
	// ZeroOK allows 0 (otherwise 0 is rejected: optimizer structs commonly
	// read a zero field as "use the default", so a 0 given on purpose must
	// not be silently replaced).
	ZeroOK bool
	// Min and Max bound the value when Bounded is true; MinOpen and MaxOpen
	// exclude the bound itself. Checks that depend on several settings (an
	// elite smaller than the population) belong in the constructor.
	Min, Max         float64
	MinOpen, MaxOpen bool
	Bounded          bool
}

// check reports whether v is allowed for p.
func (p Param) check(method string, v float64) error {
	allowed := p.Doc
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &SettingError{method + "." + p.Name, v, "a finite number (" + allowed + ")"}
	case p.Integer && (v != math.Trunc(v) || math.Abs(v) > 1<<30):
		return &SettingError{method + "." + p.Name, v, "an integer (" + allowed + ")"}
	case v == 0 && !p.ZeroOK:
		return &SettingError{method + "." + p.Name, v, allowed}
	case p.Bounded && (v < p.Min || v > p.Max || p.MinOpen && v == p.Min || p.MaxOpen && v == p.Max):
		if v == 0 && p.ZeroOK {
			return nil // 0 means "none" or "automatic" for such settings
		}
		return &SettingError{method + "." + p.Name, v, p.Range() + " (" + allowed + ")"}
	}
	return nil
}

// Range describes the values Min, Max, MinOpen, MaxOpen and Integer allow,
// e.g. "a number in (0, ∞)" or "an integer in [2, 1048576]"; without
// bounds, "a finite number".
func (p Param) Range() string {
	kind := "a number"
	if p.Integer {
		kind = "an integer"
	}
	if !p.Bounded {
		return kind
	}
	lo, hi := "[", "]"
	if p.MinOpen || math.IsInf(p.Min, -1) {
		lo = "("
	}
	if p.MaxOpen || math.IsInf(p.Max, 1) {
		hi = ")"
	}
	num := func(v float64) string {
		switch {
		case math.IsInf(v, 1):
			return "∞"
		case math.IsInf(v, -1):
			return "-∞"
		}
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	r := kind + " in " + lo + num(p.Min) + ", " + num(p.Max) + hi
	if p.ZeroOK && (p.Min > 0 || p.MinOpen && p.Min == 0) {
		r += " or 0"
	}
	return r
}

// Method defines an optimizer as the runner, the report and the command
// line see it: its name, documentation, settings with their defaults and
// ranges, per-problem defaults, and constructors for each arithmetic. The
// built-in optimizers are Methods registered by package
// github.com/optbench/optbench/optim/catalog exactly as a user's are (see
// RegisterMethod).
//
// An optimizer written generically over Float provides both Float64 and
// Float32; one written for float64 only leaves Float32 nil and is refused
// for float32 experiments with an error saying so.
type Method struct {
	// Name is how results files and the command line name the optimizer:
	// short, lower-case, stable; letters, digits and "+-_" only.
	Name string
	// Doc is a one-line description.
	Doc string
	// Kind says how the optimizer searches, so that the report compares
	// like with like: KindGradient, KindPopulation or KindDirect; empty
	// when unstated.
	Kind string
	// Params lists the settings in a fixed order.
	Params []Param
	// ProblemDefaults replace Params' defaults on the problems named by the
	// keys (a problem's own Problem.Defaults take precedence over these).
	ProblemDefaults map[string]Settings
	// Float64 returns a fresh float64 optimizer for complete settings: one
	// value per Param, inside its range. It returns a *SettingError for
	// combinations it rejects.
	Float64 func(s Settings) (OptimizerOf[float64], error)
	// Float32 is Float64 in float32 arithmetic, or nil when the optimizer
	// runs only in float64.
	Float32 func(s Settings) (OptimizerOf[float32], error)
}

// The kinds of Method.Kind.
const (
	// KindGradient optimizers follow the gradient: about one loss and one
	// gradient evaluation per iteration (line searches a few more).
	KindGradient = "gradient"
	// KindPopulation optimizers evaluate a population of points per
	// iteration and use no gradient (the GA, CMA-ES).
	KindPopulation = "population"
	// KindDirect optimizers use no gradient and few points per iteration
	// (Nelder–Mead).
	KindDirect = "direct"
)

// AxisLabel returns the label of the setting called name on a chart axis:
// its Label, or its name.
func (m Method) AxisLabel(name string) string {
	if p, ok := m.param(name); ok && p.Label != "" {
		return p.Label
	}
	return name
}

// ErrFloat64Only is wrapped by the error NewOptimizer returns for a
// method without a float32 constructor.
var ErrFloat64Only = errors.New("it runs only in float64")

// complete returns settings with every absent Param at its default,
// rejecting unknown names and values outside the allowed ranges with an
// error naming the setting and what is allowed.
func (m Method) complete(settings Settings) (Settings, error) {
	v := make(Settings, len(m.Params))
	for _, p := range m.Params {
		v[p.Name] = p.Default
	}
	for _, k := range sortedNames(settings) {
		val := settings[k]
		p, ok := m.param(k)
		if !ok {
			if len(m.Params) == 0 {
				return nil, fmt.Errorf("optim: %s has no setting %q; it has no settings", m.Name, k)
			}
			return nil, fmt.Errorf("optim: %s has no setting %q; settings: %s", m.Name, k, strings.Join(m.ParamNames(), ", "))
		}
		if err := p.check(m.Name, val); err != nil {
			return nil, err
		}
		v[k] = val
	}
	return v, nil
}

// New returns a fresh float64 optimizer with the given settings; absent
// settings take their defaults. It is NewOptimizer[float64].
func (m Method) New(settings Settings) (Optimizer, error) {
	return NewOptimizer[float64](m, settings)
}

// NewOptimizer returns a fresh optimizer of method m computing in the
// arithmetic T, with the given settings (absent ones take their defaults).
// Unknown names and values outside the allowed ranges are rejected with an
// error naming the setting and what is allowed; a method without a float32
// constructor is rejected for float32 with an error wrapping
// ErrFloat64Only.
func NewOptimizer[T Float](m Method, settings Settings) (OptimizerOf[T], error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s, err := m.complete(settings)
	if err != nil {
		return nil, err
	}
	var o any
	switch PrecisionOf[T]() {
	case Float32:
		if m.Float32 == nil {
			return nil, fmt.Errorf("optim: %s cannot run in float32: %w (its Method has no Float32 constructor; use precision float64 for it)", m.Name, ErrFloat64Only)
		}
		o, err = m.Float32(s)
	default:
		o, err = m.Float64(s)
	}
	if err != nil {
		// Name the setting as this method spells it: "momentum" is built on
		// Backprop, whose own errors say "backprop.lr".
		var se *SettingError
		if errors.As(err, &se) {
			if _, rest, ok := strings.Cut(se.Field, "."); ok {
				se.Field = m.Name + "." + rest
			}
		}
		return nil, err
	}
	t, ok := o.(OptimizerOf[T])
	if !ok || t == nil || isNilPointer(t) {
		return nil, fmt.Errorf("optim: %s's constructor returned %T(%v), not an optimizer in %s", m.Name, o, o, PrecisionOf[T]())
	}
	return t, nil
}

// Validate reports whether m is a usable definition: a valid name, a
// float64 constructor, and settings with distinct names and defaults inside
// their own ranges.
func (m Method) Validate() error {
	if err := checkName("optimizer", m.Name, "+-_"); err != nil {
		return err
	}
	if m.Float64 == nil {
		return fmt.Errorf("optim: optimizer %q has no Float64 constructor", m.Name)
	}
	seen := map[string]bool{}
	for _, p := range m.Params {
		if err := checkName("setting of "+m.Name, p.Name, "+-_"); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("optim: optimizer %s lists setting %q twice", m.Name, p.Name)
		}
		seen[p.Name] = true
		if err := p.check(m.Name, p.Default); err != nil {
			return fmt.Errorf("optim: optimizer %s: the default of %s is not allowed: %w", m.Name, p.Name, err)
		}
	}
	for prob, s := range m.ProblemDefaults {
		for k := range s {
			if !seen[k] {
				return fmt.Errorf("optim: optimizer %s: default for problem %s names unknown setting %q", m.Name, prob, k)
			}
		}
	}
	return nil
}

// Canonical returns the settings of the method with defaults filled in, as
// sorted "name=value" pairs joined by ";", using the shortest exact decimal
// form of each value. Equal configurations give equal strings.
func (m Method) Canonical(settings Settings) string {
	var parts []string
	for _, p := range m.Params {
		val, ok := settings[p.Name]
		if !ok {
			val = p.Default
		}
		parts = append(parts, p.Name+"="+strconv.FormatFloat(val, 'g', -1, 64))
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// ParamNames returns the names of the method's settings.
func (m Method) ParamNames() []string {
	var s []string
	for _, p := range m.Params {
		s = append(s, p.Name)
	}
	return s
}

// Param returns the setting called name.
func (m Method) Param(name string) (Param, bool) { return m.param(name) }

func (m Method) param(name string) (Param, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Supports reports whether the method runs in the named precision
// ("float32" or "float64").
func (m Method) Supports(precision string) bool {
	switch precision {
	case Float64:
		return m.Float64 != nil
	case Float32:
		return m.Float32 != nil
	}
	return false
}

// isNilPointer reports whether v holds a nil pointer, map, slice, func or
// channel (a typed nil in a non-nil interface).
func isNilPointer(v any) bool {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return r.IsNil()
	}
	return false
}

// sortedNames returns the keys of s in order, so that the first bad
// setting reported does not depend on map order.
func sortedNames(s Settings) []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkName reports whether name is usable as an optimizer, problem or
// setting name in results files and on the command line: letters, digits
// and the runes of punct (never ",", "=", ";", ":" or space, which the
// command line and the settings column use as separators).
func checkName(what, name, punct string) error {
	if name == "" {
		return fmt.Errorf("optim: %s has an empty name", what)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(punct, r)) {
			return fmt.Errorf("optim: %s name %q: want letters, digits and %s only", what, name, strings.Join(strings.Split(punct, ""), " "))
		}
	}
	if len(name) > 64 {
		return fmt.Errorf("optim: %s name %q: longer than 64 bytes", what, name)
	}
	return nil
}

// SettingsFor returns the settings of m on p that replace m's Params'
// defaults: m's defaults for p (ProblemDefaults), overridden by p's
// defaults for m (Problem.Defaults). The result is a fresh map.
func (m Method) SettingsFor(p *Problem) Settings {
	out := Settings{}
	for _, d := range []Settings{m.ProblemDefaults[p.Name], p.Defaults[m.Name]} {
		for k, v := range d {
			out[k] = v
		}
	}
	return out
}
