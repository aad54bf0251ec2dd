package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress draws a progress bar of the runs on a terminal: runs done of
// those left to do when the command started (a resumed run says how many
// it found on disk), with the elapsed time and an estimate of the time left.
// It draws nothing when w is not a terminal or quiet is set.
type progress struct {
	w       io.Writer
	enabled bool // the bar is drawn (stderr is a terminal, not quiet)
	quiet   bool // nothing is said
	bar     *progressbar.ProgressBar
	start   int // runs already done when the bar was created
}

func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, quiet: quiet, enabled: !quiet && ok && term.IsTerminal(int(f.Fd()))}
}

// update is a bench.Options.Progress callback.
func (p *progress) update(done, total int) {
	if !p.enabled {
		return
	}
	if p.bar == nil {
		if done >= total {
			return
		}
		p.start = done
		desc := "runs"
		if done > 0 {
			desc = fmt.Sprintf("runs (%d of %d were on disk)", done, total)
		}
		p.bar = progressbar.NewOptions(total-done,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
	p.bar.Set(done - p.start)
}

// phaseRuns is the number of runs above which the bookkeeping phases
// after the runs (a few seconds per 100 000 runs) are announced.
const phaseRuns = 20_000

// phase is a bench.Options.Phase callback: it announces the long phases
// after the runs, unless quiet.
func (p *progress) phase(name string, runs int) {
	if p.quiet || runs < phaseRuns {
		return
	}
	p.finish()
	what := map[string]string{"rewrite": "rewriting runs.csv and trace.csv in canonical order", "summaries": "summarizing"}[name]
	if what == "" {
		what = name
	}
	fmt.Fprintf(p.w, "optbench: %s (%d runs)…\n", what, runs)
}

// finish ends the bar's line, so that what follows starts on a new one.
func (p *progress) finish() {
	if p.bar != nil && !p.bar.IsFinished() {
		p.bar.Exit()
	}
}
