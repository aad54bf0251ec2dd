// Package optim holds optbench's network, its benchmark problems and the
// optimizers that train it.
//
// Every optimizer works on the same thing: a feed-forward network whose
// parameters live in one flat []float64 (see Network for the layout), trained
// on the full-batch mean squared error of a Problem's data (see MSE). An
// Optimizer is driven one iteration at a time: Init prepares it at a starting
// point and evaluates it there, and each Step performs one iteration (a
// full-batch epoch for gradient methods, one generation for the genetic
// algorithm), leaving the current best parameters in x and returning their
// loss. Steps allocate nothing once a run is under way (a fresh gonum
// method sizes its workspaces in its first Steps, and Nelder–Mead sorts its
// first simplex through an interface, once per run). All randomness comes
// from the *rand.Rand passed to Init, so one seed gives bit-identical
// results on any amd64 machine with Go's default GOAMD64 (v1); where Go may
// fuse multiply-adds (GOAMD64=v3, arm64), the last bits can differ.
//
// What is promised where, for the loss and its gradient (MSEOf):
//
//   - Narrow layers (fewer than 32 inputs or fewer than 8 neurons, and
//     every layer in float32) compute their weighted sums with separate
//     multiplies and adds, in the order their code states; every built-in
//     problem has only narrow layers. Their bits are the same on every
//     amd64 machine built with GOAMD64 v1 (the default), whatever its CPU;
//     on GOAMD64=v3 or other architectures the compiler may fuse
//     multiply-adds and the last bits may differ.
//   - The exponential (expInto, exp.go) and the sigmoid built on it, in
//     every layer and both float types, are separate multiplies and adds
//     with no fusable pair. On amd64 with AVX2 assembly kernels
//     (exp_amd64.s) compute blocks of at least 4 sigmoids or 8
//     exponentials four at a time with the same operations in the same
//     order, and Go computes the rest and every other case: the same bits,
//     NaN payloads included (TestExpSIMDBitIdentical).
//   - Wide layers (≥ 32 inputs and ≥ 8 neurons, float64) compute their
//     three products (forward X·Wᵀ + b, backward Δ·W, weight gradient Δᵀ·X)
//     as chains of fused multiply-adds in an order fixed by the definition
//     of gemm (gemm.go), independent of the CPU, the blocking, the packing
//     of the operands and the block size; on amd64 with AVX2 and FMA
//     assembly micro-kernels compute them, elsewhere (and with the purego
//     build tag) Go with math.FMA computes the same bits. Their tanh is
//     math.Tanh's algorithm with optim's own exp, with no fusable
//     multiply-add (float64 conversions keep the compiler from fusing
//     them); on amd64 with AVX2 an assembly kernel computes it four values
//     at a time with the same operations in the same order, elsewhere (and
//     with purego) Go does: the same bits (on amd64 NaN payloads included;
//     elsewhere a NaN stays a NaN, its payload may differ). So a network
//     with wide layers gives the same bits on every machine, with any
//     GOAMD64 and on every architecture whose math.FMA is correctly rounded
//     (all of Go's), as long as its narrow layers and activations do.
//
// Evaluations are counted by the driver, not by the optimizer: wrap the
// objective in a Counter before Init.
//
// Optimizers and problems are known by name through a registry:
// RegisterMethod takes a Method (name, documentation, settings with
// defaults and ranges, per-problem defaults, a float64 and an optional
// float32 constructor), RegisterProblem a ProblemDef. Package
// optim/catalog registers the built-ins through these same calls; the
// runner (package bench), the report and the command line (package cli)
// know no other way. Package optim/optimtest checks any Method against the
// Optimizer contract and benchmarks it as the built-ins are benchmarked.
//
// Arithmetic: the objective and every optimizer except the gonum wrappers are
// generic in the element type (see Float): MSEOf[T], OptimizerOf[T],
// RpropOf[T], … run in float32 or float64 with one code path, and MSE,
// Optimizer, Rprop, … are their float64 instantiations. NewOptimizer builds
// a Method in either arithmetic; ProblemObjective builds a
// problem's loss in it.
//
// References:
//
//	Riedmiller, M., Braun, H.: A direct adaptive method for faster backpropagation
//	learning: the RPROP algorithm. ICNN 1993, pp. 586–591.
//	Igel, C., Hüsken, M.: Improving the Rprop learning algorithm. NC 2000.
//	Eshelman, L. J., Schaffer, J. D.: Real-coded genetic algorithms and
//	interval-schemata. FOGA 2 (1993) (BLX-α crossover).
package optim
