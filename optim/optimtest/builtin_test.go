package optimtest_test

import (
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
