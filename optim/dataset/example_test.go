package dataset_test

import (
	"fmt"
	"log"

	"github.com/optbench/optbench/optim/dataset"
)

func ExampleParse() {
	const data = `length,width,species
1.0,10,cat
2.0,20,dog
3.0,60,cat
`
	t, err := dataset.Parse([]byte(data), "pets.csv", dataset.Options{Scale: dataset.MinMax})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Name, t.N, "samples of", t.Inputs, "->", t.Outputs)
	for i := range t.N {
		fmt.Println(t.X[i*t.In:(i+1)*t.In], t.Y[i*t.Out:(i+1)*t.Out])
	}
	fmt.Println("shift", t.Shift, "scale", t.Scale)

	_, err = dataset.Parse([]byte("length,species\n1.0,cat\ntwo,dog\n"), "pets.csv", dataset.Options{})
	fmt.Println(err)
	// Output:
	// pets 3 samples of [length width] -> [cat dog]
	// [0 0] [1 0]
	// [0.5 0.2] [0 1]
	// [1 1] [1 0]
	// shift [1 10] scale [2 50]
	// pets.csv:3: column 1 "length": "two" is not a number (inputs must be finite numbers)
}
