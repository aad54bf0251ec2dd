// Command run puts optbench's optimizers side by side with reference
// implementations (bench/peers): the tutorial's numpy loop, FANN 2.2
// (double), PyTorch, DEAP and a plain C speed-of-light loop.
//
// For seed3, xor and celsius and for backprop, irprop- and ga it writes a
// JSON spec (data, network, initial parameters, settings, iterations) to
// results/peers/spec/, builds the C peers with gcc -O2, and runs Go and the
// peers interleaved — Go, peer, Go, peer, … — so that every ratio compares
// two measurements taken moments apart. Go's figures come from the suite's
// own optimizers (optim.Methods with the problem's default settings), timing
// only the Step loop; every implementation reports the median of 3 timed
// runs of the same number of iterations from the same start.
//
// Then, for the network sizes of -sizes (N×in→hidden tanh→out sigmoid on
// random data), it times one backprop epoch of the suite's optimizer against
// a PyTorch SGD epoch and the numpy loop, interleaved, one thread each
// (scale.go), into results/peers/scale.csv; -problems "" runs only that.
//
// Outputs: results/peers/peers.csv (one row per problem × optimizer × peer),
// results/peers/peers.jsonl (the peers' raw lines), results/peers/peers-time.png
// and the reference trajectories optim/testdata/peers/*.json that
// optim/peers_test.go checks. Run from the module root (make peers does).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	_ "github.com/optbench/optbench/optim/catalog" // the built-in problems and optimizers
	"github.com/optbench/optbench/plots"
)

func main() {
	if err := run(os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// The tutorial's initial weights: numpy.random.seed(1); 2*random((3,1)) − 1.
var tutorialInit = []float64{-0.165955990594852, 0.4406489868843162, -0.9997712503653102}

const (
	timedRuns = 3   // timed runs per implementation; the median is reported
	minRunNs  = 5e7 // a timed run repeats the training from the start until its loops took ≥ 50 ms
	recordK   = 100 // parameters recorded after every one of the first K iterations
	initSeed  = 1   // PCG seed of the xor and celsius starts (stream 0, as bench uses)
	gaSeed    = 1   // seed of the GA's random stream (Go: PCG stream 1; DEAP: random.seed)
)

// A peer is one reference program.
type peer struct {
	name   string
	opts   []string // optimizers it implements
	script string   // Python script in bench/peers, or "" for a C binary
	src    string   // C source in bench/peers
	only   string   // problem it is limited to, or ""
	cflags []string
	bin    string // built binary
}

func peers() []*peer {
	return []*peer{
		{name: "c-loop", opts: []string{"backprop"}, src: "sol.c", only: "seed3", cflags: []string{"-lm"}},
		{name: "fann", opts: []string{"backprop", "irprop-"}, src: "fann_peer.c", cflags: []string{"-ldoublefann", "-lm"}},
		{name: "numpy", opts: []string{"backprop"}, script: "numpy_loop.py"},
		{name: "torch", opts: []string{"backprop", "irprop-"}, script: "torch_peer.py"},
		{name: "deap", opts: []string{"ga"}, script: "deap_peer.py"},
	}
}

func (p *peer) does(problem, optimizer string) bool {
	if p.only != "" && p.only != problem {
		return false
	}
	for _, o := range p.opts {
		if o == optimizer {
			return true
		}
	}
	return false
}

// Spec is what every peer reads: one flat JSON object (the C reader in
// bench/peers/spec.h needs unique keys and flat values).
type Spec struct {
	Problem     string    `json:"problem"`
	Optimizer   string    `json:"optimizer"`
	N           int       `json:"n"`
	NIn         int       `json:"n_in"`
	NOut        int       `json:"n_out"`
	X           []float64 `json:"x"`
	Y           []float64 `json:"y"`
	Sizes       []int     `json:"sizes"` // inputs, then neurons per layer
	Acts        []string  `json:"acts"`  // per layer
	Bias        []int     `json:"bias"`  // per layer, 1 when it has biases
	Init        []float64 `json:"init"`  // optbench layout: per layer W (out×in) row-major, then b
	Iterations  int       `json:"iterations"`
	K           int       `json:"k"`
	Checkpoints []int     `json:"checkpoints"`
	Runs        int       `json:"runs"`
	// MinRunNs: a timed run trains from the start again and again until its
	// training loops (only they are timed) add up to at least this time;
	// ns per iteration = loop time / iterations done.
	MinRunNs float64 `json:"min_run_ns"`
	// Settings, in optbench's units (η on the MSE without ½).
	LR         *float64 `json:"lr,omitempty"`
	Momentum   *float64 `json:"momentum,omitempty"`
	EtaPlus    *float64 `json:"eta_plus,omitempty"`
	EtaMinus   *float64 `json:"eta_minus,omitempty"`
	Delta0     *float64 `json:"delta0,omitempty"`
	DeltaMin   *float64 `json:"delta_min,omitempty"`
	DeltaMax   *float64 `json:"delta_max,omitempty"`
	Population *int     `json:"population,omitempty"`
	Elite      *int     `json:"elite,omitempty"`
	Tournament *int     `json:"tournament,omitempty"`
	Crossover  *float64 `json:"crossover,omitempty"`
	Alpha      *float64 `json:"alpha,omitempty"`
	Mutation   *float64 `json:"mutation,omitempty"`
	Sigma      *float64 `json:"sigma,omitempty"`
	InitRange  *float64 `json:"init_range,omitempty"`
	Seed       *int     `json:"seed,omitempty"`

	settings map[string]float64 // optbench's names, defaults filled in
}

// Result is one line printed by a peer (or made for Go).
type Result struct {
	Peer             string      `json:"peer"`
	Version          string      `json:"version"`
	Problem          string      `json:"problem"`
	Optimizer        string      `json:"optimizer"`
	Iterations       int         `json:"iterations"`
	NsPerIter        float64     `json:"ns_per_iter"`
	NsRuns           []float64   `json:"ns_runs"`
	FinalLoss        float64     `json:"final_loss"`
	FinalParams      []float64   `json:"final_params"`
	ParamsAfterK     [][]float64 `json:"params_after_k"`
	CheckpointIters  []int       `json:"checkpoint_iters"`
	CheckpointParams [][]float64 `json:"checkpoint_params"`
	FannExtraWeights []float64   `json:"fann_extra_weights,omitempty"`
	Notes            []string    `json:"notes"`
}

type config struct {
	out, testdata, python, cc string
	problems                  []string
	quick                     bool
}

func run(w, wErr io.Writer, args []string) error {
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.SetOutput(wErr)
	var c config
	var problems string
	fs.StringVar(&c.out, "out", filepath.Join("results", "peers"), "output folder")
	fs.StringVar(&c.testdata, "testdata", filepath.Join("optim", "testdata", "peers"), "folder of the reference trajectories (empty: do not write)")
	fs.StringVar(&c.python, "python", "/usr/bin/python3", "Python with Debian's numpy, torch and deap")
	fs.StringVar(&c.cc, "cc", "gcc", "C compiler")
	fs.StringVar(&problems, "problems", "seed3,xor,celsius", "comma-separated problems")
	fs.BoolVar(&c.quick, "quick", false, "few iterations, no testdata: a smoke test of the plumbing")
	var sizeList string
	fs.StringVar(&sizeList, "sizes", "194x2-20-1,1797x64-128-10,2000x784-256-10",
		"comma-separated network sizes NxIN-HIDDEN-OUT of the scaling comparison against torch and numpy (empty: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var sizes []size
	if sizeList != "" {
		for _, t := range strings.Split(sizeList, ",") {
			s, err := parseSize(t)
			if err != nil {
				return fmt.Errorf("-sizes: %w", err)
			}
			sizes = append(sizes, s)
		}
	}
	if problems != "" {
		c.problems = strings.Split(problems, ",")
	}
	if c.quick {
		c.testdata = ""
	}
	if _, err := os.Stat(filepath.Join("bench", "peers", "sol.c")); err != nil {
		return errors.New("run from the module root (bench/peers/sol.c not found)")
	}
	for _, d := range []string{c.out, filepath.Join(c.out, "spec")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	ps := peers()
	build, err := os.MkdirTemp("", "optbench-peers-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(build)
	if err := prepare(w, c, ps, build); err != nil {
		return err
	}

	if len(c.problems) > 0 {
		if err := runProblems(w, c, ps); err != nil {
			return err
		}
	}
	if len(sizes) > 0 {
		return runScale(w, c, sizes)
	}
	return nil
}

// runProblems compares the optimizers on c.problems with the peers ps.
func runProblems(w io.Writer, c config, ps []*peer) error {
	var rows []row
	var lines [][]byte
	for _, pname := range c.problems {
		prob, err := optim.LookupProblem(pname)
		if err != nil {
			return err
		}
		for _, oname := range []string{"backprop", "irprop-", "ga"} {
			spec, err := makeSpec(prob, oname, c.quick)
			if err != nil {
				return err
			}
			specPath := filepath.Join(c.out, "spec", pname+"-"+oname+".json")
			data, _ := json.MarshalIndent(spec, "", " ")
			if err := bench.WriteFileAtomic(specPath, append(data, '\n')); err != nil {
				return err
			}
			goRes, err := goTrajectory(prob, spec)
			if err != nil {
				return fmt.Errorf("go %s %s: %w", pname, oname, err)
			}
			for _, p := range ps {
				if !p.does(pname, oname) {
					continue
				}
				// Interleaved: Go's timed runs, then the peer's, moments apart.
				goNs, err := goTime(prob, spec)
				if err != nil {
					return fmt.Errorf("go %s %s: %w", pname, oname, err)
				}
				res, raw, err := runPeer(c, p, specPath)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", p.name, pname, oname, err)
				}
				lines = append(lines, raw)
				r := row{spec: spec, peer: res, goNs: goNs, goRes: goRes}
				rows = append(rows, r)
				fmt.Fprintf(w, "%-8s %-9s %-7s go %9s  %-6s %9s  go/peer %.3g  max diff (first %d) %.2g\n",
					pname, oname, "", fmtNs(median(goNs)), p.name, fmtNs(res.NsPerIter), median(goNs)/res.NsPerIter,
					spec.K, r.maxDiffK())
				if c.testdata != "" && p.name != "deap" {
					if err := writeTestdata(c.testdata, spec, res); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := bench.WriteFileAtomic(filepath.Join(c.out, "peers.csv"), csvBytes(rows)); err != nil {
		return err
	}
	if err := bench.WriteFileAtomic(filepath.Join(c.out, "peers.jsonl"), bytes.Join(lines, nil)); err != nil {
		return err
	}
	if err := chart(filepath.Join(c.out, "peers-time.png"), rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s, %s, %s\n", filepath.Join(c.out, "peers.csv"), filepath.Join(c.out, "peers.jsonl"),
		filepath.Join(c.out, "peers-time.png"))
	markdown(w, rows)
	return nil
}

// prepare checks the Python packages and builds the C peers into dir.
func prepare(w io.Writer, c config, ps []*peer, dir string) error {
	var missing []string
	mods := []string{"numpy", "torch", "deap"}
	if len(c.problems) == 0 {
		mods = mods[:2] // the scaling comparison alone
	}
	for _, mod := range mods {
		cmd := exec.Command(c.python, "-c", "import "+mod)
		cmd.Env = peerEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			missing = append(missing, fmt.Sprintf("%s cannot import %s (%v: %s)", c.python, mod, err, firstLine(out)))
		}
	}
	fannVersion := dpkgVersion("libfann-dev")
	for _, p := range ps {
		if p.src == "" || len(c.problems) == 0 {
			continue
		}
		p.bin = filepath.Join(dir, strings.TrimSuffix(p.src, ".c"))
		args := []string{"-O2", "-o", p.bin, filepath.Join("bench", "peers", p.src)}
		if p.name == "fann" && fannVersion != "" {
			args = append(args, "-DFANN_PKG=\""+fannVersion+"\"")
		}
		args = append(args, p.cflags...)
		cmd := exec.Command(c.cc, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			missing = append(missing, fmt.Sprintf("%s %s: %v\n%s", c.cc, strings.Join(args, " "), err, out))
			continue
		}
		fmt.Fprintf(w, "built %s (%s %s)\n", p.name, c.cc, strings.Join(args, " "))
	}
	if len(missing) > 0 {
		return fmt.Errorf("peers unavailable (make peers installs python3-numpy python3-torch python3-deap libfann-dev):\n  %s",
			strings.Join(missing, "\n  "))
	}
	return nil
}

func dpkgVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// peerEnv pins BLAS and OpenMP to one thread and keeps Python from
// writing __pycache__ into bench/peers.
func peerEnv() []string {
	return append(os.Environ(), "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1",
		"PYTHONDONTWRITEBYTECODE=1")
}

// iterations per optimizer: 10000 epochs (the tutorial's count) for the
// gradient methods, 200 generations for the GA.
func iterations(optimizer string, quick bool) int {
	n := 10000
	if optimizer == "ga" {
		n = 200
	}
	if quick {
		n /= 50
	}
	return n
}

// checkpoints returns the recorded iterations after the first k: every 10
// up to 1000, then every 100.
func checkpoints(k, n int) []int {
	c := []int{}
	for i := k + 1; i <= n; i++ {
		if (i <= 1000 && i%10 == 0) || i%100 == 0 {
			c = append(c, i)
		}
	}
	if len(c) == 0 || c[len(c)-1] != n {
		if n > k {
			c = append(c, n)
		}
	}
	return c
}

// settings returns m's settings on p with defaults filled in.
func settings(p *optim.Problem, m optim.Method) (map[string]float64, error) {
	set, err := bench.ResolveSettings(p, m, nil)
	if err != nil {
		return nil, err
	}
	full := map[string]float64{}
	for _, prm := range m.Params {
		full[prm.Name] = prm.Default
	}
	for k, v := range set {
		full[k] = v
	}
	return full, nil
}

func makeSpec(p *optim.Problem, optimizer string, quick bool) (*Spec, error) {
	m, err := optim.LookupMethod(optimizer)
	if err != nil {
		return nil, err
	}
	set, err := settings(p, m)
	if err != nil {
		return nil, err
	}
	s := &Spec{Problem: p.Name, Optimizer: optimizer, N: p.Data.N, NIn: p.Net.In, NOut: p.Net.Out(),
		X: p.Data.X, Y: p.Data.Y, Sizes: []int{p.Net.In}, Runs: timedRuns, MinRunNs: minRunNs, settings: set}
	for _, l := range p.Net.Layers {
		s.Sizes = append(s.Sizes, l.Out)
		s.Acts = append(s.Acts, l.Act.String())
		b := 0
		if l.Bias {
			b = 1
		}
		s.Bias = append(s.Bias, b)
	}
	s.Init = make([]float64, p.Dim())
	if p.Name == "seed3" {
		copy(s.Init, tutorialInit)
	} else {
		p.InitParams(s.Init, rand.New(rand.NewPCG(initSeed, 0)))
	}
	s.Iterations = iterations(optimizer, quick)
	s.K = min(recordK, s.Iterations)
	s.Checkpoints = checkpoints(s.K, s.Iterations)
	f := func(k string) *float64 { v := set[k]; return &v }
	i := func(k string) *int { v := int(set[k]); return &v }
	switch optimizer {
	case "backprop":
		s.LR, s.Momentum = f("lr"), f("momentum")
	case "irprop-":
		s.EtaPlus, s.EtaMinus, s.Delta0 = f("eta+"), f("eta-"), f("delta0")
		s.DeltaMin, s.DeltaMax = f("delta-min"), f("delta-max")
	case "ga":
		s.Population, s.Elite, s.Tournament = i("population"), i("elite"), i("tournament")
		s.Crossover, s.Alpha, s.Mutation = f("crossover"), f("alpha"), f("mutation")
		s.Sigma, s.InitRange = f("sigma"), f("init-range")
		seed := gaSeed
		s.Seed = &seed
	default:
		return nil, fmt.Errorf("no peers for optimizer %s", optimizer)
	}
	return s, nil
}

// newOptimizer returns the suite's optimizer for spec, initialized at a
// copy of the spec's start.
func newOptimizer(p *optim.Problem, spec *Spec) (optim.Optimizer, *optim.MSE, []float64, error) {
	m, err := optim.LookupMethod(spec.Optimizer)
	if err != nil {
		return nil, nil, nil, err
	}
	o, err := m.New(spec.settings)
	if err != nil {
		return nil, nil, nil, err
	}
	obj := p.Objective()
	x := append([]float64(nil), spec.Init...)
	if _, err := o.Init(obj, x, rand.New(rand.NewPCG(uint64(gaSeed), 1))); err != nil {
		return nil, nil, nil, err
	}
	return o, obj, x, nil
}

// goTrajectory runs the Go optimizer once, recording like the peers.
func goTrajectory(p *optim.Problem, spec *Spec) (*Result, error) {
	o, obj, x, err := newOptimizer(p, spec)
	if err != nil {
		return nil, err
	}
	r := &Result{Peer: "go", Version: runtime.Version(), Problem: spec.Problem, Optimizer: spec.Optimizer,
		Iterations: spec.Iterations, CheckpointIters: spec.Checkpoints}
	c := 0
	for it := 1; it <= spec.Iterations; it++ {
		if _, err := o.Step(x); err != nil {
			return nil, fmt.Errorf("iteration %d: %w", it, err)
		}
		if it <= spec.K {
			r.ParamsAfterK = append(r.ParamsAfterK, append([]float64(nil), x...))
		}
		if c < len(spec.Checkpoints) && spec.Checkpoints[c] == it {
			r.CheckpointParams = append(r.CheckpointParams, append([]float64(nil), x...))
			c++
		}
	}
	r.FinalParams = x
	r.FinalLoss = obj.Loss(x)
	return r, nil
}

// goTime returns the ns per iteration of spec.Runs timed runs. A timed run
// trains from the start (a fresh optimizer, Init untimed) and times the
// loop of spec.Iterations Steps, again and again until the loops add up to
// spec.MinRunNs.
func goTime(p *optim.Problem, spec *Spec) ([]float64, error) {
	var ns []float64
	for range spec.Runs {
		var loop time.Duration
		iters := 0
		for float64(loop.Nanoseconds()) < spec.MinRunNs {
			o, _, x, err := newOptimizer(p, spec)
			if err != nil {
				return nil, err
			}
			n := spec.Iterations
			t0 := time.Now()
			for range n {
				if _, err := o.Step(x); err != nil {
					return nil, err
				}
			}
			loop += time.Since(t0)
			iters += n
		}
		ns = append(ns, float64(loop.Nanoseconds())/float64(iters))
	}
	return ns, nil
}

func runPeer(c config, p *peer, spec string) (*Result, []byte, error) {
	out, err := execPeer(c, p, spec)
	if err != nil {
		return nil, nil, err
	}
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, nil, fmt.Errorf("bad output line: %v", err)
	}
	return &r, append(out, '\n'), nil
}

// execPeer runs peer p on spec and returns its output line.
func execPeer(c config, p *peer, spec string) ([]byte, error) {
	var cmd *exec.Cmd
	if p.script != "" {
		cmd = exec.Command(c.python, filepath.Join("bench", "peers", p.script), spec)
	} else {
		cmd = exec.Command(p.bin, spec)
	}
	cmd.Env = peerEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return bytes.TrimSpace(out), nil
}

type row struct {
	spec  *Spec
	peer  *Result
	goNs  []float64
	goRes *Result
}

// maxDiffK is the largest difference between Go's and the peer's
// parameters after each of the first K iterations, relative to
// max(1, |Go's value|).
func (r row) maxDiffK() float64 {
	d := 0.0
	for i, g := range r.goRes.ParamsAfterK {
		if i >= len(r.peer.ParamsAfterK) {
			return math.Inf(1)
		}
		pp := r.peer.ParamsAfterK[i]
		for j := range g {
			if j >= len(pp) {
				return math.Inf(1)
			}
			e := math.Abs(g[j]-pp[j]) / math.Max(1, math.Abs(g[j]))
			if !(e <= d) {
				d = e
			}
		}
	}
	return d
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.3gms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3gµs", ns/1e3)
	}
	return fmt.Sprintf("%.3gns", ns)
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func joinFloats(xs []float64) string {
	var s []string
	for _, x := range xs {
		s = append(s, strconv.FormatFloat(x, 'f', 1, 64))
	}
	return strings.Join(s, ";")
}

// CSVHeader is the header of peers.csv, which report/peers.go reads.
var CSVHeader = []string{"problem", "optimizer", "peer", "peer_version", "go_version", "iterations",
	"go_ns_per_iter", "peer_ns_per_iter", "go_over_peer", "go_final_loss", "peer_final_loss",
	"k", "max_rel_diff_k", "go_ns_runs", "peer_ns_runs"}

func csvBytes(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(CSVHeader, ",") + "\n")
	for _, r := range rows {
		goNs := median(r.goNs)
		f := []string{r.spec.Problem, r.spec.Optimizer, r.peer.Peer, r.peer.Version, runtime.Version(),
			strconv.Itoa(r.spec.Iterations), g(goNs), g(r.peer.NsPerIter), g(goNs / r.peer.NsPerIter),
			g(r.goRes.FinalLoss), g(r.peer.FinalLoss), strconv.Itoa(r.spec.K), g(r.maxDiffK()),
			joinFloats(r.goNs), joinFloats(r.peer.NsRuns)}
		for i, s := range f {
			if strings.ContainsAny(s, ",\"\n") {
				f[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return b.Bytes()
}

func chart(path string, rows []row) error {
	var groups []string
	index := map[string]int{}
	goVals := map[int][]float64{}
	peerVals := map[string]map[int]float64{}
	var names []string
	for _, r := range rows {
		key := r.spec.Problem + " " + r.spec.Optimizer
		gi, ok := index[key]
		if !ok {
			gi = len(groups)
			index[key] = gi
			groups = append(groups, key)
		}
		goVals[gi] = append(goVals[gi], r.goNs...)
		if peerVals[r.peer.Peer] == nil {
			peerVals[r.peer.Peer] = map[int]float64{}
			names = append(names, r.peer.Peer)
		}
		peerVals[r.peer.Peer][gi] = r.peer.NsPerIter
	}
	mk := func(name string, v func(int) (float64, bool)) plots.PeerSeries {
		s := plots.PeerSeries{Name: name, Values: make([]float64, len(groups))}
		for i := range groups {
			s.Values[i] = math.NaN()
			if x, ok := v(i); ok {
				s.Values[i] = x
			}
		}
		return s
	}
	series := []plots.PeerSeries{mk("go", func(i int) (float64, bool) { v, ok := goVals[i]; return median(v), ok })}
	for _, n := range names {
		series = append(series, mk(n, func(i int) (float64, bool) { v, ok := peerVals[n][i]; return v, ok }))
	}
	p, _, err := plots.PeerTimes("Time per iteration: Go vs reference implementations (median of 3, log scale)",
		"ns per epoch or generation", groups, series)
	if err != nil {
		return err
	}
	return plots.Save(p, 26*vg.Centimeter, 11*vg.Centimeter, path)
}

// markdown prints the speed table for bench/peers/README.md.
func markdown(w io.Writer, rows []row) {
	fmt.Fprintf(w, "\n| problem | optimizer | peer | Go ns/iter | peer ns/iter | Go/peer | max rel. diff, first K |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		goNs := median(r.goNs)
		diff := "–"
		if r.peer.Peer != "deap" {
			diff = fmt.Sprintf("%.1e", r.maxDiffK())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.4g | %.4g | %.3g | %s |\n", r.spec.Problem, r.spec.Optimizer, r.peer.Peer,
			goNs, r.peer.NsPerIter, goNs/r.peer.NsPerIter, diff)
	}
}

// Testdata is a peer's recorded trajectory with what is needed to replay
// it in Go: optim/peers_test.go reads these files.
type Testdata struct {
	Peer             string             `json:"peer"`
	Version          string             `json:"version"`
	Problem          string             `json:"problem"`
	Optimizer        string             `json:"optimizer"`
	Settings         map[string]float64 `json:"settings"`
	Init             []float64          `json:"init"`
	Iterations       int                `json:"iterations"`
	FinalLoss        float64            `json:"final_loss"`
	FinalParams      []float64          `json:"final_params"`
	FannExtraWeights []float64          `json:"fann_extra_weights,omitempty"`
	Notes            []string           `json:"notes"`
	CheckpointIters  []int              `json:"checkpoint_iters"`
	ParamsAfterK     [][]float64        `json:"params_after_k"`
	CheckpointParams [][]float64        `json:"checkpoint_params"`
}

// writeTestdata writes the peer's trajectory without its timings (so a
// rerun changes the file only when a trajectory changes), one parameter
// vector per line.
func writeTestdata(dir string, spec *Spec, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	t := Testdata{Peer: r.Peer, Version: r.Version, Problem: r.Problem, Optimizer: r.Optimizer, Settings: spec.settings,
		Init: spec.Init, Iterations: r.Iterations, FinalLoss: r.FinalLoss, FinalParams: r.FinalParams,
		FannExtraWeights: r.FannExtraWeights, Notes: r.Notes, CheckpointIters: r.CheckpointIters,
		ParamsAfterK: r.ParamsAfterK, CheckpointParams: r.CheckpointParams}
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	keys := []string{"peer", "version", "problem", "optimizer", "settings", "init", "iterations", "final_loss",
		"final_params", "fann_extra_weights", "notes", "checkpoint_iters", "params_after_k", "checkpoint_params"}
	first := true
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(&b, "%q: ", k)
		if k == "params_after_k" || k == "checkpoint_params" {
			var rows []json.RawMessage
			if err := json.Unmarshal(v, &rows); err != nil {
				return err
			}
			b.WriteString("[\n")
			for i, r := range rows {
				if i > 0 {
					b.WriteString(",\n")
				}
				b.WriteString("  ")
				b.Write(r)
			}
			b.WriteString("\n]")
			continue
		}
		b.Write(v)
	}
	b.WriteString("\n}\n")
	name := fmt.Sprintf("%s_%s_%s.json", r.Peer, r.Problem, r.Optimizer)
	return bench.WriteFileAtomic(filepath.Join(dir, name), b.Bytes())
}
