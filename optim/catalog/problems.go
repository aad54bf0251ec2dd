package catalog

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/dataset"
)

// DefaultProblems are the problems of the default experiment and of an
// experiment that names none, in report order.
var DefaultProblems = []string{"seed3", "celsius", "xor", "parity4", "spirals", "linsep-128x8", "celsius-tf", "teacher", "iris"}

// DefaultFloat32 are the problems of the default experiment that also run
// in float32 (all others run in float64 only), so that the report's
// precision-limit chart shows how far each floor moves with the
// arithmetic.
var DefaultFloat32 = []string{"celsius", "seed3"}

// DefaultBudgets are per-problem iteration budgets of the default
// experiment, for problems whose iterations are expensive or that are
// solved (or stuck) long before the global budget (iris: its Rprop runs
// that reach 1e-12 do so within about 2400 epochs, the others stall by
// 2000; 150 samples make an epoch 30× seed3's).
var DefaultBudgets = map[string]int{
	"parity4":      20000,
	"spirals":      1000,
	"linsep-128x8": 3000,
	"iris":         2000,
	"teacher":      20000,
}

// data holds the real data sets shipped with optbench; data/README.md says
// where each comes from and under which licence.
//
//go:embed data/*.csv
var data embed.FS

// DataSets are the shipped real data sets, registered as problems named
// after their files (iris.csv → "iris") with the default networks given
// here. Their inputs are z-scored (dataset.ZScore), as a user's CSV file's
// are by default.
var DataSets = []struct {
	File, Net, Doc string
}{
	{"iris.csv", "8tanh-3sigmoid", "Fisher's Iris, 150 flowers × 4 measurements, 3 species"},
	{"wine.csv", "8tanh-3sigmoid", "UCI Wine, 178 wines × 13 chemical measurements, 3 cultivars"},
	{"breast_cancer.csv", "8tanh-2sigmoid", "Breast Cancer Wisconsin (Diagnostic), 569 tumours × 30 features, malignant or benign"},
}

// Problems returns the definitions of the built-in problems, in their
// fixed order.
func Problems() []optim.ProblemDef {
	fixed := func(name, doc string, build func() *optim.Problem) optim.ProblemDef {
		return optim.ProblemDef{Name: name, Doc: doc, New: func(string) (*optim.Problem, error) { return build(), nil }}
	}
	defs := []optim.ProblemDef{
		fixed("seed3", "the tutorial's perceptron: 3 → 1 sigmoid, no bias", optim.Seed3),
		fixed("celsius", "Celsius→Fahrenheit: 1 linear neuron with bias; optimum (1.8, 32)", optim.Celsius),
		fixed("xor", "2 → 2 sigmoid → 1 sigmoid, biases", optim.XOR),
		fixed("parity4", "4-bit parity: 4 → 4 sigmoid → 1 sigmoid, biases", optim.Parity4),
		fixed("spirals", "two spirals (Lang & Witbrock 1988): 2 → 20 tanh → 20 tanh → 1 sigmoid", optim.Spirals),
		fixed("linsep-128x8", "seeded linearly separable data, 128 samples × 8 features: 8 → 1 sigmoid", func() *optim.Problem { return optim.LinSep(128, 8, 1) }),
		fixed("celsius-tf", "Celsius→Fahrenheit with the Keras course's rounded data; least-squares optimum", optim.CelsiusTF),
		fixed("teacher", "teacher–student regression: 3 → 2 tanh → 1 linear labels 64 points; optimum at the teacher's weights, loss 0", optim.Teacher),
	}
	for _, d := range DataSets {
		d := d
		name := strings.TrimSuffix(d.File, ".csv")
		defs = append(defs, optim.ProblemDef{Name: name, Doc: d.Doc + ": " + d.Net, New: func(string) (*optim.Problem, error) {
			b, err := data.ReadFile("data/" + d.File)
			if err != nil {
				return nil, fmt.Errorf("catalog: %w", err)
			}
			t, err := dataset.Parse(bytes.Clone(b), d.File, dataset.Options{})
			if err != nil {
				return nil, fmt.Errorf("catalog: %w", err)
			}
			p, err := t.Problem(d.Net)
			if err != nil {
				return nil, fmt.Errorf("catalog: %w", err)
			}
			p.Description = d.Doc
			p.Source = nil // shipped with the code: the fingerprint covers the data
			return p, nil
		}})
	}
	return append(defs, optim.ProblemDef{
		Name:   "linsep-NxF",
		Doc:    "linearly separable data, N samples × F features (e.g. linsep-1000x20): F → 1 sigmoid",
		Prefix: "linsep-",
		New:    linsep,
	})
}

// linsep builds the family linsep-NxF.
func linsep(name string) (*optim.Problem, error) {
	rest := strings.TrimPrefix(name, "linsep-")
	ns, fs, ok := strings.Cut(rest, "x")
	n, err1 := strconv.Atoi(ns)
	f, err2 := strconv.Atoi(fs)
	if ok && err1 == nil && err2 == nil && n >= 2 && f >= 1 && n <= 1<<24 && f <= (1<<24)/n &&
		ns == strconv.Itoa(n) && fs == strconv.Itoa(f) {
		return optim.LinSep(n, f, 1), nil
	}
	return nil, fmt.Errorf("optim: bad problem %q: want linsep-NxF with N ≥ 2 samples, F ≥ 1 features, N·F ≤ 2^24", name)
}

func init() {
	for _, m := range Methods() {
		if err := optim.RegisterMethod(m); err != nil {
			panic(err) // a built-in definition is broken: a bug, caught by every test
		}
	}
	for _, d := range Problems() {
		if err := optim.RegisterProblem(d); err != nil {
			panic(err)
		}
	}
}
