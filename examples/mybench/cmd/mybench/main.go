// Command mybench is optbench with a user's optimizer (signgd) and problem
// (circles) beside the built-ins: every subcommand of optbench works.
package main

import (
	"fmt"
	"os"

	"github.com/optbench/optbench/cli"

	"example.com/mybench"
)

func main() {
	if err := mybench.Register(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
