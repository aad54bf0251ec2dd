package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// untimedRow is r's runs.csv row without its timing columns.
func untimedRow(r *Record) string {
	row := runRow(r)
	for _, i := range slices.Backward(TimingColumns(RunsHeader())) {
		row = slices.Delete(row, i, i+1)
	}
	return strings.Join(row, ",")
}

// FuzzVerify feeds random corruptions of a small real results folder
// (finished, or marked unfinished) through Verify. It must never panic;
// either the folder passes and every run it returns is one of the
// original's, unchanged but for timings (nothing silently different), or
// it fails with findings of which at least one names a line or the
// checksum that a finished folder recorded.
func FuzzVerify(f *testing.F) {
	ref := f.TempDir()
	plan, err := NewPlan(Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-", "ga"}, Seeds: 2, Budget: 100})
	if err != nil {
		f.Fatal(err)
	}
	if err := Run(f.Context(), plan, ref, Options{Workers: 1}); err != nil {
		f.Fatal(err)
	}
	names := []string{RunsFile, TraceFile}
	orig := map[string][]byte{}
	for _, name := range append(slices.Clone(names), ManifestFile) {
		data, err := os.ReadFile(filepath.Join(ref, name))
		if err != nil {
			f.Fatal(err)
		}
		orig[name] = data
	}
	var man map[string]any
	if err := json.Unmarshal(orig[ManifestFile], &man); err != nil {
		f.Fatal(err)
	}
	man["complete"] = false
	unfinished, err := json.Marshal(man)
	if err != nil {
		f.Fatal(err)
	}
	want := map[RunID]string{}
	v, err := Verify(ref)
	if err != nil || v.Err() != nil || len(v.Records) != len(plan.Tasks) {
		f.Fatalf("the reference folder does not verify: %v, %v", err, v.Err())
	}
	for _, r := range v.Records {
		want[r.ID()] = untimedRow(r)
	}

	// which: bit 0 picks the file (runs.csv, trace.csv), bit 1 marks the
	// folder unfinished; op: overwrite, insert, delete, cut and append.
	f.Add(uint8(0), uint32(200), uint8(0), []byte("9"))
	f.Add(uint8(1), uint32(300), uint8(0), []byte("xx,yy,zz"))
	f.Add(uint8(2), uint32(1<<31), uint8(3), []byte{})
	f.Add(uint8(3), uint32(1000), uint8(3), []byte("xor,irp"))
	f.Add(uint8(0), uint32(0), uint8(1), []byte("\ufeff"))
	f.Add(uint8(2), uint32(250), uint8(2), []byte("abcdefghij"))
	f.Add(uint8(1), uint32(90), uint8(1), []byte("\n"))
	f.Add(uint8(3), uint32(400), uint8(0), []byte("+Inf"))
	f.Fuzz(func(t *testing.T, which uint8, at uint32, op uint8, data []byte) {
		dir := t.TempDir()
		files := map[string][]byte{RunsFile: orig[RunsFile], TraceFile: orig[TraceFile], ManifestFile: orig[ManifestFile]}
		if which&2 != 0 {
			files[ManifestFile] = unfinished
		}
		name := names[which&1]
		c := slices.Clone(files[name])
		pos := int(at % uint32(len(c)+1))
		switch op % 4 {
		case 0:
			c = append(c[:pos], append(slices.Clone(data), c[min(len(c), pos+len(data)):]...)...)
		case 1:
			c = slices.Insert(c, pos, data...)
		case 2:
			c = slices.Delete(c, pos, min(len(c), pos+len(data)))
		case 3:
			c = append(c[:pos], data...)
		}
		files[name] = c
		for n, d := range files {
			if err := os.WriteFile(filepath.Join(dir, n), d, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		v, err := Verify(dir)
		if err != nil {
			t.Fatalf("Verify: %v (the manifest is intact)", err)
		}
		if v.Err() == nil {
			for _, r := range v.Records {
				if w, ok := want[r.ID()]; !ok || w != untimedRow(r) {
					t.Fatalf("passed with a run that differs from the original:\n%s\nwant\n%s", untimedRow(r), w)
				}
			}
			if which&2 == 0 && len(v.Records) != len(want) {
				t.Fatalf("a finished folder passed with %d of %d runs", len(v.Records), len(want))
			}
			return
		}
		located := false
		for _, fv := range v.Files {
			for _, fd := range fv.Findings {
				if fd.File == "" || fd.Msg == "" {
					t.Fatalf("finding without file or message: %+v", fd)
				}
				if fd.Line > 0 || strings.Contains(fd.Msg, "sha256") {
					located = true
				}
			}
		}
		if !located {
			t.Fatalf("no finding names a line: %v", v.Err())
		}
	})
}
