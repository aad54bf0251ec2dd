package optim

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ProblemDef registers a problem, or a family of problems named by a
// pattern, under a name (see RegisterProblem).
type ProblemDef struct {
	// Name is the problem's name, e.g. "xor". For a family it is the
	// pattern listings show, e.g. "linsep-NxF".
	Name string
	// Doc is a one-line description.
	Doc string
	// Prefix, when set, makes the definition a family: every name that
	// starts with Prefix is built by New (which rejects the names it does
	// not accept with an error saying what is allowed).
	Prefix string
	// New returns a freshly built problem called name. Each call must
	// return a new value: runs may not share a problem's slices.
	New func(name string) (*Problem, error)
}

// registry holds the registered methods and problems in registration order.
var registry struct {
	sync.RWMutex
	methods  []Method
	problems []ProblemDef
}

// RegisterMethod makes m known by name to LookupMethod, and so to the
// runner, the report and the command line, beside every other registered
// optimizer (the built-ins are registered by package optim/catalog in the
// same way). It is meant to be called from init functions or before any
// experiment starts. It returns an error when m is invalid (see
// Method.Validate) or its name is taken.
func RegisterMethod(m Method) error {
	if err := m.Validate(); err != nil {
		return err
	}
	registry.Lock()
	defer registry.Unlock()
	for _, o := range registry.methods {
		if o.Name == m.Name {
			return fmt.Errorf("optim: optimizer %q registered twice", m.Name)
		}
	}
	registry.methods = append(registry.methods, m.clone())
	return nil
}

// clone returns m with its own copies of Params and ProblemDefaults, so
// that neither the registrant nor a caller of Methods can change the
// registered definition.
func (m Method) clone() Method {
	m.Params = append([]Param(nil), m.Params...)
	if m.ProblemDefaults != nil {
		pd := make(map[string]Settings, len(m.ProblemDefaults))
		for p, s := range m.ProblemDefaults {
			c := make(Settings, len(s))
			for k, v := range s {
				c[k] = v
			}
			pd[p] = c
		}
		m.ProblemDefaults = pd
	}
	return m
}

// RegisterProblem makes the problem (or family) d known to LookupProblem.
// Names must be letters, digits and "+-_." only. It returns an error when
// d has no New function or its name or prefix is taken.
func RegisterProblem(d ProblemDef) error {
	if err := checkName("problem", d.Name, "+-_."); err != nil {
		return err
	}
	if d.New == nil {
		return fmt.Errorf("optim: problem %q has no New function", d.Name)
	}
	registry.Lock()
	defer registry.Unlock()
	for _, o := range registry.problems {
		if o.Name == d.Name || d.Prefix != "" && d.Prefix == o.Prefix {
			return fmt.Errorf("optim: problem %q registered twice", d.Name)
		}
	}
	registry.problems = append(registry.problems, d)
	return nil
}

// Methods returns the registered optimizers in registration order.
func Methods() []Method {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Method, len(registry.methods))
	for i, m := range registry.methods {
		out[i] = m.clone()
	}
	return out
}

// MethodNames returns the names of the registered optimizers.
func MethodNames() []string {
	var s []string
	for _, m := range Methods() {
		s = append(s, m.Name)
	}
	return s
}

// LookupMethod returns the registered optimizer with the given name.
func LookupMethod(name string) (Method, error) {
	for _, m := range Methods() {
		if m.Name == name {
			return m, nil
		}
	}
	return Method{}, &UnknownError{Kind: "optimizer", Name: name, Known: MethodNames()}
}

// ProblemDefs returns the registered problem definitions in registration
// order.
func ProblemDefs() []ProblemDef {
	registry.RLock()
	defer registry.RUnlock()
	return append([]ProblemDef(nil), registry.problems...)
}

// ProblemNames returns the names of the registered problems (the patterns
// of families included).
func ProblemNames() []string {
	var names []string
	for _, d := range ProblemDefs() {
		names = append(names, d.Name)
	}
	return names
}

// LookupProblem returns a freshly built registered problem: the one called
// name, or the member of a family whose prefix name starts with.
func LookupProblem(name string) (*Problem, error) {
	defs := ProblemDefs()
	for _, d := range defs {
		if d.Prefix == "" && d.Name == name {
			return buildProblem(d, name)
		}
	}
	for _, d := range defs {
		if d.Prefix != "" && strings.HasPrefix(name, d.Prefix) {
			return buildProblem(d, name)
		}
	}
	return nil, &UnknownError{Kind: "problem", Name: name, Known: ProblemNames()}
}

func buildProblem(d ProblemDef, name string) (*Problem, error) {
	p, err := d.New(name)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("optim: problem %q: its New returned nil", name)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Name != name {
		return nil, fmt.Errorf("optim: problem %q: its New returned a problem called %q", name, p.Name)
	}
	return p, nil
}

// UnknownError reports a name that no registered optimizer or problem has.
type UnknownError struct {
	Kind  string   // "optimizer" or "problem"
	Name  string   // the name looked up
	Known []string // the registered names
}

// Error implements the error interface.
func (e *UnknownError) Error() string {
	known := append([]string(nil), e.Known...)
	sort.Strings(known)
	if len(known) == 0 {
		return fmt.Sprintf("optim: unknown %s %q (no %ss are registered: import github.com/optbench/optbench/optim/catalog for the built-ins)", e.Kind, e.Name, e.Kind)
	}
	return fmt.Sprintf("optim: unknown %s %q; known: %s", e.Kind, e.Name, strings.Join(known, ", "))
}
