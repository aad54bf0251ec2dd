package optimtest

import (
	"strings"
	"testing"

	"github.com/optbench/optbench/optim"
)

// CheckProblem checks that p is a well-formed benchmark problem, as
// optbench checks its built-ins: a lower-case name without spaces and a
// description; it passes Problem.Validate, its objective has its
// dimension; classification targets are 0 or 1; the optimum, the query
// and its answer have the network's sizes; and its per-optimizer defaults
// name settings (whether the optimizers have them is checked when an
// experiment is planned).
func CheckProblem(t *testing.T, p *optim.Problem) {
	t.Helper()
	if p.Name != strings.ToLower(p.Name) || strings.ContainsAny(p.Name, " \t") {
		t.Errorf("problem name %q: want lower case without spaces", p.Name)
	}
	if p.Description == "" {
		t.Errorf("problem %s has no description", p.Name)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("problem %s: %v", p.Name, err)
	}
	if d := p.Objective().Dim(); d != p.Dim() {
		t.Errorf("problem %s: objective of dimension %d, the network has %d parameters", p.Name, d, p.Dim())
	}
	if p.Classification {
		for i, y := range p.Data.Y {
			if y != 0 && y != 1 {
				t.Fatalf("problem %s: classification target %d is %v, want 0 or 1", p.Name, i, y)
			}
		}
	}
	if p.Query != nil && (len(p.Query) != p.Net.In || len(p.QueryAnswer) != p.Net.Out()) {
		t.Errorf("problem %s: query of %d inputs and answer of %d outputs, want %d and %d",
			p.Name, len(p.Query), len(p.QueryAnswer), p.Net.In, p.Net.Out())
	}
	for method, s := range p.Defaults {
		if method == "" || len(s) == 0 {
			t.Errorf("problem %s: empty per-optimizer defaults %q: %v", p.Name, method, s)
		}
		for k, v := range s {
			if k == "" || v-v != 0 {
				t.Errorf("problem %s: default %s.%s = %v: want a named setting with a finite value", p.Name, method, k, v)
			}
		}
	}
}
