package optimtest_test

import (
	"fmt"
	"testing"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/optimtest"
)

// TestBuiltinContract runs the contract on every registered optimizer (the
// built-ins, registered by optim/catalog): they are checked exactly as a
// user's optimizer is.
func TestBuiltinContract(t *testing.T) {
	for _, m := range optim.Methods() {
		t.Run("optimizer="+m.Name, func(t *testing.T) {
			optimtest.Check(t, m, optimtest.Options{})
		})
	}
}

// ExampleProblems builds registered problems by name for a test table; the
// built-ins are registered by optim/catalog, which optimtest imports.
func ExampleProblems() {
	for _, p := range optimtest.Problems("seed3", "iris") {
		fmt.Println(p.Name, p.Net.Spec(), p.Dim())
	}
	// Output:
	// seed3 1sigmoid:nobias 3
	// iris 8tanh-3sigmoid 67
}
