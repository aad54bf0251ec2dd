package bench

import (
	"github.com/optbench/optbench/resultsfmt"
)

// Names of the files an experiment writes into its output folder.
const (
	// RunsFile is resultsfmt.RunsFile.
	RunsFile = resultsfmt.RunsFile
	// TraceFile is resultsfmt.TraceFile.
	TraceFile    = resultsfmt.TraceFile
	SummaryFile  = "summary.csv"
	TargetsFile  = "targets.csv"
	CompareFile  = "compare.csv"
	ManifestFile = "manifest.json"
	BenchFile    = "results.bench"
)

// Status is resultsfmt.Status: how a run ended.
type Status = resultsfmt.Status

// The statuses, as in resultsfmt.
const (
	// StatusTarget is resultsfmt.StatusTarget.
	StatusTarget = resultsfmt.StatusTarget
	// StatusBudget is resultsfmt.StatusBudget.
	StatusBudget = resultsfmt.StatusBudget
	// StatusPlateau is resultsfmt.StatusPlateau (see Config.PlateauMin).
	StatusPlateau = resultsfmt.StatusPlateau
	// StatusDiverged is resultsfmt.StatusDiverged.
	StatusDiverged = resultsfmt.StatusDiverged
)

type (
	// Hit is resultsfmt.Hit: the first time a run reached a target.
	Hit = resultsfmt.Hit
	// Point is resultsfmt.Point: one checkpoint of a run's trajectory.
	Point = resultsfmt.Point
	// Record is resultsfmt.Record: the outcome of one run.
	Record = resultsfmt.Record
	// GroupID is resultsfmt.GroupID: one problem × optimizer × precision.
	GroupID = resultsfmt.GroupID
	// RunID is resultsfmt.RunID: a run's group and seed.
	RunID = resultsfmt.RunID
	// Finding is resultsfmt.Finding: one thing wrong in a results folder.
	Finding = resultsfmt.Finding
	// FileVerdict is resultsfmt.FileVerdict: what Verify found in one file.
	FileVerdict = resultsfmt.FileVerdict
)

// WriteFileAtomic is resultsfmt.WriteFileAtomic.
func WriteFileAtomic(path string, data []byte) error { return resultsfmt.WriteFileAtomic(path, data) }

// RunsHeader is resultsfmt.RunsHeader: the columns of runs.csv.
func RunsHeader() []string { return resultsfmt.RunsHeader() }

// TraceHeader is resultsfmt.TraceHeader: the columns of trace.csv.
func TraceHeader() []string { return resultsfmt.TraceHeader() }

// TimingColumns is resultsfmt.TimingColumns: the columns whose values
// depend on the machine's speed.
func TimingColumns(header []string) []int { return resultsfmt.TimingColumns(header) }

// ReadRuns is resultsfmt.ReadRuns: it parses runs.csv content, keeping
// every valid row and counting the rest as skipped.
func ReadRuns(data []byte) (recs []*Record, skipped int, err error) { return resultsfmt.ReadRuns(data) }

// LoadRuns reads the finished runs in dir with their trajectories, after
// checking the folder with Verify: a folder that fails is a
// *DamagedError naming every file and line at fault.
func LoadRuns(dir string) ([]*Record, error) {
	v, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return v.Records, nil
}

// The results format's helpers under their names in this package.
var (
	fmtFloat     = resultsfmt.FormatFloat
	runRow       = resultsfmt.RunRow
	traceRows    = resultsfmt.TraceRows
	encodeCSV    = resultsfmt.EncodeCSV
	writeRecords = resultsfmt.WriteRecords
)
