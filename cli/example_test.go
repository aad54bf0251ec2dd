package cli_test

import (
	"fmt"
	"io"
	"os"

	"github.com/optbench/optbench/cli"
)

// ExampleMain runs optbench's command line from a program of your own;
// after registering your optimizers and problems (optim.RegisterMethod,
// optim.RegisterProblem), every subcommand knows them. A bad flag is
// reported on stderr (here stdout, to show it) with exit status 2.
func ExampleMain() {
	code := cli.Main([]string{"run", "--out", os.TempDir(), "--seeds", "0"}, io.Discard, os.Stdout)
	fmt.Println("exit status", code)
	// Output:
	// optbench: --seeds: want an integer in [1, 1000000], got "0"
	// exit status 2
}
