// Package optimtest tests and benchmarks optimizers the way optbench tests
// and benchmarks its own: Check runs the optim.Optimizer contract on a
// Method (Init and Step semantics, wrong dimensions, ErrDiverged, same seed
// → same bits, no allocation per Step once a run is under way, float32 and
// float64 agreeing), and BenchmarkStep times one iteration of a run in
// progress with benchstat-compatible names, so that `go test -bench` in a
// user's package measures their optimizer exactly as optbench measures the
// built-ins:
//
//	func TestSignGD(t *testing.T) { optimtest.Check(t, signgd.Method(), optimtest.Options{}) }
//
//	func BenchmarkStep(b *testing.B) {
//		optimtest.BenchmarkStep(b, []optim.Method{signgd.Method()}, optimtest.Problems("seed3", "xor"))
//	}
//
// gives BenchmarkStep/problem=xor/optimizer=signgd, the name optbench's own
// BenchmarkStep gives the built-ins (benchstat -col /optimizer compares
// them).
package optimtest
