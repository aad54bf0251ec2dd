// Command optbench benchmarks optimizers (backprop, the Rprop variants, a
// genetic algorithm and more) on neural-network problems and data sets; see
// package github.com/optbench/optbench/cli for its subcommands, and
// `optbench help`.
package main

import (
	"os"

	"github.com/optbench/optbench/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
