package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// PeersCSV is the file `make peers` (bench/peers/run) writes, relative to
// the results folder that holds the experiment folders.
const PeersCSV = "peers/peers.csv"

// peerGoal is the speed goal of issue 5 for Go against one peer, as the
// largest acceptable Go/peer time ratio, or 0 when there is none.
func peerGoal(problem, optimizer, peer string) (maxRatio float64, text string) {
	switch peer {
	case "c-loop":
		return 2, "≤ 2 (within 2× of C)"
	case "fann":
		if problem == "xor" || problem == "seed3" {
			return 0.5, "≤ 0.5"
		}
	case "numpy", "torch", "deap":
		return 0.01, "≤ 0.01 (100× faster)"
	}
	return 0, "–"
}

// PeersSection returns the Markdown section comparing Go with the
// reference implementations when dir's parent holds peers/peers.csv
// (results/default → results/peers/peers.csv), and "" otherwise. The chart
// peers-time.png beside the CSV is linked relative to dir.
func PeersSection(dir string) string {
	path := filepath.Join(filepath.Dir(dir), filepath.FromSlash(PeersCSV))
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var b bytes.Buffer
	b.WriteString("## Side by side with reference implementations\n\n")
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) < 2 {
		fmt.Fprintf(&b, "`%s` could not be read (%v); rerun `make peers`.\n\n", filepath.ToSlash(path), err)
		return b.String()
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"problem", "optimizer", "peer", "peer_version", "go_ns_per_iter", "peer_ns_per_iter",
		"go_over_peer", "go_final_loss", "peer_final_loss", "max_rel_diff_k", "k"} {
		if _, ok := col[h]; !ok {
			fmt.Fprintf(&b, "`%s` lacks the column %q; rerun `make peers`.\n\n", filepath.ToSlash(path), h)
			return b.String()
		}
	}
	get := func(r []string, h string) string {
		if i := col[h]; i < len(r) {
			return r[i]
		}
		return ""
	}
	num := func(r []string, h string) float64 {
		v, err := strconv.ParseFloat(get(r, h), 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	b.WriteString("`make peers` (bench/peers) trains seed3, xor and celsius from the same start with the same settings in Go " +
		"(the suite's own optimizers) and in reference implementations: the tutorial's numpy loop, FANN 2.2 (double), " +
		"PyTorch (float64, one thread), DEAP and a plain C loop doing seed3's backprop arithmetic. Go and each peer run " +
		"interleaved in one process tree, each time the median of 3 timed runs of the training loop only. " +
		"Go/peer below 1 means Go is faster. The last column is the largest difference of the parameters over the first " +
		"K iterations, relative to max(1, |θ|); FANN differs by design where noted in bench/peers/README.md " +
		"(bias neurons, clipped sigmoid derivative, its Rprop rule), DEAP's GA draws other random numbers.\n\n")
	b.WriteString("| problem | optimizer | peer | Go ns/iter | peer ns/iter | Go/peer | goal | final loss Go / peer | param. diff, first K |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---|---:|---:|\n")
	met, missed := 0, []string{}
	versions := map[string]string{}
	var peerOrder []string
	for _, r := range recs[1:] {
		problem, opt, peer := get(r, "problem"), get(r, "optimizer"), get(r, "peer")
		if _, ok := versions[peer]; !ok {
			peerOrder = append(peerOrder, peer)
		}
		versions[peer] = get(r, "peer_version")
		ratio := num(r, "go_over_peer")
		maxRatio, goal := peerGoal(problem, opt, peer)
		if maxRatio > 0 {
			if ratio <= maxRatio {
				goal += " met"
				met++
			} else {
				goal += " **missed**"
				missed = append(missed, fmt.Sprintf("%s %s vs %s (%.2g)", problem, opt, peer, ratio))
			}
		}
		d := fmt.Sprintf("%.1e (K=%s)", num(r, "max_rel_diff_k"), get(r, "k"))
		if peer == "deap" {
			d = "– (random)"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s | %.3g | %s | %s / %s | %s |\n", problem, opt, peer,
			peerNs(num(r, "go_ns_per_iter")), peerNs(num(r, "peer_ns_per_iter")), ratio, goal,
			fmtG(num(r, "go_final_loss")), fmtG(num(r, "peer_final_loss")), d)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Speed goals met: %d of %d.", met, met+len(missed))
	if len(missed) > 0 {
		fmt.Fprintf(&b, " Missed: %s (see bench/peers/README.md for where the time goes).", strings.Join(missed, "; "))
	}
	b.WriteString(" Versions: ")
	for i, p := range peerOrder {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s — %s", p, versions[p])
	}
	b.WriteString(".\n\n")
	png := filepath.Join(filepath.Dir(path), "peers-time.png")
	if _, err := os.Stat(png); err == nil {
		rel, err := filepath.Rel(dir, png)
		if err != nil {
			rel = png
		}
		fmt.Fprintf(&b, "![Time per iteration, Go vs reference implementations](%s)\n\n*Time per epoch (per generation for the GA), "+
			"median of 3 timed runs, log scale; one group per problem and optimizer.*\n\n", filepath.ToSlash(rel))
	}
	return b.String()
}

// peerNs formats nanoseconds per iteration: "86 ns", "8.0 µs", "1.4 ms".
func peerNs(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	}
	return fmt.Sprintf("%.3g ns", ns)
}
