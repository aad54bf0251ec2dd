// Package mybench shows how a researcher benchmarks their own optimizer
// and problem with optbench: Register adds them to optbench's registry,
// beside the built-ins, and cmd/mybench hands over to optbench's command
// line.
package mybench

import (
	"errors"

	"github.com/optbench/optbench/optim"

	"example.com/mybench/circles"
	"example.com/mybench/signgd"
)

// Register registers SignGD ("signgd") and the circles problem.
func Register() error {
	return errors.Join(optim.RegisterMethod(signgd.Method()), optim.RegisterProblem(circles.Def()))
}
