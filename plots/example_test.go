package plots_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot/vg"

	"github.com/optbench/optbench/plots"
)

func ExampleConvergence() {
	bands := []plots.Band{
		{
			Name:   "rprop+",
			X:      []float64{0, 1, 10, 100, 1000},
			Median: []float64{1, 0.5, 1e-4, 1e-12, 0}, // x=0 cannot go on a log axis; loss 0 goes to the "= 0" strip
			Q1:     []float64{1, 0.4, 1e-5, 1e-14, 0},
			Q3:     []float64{1, 0.6, 1e-3, 1e-10, 1e-30},
		},
		{
			Name:   "backprop",
			X:      []float64{1, 10, 100, 1000},
			Median: []float64{0.9, 0.5, math.NaN(), 0.05},
		},
	}
	p, note, err := plots.Convergence("XOR training loss", "iterations", "MSE", bands)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	fmt.Printf("x: %g..%g, y: %.2g..%g\n", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	fmt.Println(note.Dropped, "dropped:", note.Text)

	dir, err := os.MkdirTemp("", "plots-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := plots.Save(p, 16*vg.Centimeter, 10*vg.Centimeter, filepath.Join(dir, "convergence.png")); err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved")
	// Output:
	// XOR training loss
	// x: 1..1000, y: 3.2e-35..1
	// 3 dropped: 2 median points with non-positive or non-finite values not drawn (log-log axes): rprop+ 1, backprop 1; 1 quartile point with non-positive or non-finite X, Q1 or Q3 not shaded (log-log axes): rprop+ 1
	// saved
}

func ExampleStyle() {
	for _, name := range []string{"backprop", "irprop+", "GA"} {
		l := plots.Style(name)
		fmt.Printf("%-8s #%02X%02X%02X dashed=%v\n", name, l.Color.R, l.Color.G, l.Color.B, l.Dashes != nil)
	}
	fmt.Println("unknown names are dashed:", plots.Style("lbfgs").Dashes != nil)
	// Output:
	// backprop #E69F00 dashed=false
	// irprop+  #0072B2 dashed=false
	// GA       #CC79A7 dashed=false
	// unknown names are dashed: true
}
