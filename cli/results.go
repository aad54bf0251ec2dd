package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/report"
)

func summarizeSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs := newFlagSet("summarize", `usage: optbench summarize DIR

Recompute summary.csv, targets.csv, compare.csv and results.bench in the
results folder DIR from its runs.csv and trace.csv (and the configuration in
its manifest.json), and print the headline table: per problem and optimizer,
the success at the problem's hardest target that any run reached.

`+headlineLegend, w)
	return fs, func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		dir, err := folderArg("summarize", args)
		if err != nil {
			return err
		}
		lock, err := lockFolder(dir)
		if err != nil {
			return err
		}
		defer lock.Unlock()
		return summarize(ctx, dir, stdout, stderr)
	}
}

func summarize(ctx context.Context, dir string, stdout, stderr io.Writer) error {
	man, plan, err := bench.LoadPlan(dir)
	if err != nil {
		return err
	}
	recs, err := bench.LoadRuns(dir)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return fmt.Errorf("%s has no finished runs", dir)
	}
	canonicalOrder(plan, recs)
	if !man.Complete || len(recs) < man.Runs {
		fmt.Fprintf(stderr, "optbench: warning: %s is incomplete (%d of %d runs); the summaries cover the finished runs only\n",
			dir, len(recs), man.Runs)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("summarize %s: interrupted before writing anything: %w", dir, err)
	}
	if err := bench.WriteSummaries(dir, plan, recs); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("summarize %s: interrupted after writing the summaries: %w", dir, err)
	}
	fmt.Fprintf(stdout, "summaries of %d runs in %s: %s\n\n", len(recs), dir,
		strings.Join([]string{bench.SummaryFile, bench.TargetsFile, bench.CompareFile, bench.BenchFile}, ", "))
	return headline(stdout, plan, recs)
}

// canonicalOrder sorts recs in the experiment's canonical order (problem,
// optimizer, seed as planned), which a resumed or interrupted run's files
// need not follow; runs outside the plan go last in their order.
func canonicalOrder(plan *bench.Plan, recs []*bench.Record) {
	idx := make(map[bench.RunID]int, len(plan.Tasks))
	for _, t := range plan.Tasks {
		idx[t.ID()] = t.Index
	}
	pos := func(r *bench.Record) int {
		if i, ok := idx[r.ID()]; ok {
			return i
		}
		return len(plan.Tasks)
	}
	slices.SortStableFunc(recs, func(a, b *bench.Record) int { return pos(a) - pos(b) })
}

func mergeSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs := newFlagSet("merge", `usage: optbench merge --out DIR SHARD_DIR...

Combine the results folders of a sharded run ('optbench run --shard i/n',
one folder per shard, each complete) into DIR, which then holds what an
unsharded run would have written (timing columns aside), and print the
headline table.
`, w)
	out := fs.String("out", "", "merged results `folder` (required)")
	return fs, func(ctx context.Context, args []string, stdout, _ io.Writer) error {
		if *out == "" {
			return usagef("merge: --out: want the merged results folder")
		}
		if len(args) == 0 {
			return usagef("merge: want the shard folders after --out DIR")
		}
		for _, a := range args {
			if a == "" {
				return usagef("merge: a shard folder is an empty name; want folders")
			}
		}
		_, statErr := os.Stat(*out)
		if err := outFolder("--out", *out); err != nil {
			return err
		}
		if err := bench.Merge(ctx, *out, args); err != nil {
			if ents, _ := os.ReadDir(*out); statErr != nil && len(ents) <= 1 {
				// Made for the merge and still empty (but for a lock
				// nobody holds any more): remove it.
				os.Remove(filepath.Join(*out, bench.LockFile))
				os.Remove(*out)
			}
			return err
		}
		_, plan, err := bench.LoadPlan(*out)
		if err != nil {
			return err
		}
		recs, err := bench.LoadRuns(*out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "merged %d shards into %s (charts: optbench report %[2]s)\n\n", len(args), *out)
		return headline(stdout, plan, recs)
	}
}

func reportSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs := newFlagSet("report", `usage: optbench report [--svg] DIR

Draw the charts (PNG) of the results folder DIR into DIR and write
DIR/REPORT.md, printing each file written.
`, w)
	svg := fs.Bool("svg", false, "also save every chart as SVG")
	return fs, func(ctx context.Context, args []string, stdout, _ io.Writer) error {
		dir, err := folderArg("report", args)
		if err != nil {
			return err
		}
		lock, err := lockFolder(dir)
		if err != nil {
			return err
		}
		defer lock.Unlock()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("report %s: interrupted before writing anything: %w", dir, err)
		}
		return report.WriteContext(ctx, dir, stdout, report.Options{SVG: *svg})
	}
}
