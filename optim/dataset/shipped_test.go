package dataset

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShipped loads the data sets shipped in optim/catalog/data and checks
// their shapes, class labels and class counts against the descriptions of
// scikit-learn (sklearn/datasets/descr/*.rst) and their SHA-256 against
// optim/catalog/data/README.md.
func TestShipped(t *testing.T) {
	tests := []struct {
		file    string
		n, in   int
		first   string // first input column
		classes []string
		counts  []int // per class
		sha256  string
	}{
		{"iris.csv", 150, 4, "sepal_length",
			[]string{"setosa", "versicolor", "virginica"}, []int{50, 50, 50},
			"9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355"},
		{"wine.csv", 178, 13, "alcohol",
			[]string{"class_0", "class_1", "class_2"}, []int{59, 71, 48},
			"1dcdd0ff3f6d5dd7c8f24bf342c7bce04a2fd27a08a4a685cb1da29af3f31a00"},
		{"breast_cancer.csv", 569, 30, "mean_radius",
			[]string{"benign", "malignant"}, []int{357, 212},
			"518936fa92ca3d8a78c420aee22030c4e519ffcba3be15dd23e83f2fc22e20e5"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "catalog", "data", tt.file)
			tab, err := Load(path, Options{})
			require.NoError(t, err)
			assert.Equal(t, tt.sha256, tab.SHA256)
			assert.Equal(t, tt.n, tab.N)
			assert.Equal(t, tt.in, tab.In)
			assert.Equal(t, tt.first, tab.Inputs[0])
			assert.Equal(t, tt.classes, tab.Classes)
			assert.Equal(t, tt.classes, tab.Outputs)
			require.Equal(t, len(tt.classes), tab.Out)
			counts := make([]int, tab.Out)
			for i := range tab.N {
				for k, v := range tab.Y[i*tab.Out : (i+1)*tab.Out] {
					if v == 1 {
						counts[k]++
					}
				}
			}
			assert.Equal(t, tt.counts, counts)
		})
	}
}
