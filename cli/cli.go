// Package cli is optbench's command line, importable so that a program of
// your own gives every subcommand (list, run, sweep, summarize, report,
// merge, verify) with your optimizers and problems beside the built-ins:
//
//	package main
//
//	import (
//		"os"
//
//		"github.com/optbench/optbench/cli"
//		"github.com/optbench/optbench/optim"
//	)
//
//	func main() {
//		if err := optim.RegisterMethod(signGD()); err != nil { // your optimizer
//			panic(err)
//		}
//		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
//	}
//
// The built-in optimizers and problems are registered by package
// optim/catalog, which cli imports. Usage:
//
//	optbench list
//	optbench run (--default | --out DIR) [--data FILE.csv --net SPEC] [flags]
//	optbench summarize DIR
//	optbench merge --out DIR SHARD_DIR...
//	optbench report [--svg] DIR
//	optbench verify DIR
//	optbench sweep (--default | --out DIR --problem P --optimizer O --grid GRID) [flags]
//	optbench help [command]
//
// Run `optbench help run` for the flags of run and the default experiment.
// The exit status is 0 on success, 1 on failure, 2 for a usage error (bad
// flag, argument or input file, an --out that cannot be a folder), 130
// when interrupted by SIGINT and 143 by SIGTERM; an interrupted run resumes when the same command is run
// again. A damaged results folder (see bench.Verify) is a failure, 1: the
// command line is right, the data is not; every command that reads a folder
// refuses it, naming FILE:LINE, before writing anything. A folder another
// process is writing (bench.LockDir) is refused with 1 too, naming the
// holder's PID and host. Help goes to standard
// output, errors to standard error.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/optbench/optbench/bench"
	_ "github.com/optbench/optbench/optim/catalog" // the built-in optimizers and problems
)

// Main runs the command line args (without the program name), writing
// results and help to stdout and errors to stderr, and returns the exit
// status: 0 success, 1 failure, 2 usage error, 130 interrupted by SIGINT
// (or a cancelled context), 143 by SIGTERM. SIGINT and SIGTERM cancel the
// work in progress (a second signal kills the process); a command that had
// finished its writes when it noticed still exits 130 or 143.
// It never calls os.Exit: a program's main does, with the status returned.
func Main(args []string, stdout, stderr io.Writer) int {
	if err := run(args, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "optbench: %s\n", message(err))
		return exitCode(err)
	}
	return 0
}

// message is err as the command line says it: a refused folder's advice
// names the flags.
func message(err error) string {
	var re *bench.RefusedError
	if errors.As(err, &re) {
		msg := strings.Replace(err.Error(), re.Error(), re.Err.Error(), 1)
		return fmt.Sprintf("%s; use --force to move the folder's files aside into %s and start over, or another --out", msg, re.Aside)
	}
	return err.Error()
}

// exitCode maps an error returned by run to the process exit status.
func exitCode(err error) int {
	var uerr *usageError
	var ierr *interruptedError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &uerr):
		return 2
	case errors.As(err, &ierr):
		return 128 + ierr.signum()
	case errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}

// interruptedError is the error of a command stopped by a signal: the
// command's own error (wrapping context.Canceled), or nil when it had
// finished its writes when it noticed.
type interruptedError struct {
	sig os.Signal
	err error
}

func (e *interruptedError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("interrupted by %s after the command had finished: what it wrote is complete", sigName(e.sig))
	}
	return fmt.Sprintf("%v (%s)", e.err, sigName(e.sig))
}

func (e *interruptedError) Unwrap() error {
	if e.err == nil {
		return context.Canceled
	}
	return e.err
}

// signum is the signal's number (SIGINT 2, SIGTERM 15).
func (e *interruptedError) signum() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return int(s)
	}
	return 2
}

func sigName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// usageError is a bad command line: an unknown command, flag or name, or a
// value out of range. It is reported before any work is done.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// run executes the command line args (without the program name). SIGINT and
// SIGTERM cancel the work in progress: finished runs stay on disk and
// rerunning the same command resumes. A second signal kills the process.
func run(args []string, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigc)
	got := make(chan os.Signal, 1)
	go func() {
		select {
		case s := <-sigc:
			signal.Stop(sigc) // restore the default handlers: a second ^C kills
			got <- s
			cancel()
		case <-ctx.Done():
		}
	}()
	if afterNotify != nil {
		afterNotify(ctx)
	}
	err := dispatch(ctx, args, stdout, stderr)
	cancel()
	select {
	case s := <-got:
		return &interruptedError{sig: s, err: err}
	default:
	}
	return err
}

// afterNotify, if set (by tests), is called with the command's context
// once run handles the signals.
var afterNotify func(ctx context.Context)

// command is a subcommand of optbench.
type command struct {
	name, summary string
	// setup returns the command's flags, whose help goes to w, and its
	// body, which reads them once they are parsed.
	setup func(w io.Writer) (*flag.FlagSet, runFunc)
}

// runFunc executes a command with its flags parsed and its positional
// arguments in args.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var commands []*command

func init() {
	commands = []*command{
		{"list", "list the problems, optimizers (with their settings) and targets", listSetup},
		{"run", "run an experiment into a results folder (resumable, shardable)", runSetup},
		{"summarize", "recompute a results folder's summaries and print its headline table", summarizeSetup},
		{"merge", "combine the folders of a sharded run into one", mergeSetup},
		{"report", "draw the charts and REPORT.md of a results folder", reportSetup},
		{"verify", "check a results folder's files, naming every damaged line", verifySetup},
		{"sweep", "run one optimizer over a grid of its settings × seeds (heat maps, tuneability)", sweepSetup},
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// dispatch runs the subcommand named by args[0].
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return usagef("no command given")
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) == 0 {
			usage(stdout)
			return nil
		}
		c := lookupCommand(args[0])
		if c == nil || len(args) > 1 {
			return usagef("help: unknown command %q; commands: %s", args[0], commandNames())
		}
		fs, _ := c.setup(stdout)
		fs.Usage()
		return nil
	}
	c := lookupCommand(name)
	if c == nil {
		return usagef("unknown command %q; commands: %s (see 'optbench help')", name, commandNames())
	}
	fs, body := c.setup(stderr)
	restore := setOnce(fs)
	pos, err := parseArgs(fs, args)
	restore()
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout) // asked for: help is output, not an error
		fs.Usage()
		return nil
	}
	if err != nil {
		return usagef("%s: %v (see 'optbench %[1]s -h')", name, err)
	}
	return body(ctx, pos, stdout, stderr)
}

func commandNames() string {
	var s string
	for i, c := range commands {
		if i > 0 {
			s += ", "
		}
		s += c.name
	}
	return s
}

func usage(w io.Writer) {
	fmt.Fprint(w, `optbench benchmarks optimizers (backprop, the Rprop variants, a genetic
algorithm) on small neural-network problems.

usage: optbench <command> [arguments]

commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s  %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help        show this help, or a command's: optbench help run

Run 'optbench <command> -h' for a command's flags. Exit status: 0 success,
1 failure (a damaged or locked results folder too), 2 usage error, 130
interrupted by SIGINT, 143 by SIGTERM (rerun the same command to resume).
`)
}

// parseArgs parses args with fs, allowing flags after positional arguments
// ("optbench report DIR --svg"); "--" ends the flags. The flag package's own
// messages are dropped: the error is returned (flag.ErrHelp for -h).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a flag set that reports errors (ContinueOnError) and
// whose Usage prints its help, head followed by the flags, to its output,
// initially w.
func newFlagSet(name, head string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		out := fs.Output()
		var b bytes.Buffer
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(out)
		fmt.Fprint(out, head)
		if b.Len() > 0 {
			fmt.Fprintf(out, "\nflags:\n%s", b.Bytes())
		}
	}
	return fs
}

// onceValue is a flag value that may be given once: a repeated
// single-value flag ("--seeds 3 --seeds 4") is an error rather than the
// last value silently winning.
type onceValue struct {
	flag.Value
	given bool
}

func (o *onceValue) Set(s string) error {
	if o.given {
		return fmt.Errorf("given twice (it takes one value; first %q)", o.Value.String())
	}
	o.given = true
	return o.Value.Set(s)
}

// IsBoolFlag keeps a boolean flag's "--flag" form.
func (o *onceValue) IsBoolFlag() bool {
	b, ok := o.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// setOnce makes every flag of fs but the repeatable ones (listFlag) refuse
// a second value, and returns the function that restores the original
// values (whose zero values the help text relies on).
func setOnce(fs *flag.FlagSet) (restore func()) {
	var undo []func()
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(*listFlag); ok {
			return
		}
		orig := f.Value
		f.Value = &onceValue{Value: orig}
		undo = append(undo, func() { f.Value = orig })
	})
	return func() {
		for _, u := range undo {
			u()
		}
	}
}
