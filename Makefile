# optbench — see README.md.
GO ?= go
PKGS := ./...
# EXAMPLES are separate Go modules a user would write; make test tests them too.
EXAMPLES := examples/mybench

.PHONY: all test test-race bench fuzz report report-resume fmt lint vet peers clean

all: test

## test: vet, then every test, the examples/ modules' included (the command CI runs)
test: vet
	$(GO) test -count=1 $(PKGS)
	@for m in $(EXAMPLES); do echo "== $$m"; (cd $$m && $(GO) vet ./... && $(GO) test -count=1 ./...) || exit 1; done

## test-race: the tests under the race detector
test-race:
	$(GO) test -race -count=1 $(PKGS)

## bench: the Go benchmarks, 5 runs each, with allocations (feed to benchstat)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 $(PKGS) | tee bench.txt

## fuzz: every fuzz target (func Fuzz… in *_test.go) for FUZZTIME each, one after the other
# -fuzzminimizetime keeps the workers fuzzing rather than minimizing each new
# input (with the default 60s, FuzzReadRuns ran 34 inputs in a minute).
# FUZZPARALLEL workers per target (default: nproc). A crasher is saved
# under the package's testdata/fuzz/ and fails the target: rerun it with
# go test -run=FuzzName/ID ./pkg.
FUZZTIME ?= 30s
FUZZPARALLEL ?= $(shell nproc 2>/dev/null || echo 1)
fuzz:
	@set -e; for f in $$(git ls-files '*_test.go' | grep -v '^examples/' | xargs grep -l '^func Fuzz' | sort); do \
		d=./$$(dirname $$f); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$d $$t"; \
			$(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s -parallel=$(FUZZPARALLEL) $$d; \
		done; \
	done

## report: the default experiment and sweeps (results/sweeps/*), charts and REPORT.md under results/default
# The folders are outputs: the committed copy is the reference, and `make report`
# regenerates it from scratch (only timings change). To resume an interrupted
# `make report` instead of starting over, run `make report-resume`.
report:
	rm -rf results/default results/sweeps
	$(MAKE) report-resume

## report-resume: like report, but keeps the runs already finished in results/
report-resume:
	$(GO) run ./cmd/optbench run --default --out results/default
	$(GO) run ./cmd/optbench sweep --default --out results/sweeps
	$(GO) run ./cmd/optbench report results/default

## peers: Go vs the tutorial's numpy loop, FANN, PyTorch, DEAP and a C loop (installs Debian packages; minutes)
peers:
	@command -v dpkg-query >/dev/null && command -v apt-get >/dev/null || { echo "make peers: needs Debian's dpkg-query and apt-get" >&2; exit 1; }
	@missing=""; \
	for p in python3-numpy python3-torch python3-deap libfann-dev gcc; do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make peers: missing Debian packages:$$missing" >&2; \
			echo "make peers: installing them needs root: sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
			exit 1; \
		fi; \
		echo "make peers: installing$$missing"; \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; } || \
			{ echo "make peers: apt-get could not install:$$missing" >&2; exit 1; }; \
	fi
	$(GO) run ./bench/peers/run

vet:
	$(GO) vet $(PKGS)

## fmt: rewrite files with gofmt
fmt:
	gofmt -w $$(git ls-files '*.go')

## lint: fail when a file is not gofmt-clean or go vet complains
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go') $$(find examples -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## clean: remove local build and benchmark outputs (not results/)
clean:
	rm -f bench.txt optbench *.test *.prof
