package signgd_test

import (
	"testing"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/optimtest"

	"example.com/mybench/circles"
	"example.com/mybench/signgd"
)

// TestContract checks SignGD against optbench's optimizer contract, in
// float64 and float32, exactly as optbench checks its built-ins.
func TestContract(t *testing.T) {
	optimtest.Check(t, signgd.Method(), optimtest.Options{})
}

// BenchmarkStep measures a SignGD iteration under the names optbench's own
// BenchmarkStep uses (BenchmarkStep/problem=xor/optimizer=signgd), next to
// iRprop− for comparison in one run:
//
//	go test -run '^$' -bench Step -count 10 ./signgd | tee new.txt
//	benchstat -col /optimizer new.txt
func BenchmarkStep(b *testing.B) {
	irprop, err := optim.LookupMethod("irprop-")
	if err != nil {
		b.Fatal(err)
	}
	optimtest.BenchmarkStep(b, []optim.Method{signgd.Method(), irprop}, optimtest.Problems("seed3", "xor"))
}

// TestCirclesProblem checks the user's problem as optbench checks its own.
func TestCirclesProblem(t *testing.T) {
	d := circles.Def()
	p, err := d.New(d.Name)
	if err != nil {
		t.Fatal(err)
	}
	optimtest.CheckProblem(t, p)
}
