package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

// The scaling comparison (issue 12): one full-batch backprop epoch of a
// samples × inputs → hidden tanh → outputs sigmoid network (biases in both
// layers) on random data, Go against PyTorch and numpy, one thread each.
// Go's epoch is the suite's backprop Step (Grad, then the update); torch's
// zero_grad, forward, mse_loss, backward and SGD.step; numpy's the
// tutorial's loop with tanh. All start from the same parameters on the same
// data and report the loss after their epochs, which must agree.

// A size is a network shape of the scaling comparison.
type size struct{ n, in, hidden, out int }

func (s size) String() string { return fmt.Sprintf("%dx%d-%d-%d", s.n, s.in, s.hidden, s.out) }

// weights returns the number of weights (biases aside).
func (s size) weights() int { return s.in*s.hidden + s.hidden*s.out }

// flops is 6·N·weights: two flops per weight and sample in each of the
// forward product, the backward product and the weight gradient (issue 12's
// convention; no side computes the input layer's backward product, so the
// flops done are 4·N·W₁ + 6·N·W₂).
func (s size) flops() float64 { return 6 * float64(s.n) * float64(s.weights()) }

func parseSize(t string) (size, error) {
	var s size
	_, err := fmt.Sscanf(t, "%dx%d-%d-%d", &s.n, &s.in, &s.hidden, &s.out)
	if err != nil || s.String() != t || s.n < 1 || s.in < 1 || s.hidden < 1 || s.out < 1 {
		return s, fmt.Errorf("bad size %q, want NxIN-HIDDEN-OUT such as 1797x64-128-10", t)
	}
	return s, nil
}

// scaleLR is the learning rate of the scaling epochs.
const scaleLR = 0.1

// epochs returns the number of epochs per timed run: about 2 GFlop of
// gradients, between 5 and 2000 epochs.
func (s size) epochs() int { return int(min(2000, max(5, math.Round(2e9/s.flops())))) }

// data returns the network, random data (inputs uniform in [−1, 1],
// targets 0 or 1) and Glorot-uniform weights with zero biases, from
// PCG(12, 0): optim's BenchmarkGrad/size= draws the same.
func (s size) data() (optim.Network, optim.Dataset, []float64) {
	rnd := rand.New(rand.NewPCG(12, 0))
	net := optim.Network{In: s.in, Layers: []optim.Layer{{Out: s.hidden, Act: optim.Tanh, Bias: true}, {Out: s.out, Act: optim.Sigmoid, Bias: true}}}
	d := optim.Dataset{N: s.n, X: make([]float64, s.n*s.in), Y: make([]float64, s.n*s.out)}
	for i := range d.X {
		d.X[i] = 2*rnd.Float64() - 1
	}
	for i := range d.Y {
		d.Y[i] = float64(rnd.IntN(2))
	}
	x := make([]float64, net.Dim())
	off, fanIn := 0, s.in
	for _, l := range net.Layers {
		r := math.Sqrt(6 / float64(fanIn+l.Out))
		for i := range l.Out * fanIn {
			x[off+i] = r * (2*rnd.Float64() - 1)
		}
		off += l.Out*fanIn + l.Out
		fanIn = l.Out
	}
	return net, d, x
}

// ScaleSpec is what the Python peers read for the scaling comparison
// (mode "scale"): the data and start as raw little-endian float64 files.
type ScaleSpec struct {
	Mode     string   `json:"mode"` // "scale"
	Size     string   `json:"size"`
	N        int      `json:"n"`
	Sizes    []int    `json:"sizes"`
	Acts     []string `json:"acts"`
	Bias     []int    `json:"bias"`
	XFile    string   `json:"x_file"`
	YFile    string   `json:"y_file"`
	InitFile string   `json:"init_file"`
	LR       float64  `json:"lr"`
	Epochs   int      `json:"epochs"`
	Runs     int      `json:"runs"`
}

// ScaleResult is a scaling peer's line.
type ScaleResult struct {
	Peer       string    `json:"peer"`
	Version    string    `json:"version"`
	Size       string    `json:"size"`
	Epochs     int       `json:"epochs"`
	NsPerEpoch float64   `json:"ns_per_epoch"`
	NsRuns     []float64 `json:"ns_runs"`
	FinalLoss  float64   `json:"final_loss"`
}

type scaleRow struct {
	size size
	goNs []float64
	peer *ScaleResult
	goL  float64 // Go's loss after the epochs
}

func writeFloats(path string, xs []float64) error {
	b := make([]byte, 8*len(xs))
	for i, v := range xs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return bench.WriteFileAtomic(path, b)
}

func makeScaleSpec(dir string, s size) (*ScaleSpec, error) {
	net, d, x := s.data()
	base := filepath.Join(dir, "size-"+s.String())
	spec := &ScaleSpec{Mode: "scale", Size: s.String(), N: s.n, Sizes: []int{s.in, s.hidden, s.out},
		Acts: []string{"tanh", "sigmoid"}, Bias: []int{1, 1}, XFile: base + "-x.f64", YFile: base + "-y.f64",
		InitFile: base + "-init.f64", LR: scaleLR, Epochs: s.epochs(), Runs: timedRuns}
	if net.Dim() != len(x) {
		return nil, fmt.Errorf("size %s: %d parameters, want %d", s, len(x), net.Dim())
	}
	for _, f := range []struct {
		path string
		v    []float64
	}{{spec.XFile, d.X}, {spec.YFile, d.Y}, {spec.InitFile, x}} {
		if err := writeFloats(f.path, f.v); err != nil {
			return nil, err
		}
	}
	data, _ := json.MarshalIndent(spec, "", " ")
	return spec, bench.WriteFileAtomic(base+".json", append(data, '\n'))
}

// goScale returns the ns per epoch of timedRuns runs of the suite's
// backprop (lr = scaleLR) on size s, each of s.epochs() Steps from the
// start (Init untimed), and the loss after them.
func goScale(s size) ([]float64, float64, error) {
	net, d, x0 := s.data()
	m, err := optim.LookupMethod("backprop")
	if err != nil {
		return nil, 0, err
	}
	obj, err := optim.NewMSE(net, d)
	if err != nil {
		return nil, 0, err
	}
	var ns []float64
	loss := math.NaN()
	for range timedRuns {
		o, err := m.New(map[string]float64{"lr": scaleLR})
		if err != nil {
			return nil, 0, err
		}
		x := append([]float64(nil), x0...)
		if _, err := o.Init(obj, x, rand.New(rand.NewPCG(1, 1))); err != nil {
			return nil, 0, err
		}
		t0 := time.Now()
		for range s.epochs() {
			if _, err := o.Step(x); err != nil {
				return nil, 0, err
			}
		}
		ns = append(ns, float64(time.Since(t0).Nanoseconds())/float64(s.epochs()))
		loss = obj.Loss(x)
	}
	return ns, loss, nil
}

func runScalePeer(c config, script, spec string) (*ScaleResult, error) {
	raw, err := execPeer(c, &peer{script: script}, spec)
	if err != nil {
		return nil, err
	}
	var res ScaleResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("bad output line: %v", err)
	}
	return &res, nil
}

// runScale runs the scaling comparison for sizes, interleaved (Go, torch,
// Go, numpy), writes scale.csv into c.out and prints the table.
func runScale(w io.Writer, c config, sizes []size) error {
	dir := filepath.Join(os.TempDir(), "optbench-peers-scale")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var rows []scaleRow
	for _, s := range sizes {
		spec, err := makeScaleSpec(dir, s)
		if err != nil {
			return err
		}
		specPath := filepath.Join(dir, "size-"+s.String()+".json")
		for _, script := range []string{"torch_peer.py", "numpy_loop.py"} {
			goNs, goL, err := goScale(s)
			if err != nil {
				return fmt.Errorf("go size=%s: %w", s, err)
			}
			res, err := runScalePeer(c, script, specPath)
			if err != nil {
				return fmt.Errorf("%s size=%s: %w", script, s, err)
			}
			r := scaleRow{size: s, goNs: goNs, peer: res, goL: goL}
			rows = append(rows, r)
			fmt.Fprintf(w, "size=%-20s go %9s/epoch %6.1f GFlop/s  %-6s %9s/epoch  go/peer %.3g  loss after %d epochs: go %.17g %s %.17g\n",
				s, fmtNs(median(goNs)), s.flops()/median(goNs), res.Peer, fmtNs(res.NsPerEpoch), median(goNs)/res.NsPerEpoch,
				spec.Epochs, goL, res.Peer, res.FinalLoss)
		}
	}
	if err := bench.WriteFileAtomic(filepath.Join(c.out, "scale.csv"), scaleCSV(rows)); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", filepath.Join(c.out, "scale.csv"))
	scaleMarkdown(w, rows)
	return nil
}

// ScaleCSVHeader is the header of scale.csv.
var ScaleCSVHeader = []string{"size", "peer", "peer_version", "go_version", "epochs", "go_ns_per_epoch",
	"peer_ns_per_epoch", "go_over_peer", "go_gflops", "peer_gflops", "go_final_loss", "peer_final_loss",
	"go_ns_runs", "peer_ns_runs"}

func scaleCSV(rows []scaleRow) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(ScaleCSVHeader, ",") + "\n")
	for _, r := range rows {
		goNs := median(r.goNs)
		f := []string{r.size.String(), r.peer.Peer, r.peer.Version, runtime.Version(), strconv.Itoa(r.peer.Epochs),
			g(goNs), g(r.peer.NsPerEpoch), g(goNs / r.peer.NsPerEpoch), g(r.size.flops() / goNs),
			g(r.size.flops() / r.peer.NsPerEpoch), g(r.goL), g(r.peer.FinalLoss), joinFloats(r.goNs), joinFloats(r.peer.NsRuns)}
		for i, s := range f {
			if strings.ContainsAny(s, ",\"\n") {
				f[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return b.Bytes()
}

// scaleMarkdown prints the scaling table for bench/peers/README.md.
func scaleMarkdown(w io.Writer, rows []scaleRow) {
	fmt.Fprintf(w, "\n| size (N × in → hidden tanh → out sigmoid) | peer | Go ms/epoch | Go GFlop/s | peer ms/epoch | peer GFlop/s | Go/peer | loss rel. diff |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		goNs := median(r.goNs)
		fmt.Fprintf(w, "| %s | %s | %.4g | %.3g | %.4g | %.3g | %.3g | %.1e |\n", r.size, r.peer.Peer, goNs/1e6,
			r.size.flops()/goNs, r.peer.NsPerEpoch/1e6, r.size.flops()/r.peer.NsPerEpoch, goNs/r.peer.NsPerEpoch,
			math.Abs(r.goL-r.peer.FinalLoss)/math.Abs(r.goL))
	}
}
