package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestProgressPhase checks that the long bookkeeping phases of a large
// experiment are announced, and nothing is said for small ones or quietly.
func TestProgressPhase(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.phase("summaries", phaseRuns-1)
	assert.Empty(t, b.String())
	p.phase("summaries", 200_000)
	assert.Equal(t, "optbench: summarizing (200000 runs)…\n", b.String())
	b.Reset()
	newProgress(&b, true).phase("rewrite", 200_000)
	assert.Empty(t, b.String())
}
