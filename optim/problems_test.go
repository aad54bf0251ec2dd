package optim

import (
	"math"
	"testing"
)

// Package optim cannot import optim/catalog (catalog imports optim), so its
// internal tests see no registered optimizer or problem: they build the
// built-in problems directly and the optimizers as structs. The tests of
// the catalogue (every method, lookups by name, per-problem defaults, the
// registry) are in optim/catalog.

// testProblems returns the built-in problems of package optim, freshly
// built, in the catalogue's order.
func testProblems() []*Problem {
	return []*Problem{Seed3(), Celsius(), XOR(), Parity4(), Spirals(), LinSep(128, 8, 1), CelsiusTF(), Teacher()}
}

// testProblem returns the freshly built problem of testProblems called name.
func testProblem(t testing.TB, name string) *Problem {
	t.Helper()
	for _, p := range testProblems() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no built-in problem %q", name)
	return nil
}

// bitsOf returns the bit patterns of v, so that comparisons are exact.
func bitsOf(v []float64) []uint64 {
	b := make([]uint64, len(v))
	for i, f := range v {
		b[i] = math.Float64bits(f)
	}
	return b
}

// allFinite reports whether no element of x is NaN or ±Inf.
func allFinite(x []float64) bool {
	for _, v := range x {
		if !finite(v) {
			return false
		}
	}
	return true
}
