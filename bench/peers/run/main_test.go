package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/report"
)

// TestSpec checks the specs the peers read: flat JSON with the problem's
// data, network and start, and the suite's settings.
func TestSpec(t *testing.T) {
	for _, pname := range []string{"seed3", "xor", "celsius"} {
		for _, oname := range []string{"backprop", "irprop-", "ga"} {
			p, err := optim.LookupProblem(pname)
			require.NoError(t, err)
			s, err := makeSpec(p, oname, false)
			require.NoError(t, err)
			require.Len(t, s.Init, p.Dim())
			require.Len(t, s.Sizes, len(p.Net.Layers)+1)
			require.Equal(t, s.N*s.NIn, len(s.X))
			require.Equal(t, 100, s.K)
			require.Equal(t, s.Iterations, s.Checkpoints[len(s.Checkpoints)-1])
			data, err := json.Marshal(s)
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			for k, v := range m {
				_, nested := v.(map[string]any)
				require.False(t, nested, "key %s: the C reader needs flat values", k)
			}
			switch {
			case pname == "seed3":
				require.Equal(t, tutorialInit, s.Init)
				if oname == "backprop" {
					require.Equal(t, 2.0, *s.LR)
				}
			case pname == "celsius" && oname == "backprop":
				require.Equal(t, 0.001, *s.LR)
			case oname == "irprop-":
				require.Equal(t, []float64{0.1, 1.2, 0.5, 1e-6, 50}, []float64{*s.Delta0, *s.EtaPlus, *s.EtaMinus, *s.DeltaMin, *s.DeltaMax})
			}
		}
	}
}

// TestOutputs runs Go against itself as a stand-in peer and checks the CSV,
// the chart, the testdata file and the report section made from them.
func TestOutputs(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "peers")
	require.NoError(t, os.MkdirAll(out, 0o755))
	var rows []row
	for _, oname := range []string{"backprop", "ga"} {
		p, err := optim.LookupProblem("xor")
		require.NoError(t, err)
		s, err := makeSpec(p, oname, true)
		require.NoError(t, err)
		s.MinRunNs = 1e5
		gr, err := goTrajectory(p, s)
		require.NoError(t, err)
		ns, err := goTime(p, s)
		require.NoError(t, err)
		require.Len(t, ns, timedRuns)
		peer := *gr
		peer.Peer, peer.NsPerIter = "fann", 2*median(ns)
		if oname == "ga" {
			peer.Peer = "deap"
		}
		r := row{spec: s, peer: &peer, goNs: ns, goRes: gr}
		require.Zero(t, r.maxDiffK())
		rows = append(rows, r)
		require.NoError(t, writeTestdata(filepath.Join(root, "testdata"), s, &peer))
	}
	require.NoError(t, os.WriteFile(filepath.Join(out, "peers.csv"), csvBytes(rows), 0o644))
	require.NoError(t, chart(filepath.Join(out, "peers-time.png"), rows))
	png, err := os.ReadFile(filepath.Join(out, "peers-time.png"))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))

	var td Testdata
	data, err := os.ReadFile(filepath.Join(root, "testdata", "fann_xor_backprop.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &td))
	require.Equal(t, rows[0].goRes.ParamsAfterK, td.ParamsAfterK)
	require.Equal(t, 1.0, td.Settings["lr"])

	md := report.PeersSection(filepath.Join(root, "default"))
	require.Contains(t, md, "## Side by side with reference implementations")
	require.Contains(t, md, "| `xor` | `backprop` | fann |")
	require.Contains(t, md, "| 0.5 | ≤ 0.5 met |")
	require.Contains(t, md, "](../peers/peers-time.png)")
	require.Empty(t, report.PeersSection(filepath.Join(root, "elsewhere", "default")))
	require.True(t, strings.HasSuffix(md, "\n\n"))
}

// TestScaleSpec checks the sizes' parsing, the raw data files the Python
// peers read and Go's side of the scaling comparison on a small size.
func TestScaleSpec(t *testing.T) {
	for _, bad := range []string{"", "10x2-3", "0x2-3-1", "10x2-3-1-4", "axb-c-d"} {
		_, err := parseSize(bad)
		require.Error(t, err, "size %q", bad)
	}
	s, err := parseSize("40x33-9-8")
	require.NoError(t, err)
	require.Equal(t, "40x33-9-8", s.String())
	require.Equal(t, 6*40*(33*9+9*8), int(s.flops()))
	dir := t.TempDir()
	spec, err := makeScaleSpec(dir, s)
	require.NoError(t, err)
	net, d, x := s.data()
	for _, f := range []struct {
		path string
		n    int
	}{{spec.XFile, len(d.X)}, {spec.YFile, len(d.Y)}, {spec.InitFile, net.Dim()}} {
		fi, err := os.Stat(f.path)
		require.NoError(t, err)
		require.Equal(t, int64(8*f.n), fi.Size(), f.path)
	}
	require.Len(t, x, net.Dim())
	require.Equal(t, 2000, spec.Epochs)
	ns, loss, err := goScale(size{n: 5, in: 3, hidden: 4, out: 2})
	require.NoError(t, err)
	require.Len(t, ns, timedRuns)
	require.False(t, math.IsNaN(loss))
}
