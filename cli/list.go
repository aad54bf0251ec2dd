package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
)

func listSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	return newFlagSet("list", `usage: optbench list

List the built-in problems (network shape, number of parameters, settings
that replace the optimizers' defaults on that problem), the optimizers with
each setting's default (change them with 'optbench run --set'), and the
targets whose first hit every run records.
`, w), func(_ context.Context, args []string, stdout, _ io.Writer) error {
			if len(args) > 0 {
				return usagef("list: unexpected argument %q", args[0])
			}
			return list(stdout)
		}
}

func list(w io.Writer) error {
	fmt.Fprintln(w, "PROBLEMS")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tparams\tnetwork\tdefaults\tdescription")
	var problems []*optim.Problem
	for _, d := range optim.ProblemDefs() {
		if d.Prefix != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t%s\n", d.Name, d.Doc)
			continue
		}
		p, err := optim.LookupProblem(d.Name)
		if err != nil {
			return err
		}
		problems = append(problems, p)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", p.Name, p.Dim(), p.Net.String(), problemDefaults(p), p.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nOPTIMIZERS (change a setting with run --set optimizer.setting=value)")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tsetting\tdefault\tdescription")
	for _, m := range optim.Methods() {
		def := ""
		if contains(catalog.DefaultOptimizers, m.Name) {
			def = " [default]"
		}
		if m.Float32 == nil {
			def += " [float64 only]"
		}
		fmt.Fprintf(tw, "%s\t\t\t%s%s\n", m.Name, m.Doc, def)
		for _, p := range m.Params {
			fmt.Fprintf(tw, "\t%s\t%s\t%s\n", p.Name, strconv.FormatFloat(p.Default, 'g', -1, 64), p.Doc)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nTARGETS (the first hit of each is recorded per run)")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tapplies to\treached when")
	for _, t := range bench.AllTargets() {
		var which []string
		for _, p := range problems {
			if t.Applies(p) {
				which = append(which, p.Name)
			}
		}
		applies := strings.Join(which, ",")
		if len(which) == len(problems) {
			applies = "every problem"
		}
		var when string
		switch t.Kind {
		case bench.LossTarget:
			when = "loss ≤ " + strconv.FormatFloat(t.Value, 'g', -1, 64)
		case bench.ParamTarget:
			when = "parameters within " + strconv.FormatFloat(t.Value, 'g', -1, 64) + " (max-norm) of the known optimum"
		case bench.ClassTarget:
			when = "every output on the right side of 0.5"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, applies, when)
	}
	return tw.Flush()
}

// problemDefaults returns p's per-optimizer defaults as the command line
// spells them ("backprop.lr=2,..."), or "-".
func problemDefaults(p *optim.Problem) string {
	var parts []string
	for _, m := range slices.Sorted(maps.Keys(p.Defaults)) {
		for _, k := range slices.Sorted(maps.Keys(p.Defaults[m])) {
			parts = append(parts, m+"."+k+"="+strconv.FormatFloat(p.Defaults[m][k], 'g', -1, 64))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
