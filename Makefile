# optbench — see README.md.
GO ?= go
PKGS := ./...

.PHONY: all test test-race bench report fmt lint vet peers clean

all: test

## test: vet, then every test (the command CI runs)
test: vet
	$(GO) test -count=1 $(PKGS)

## test-race: the tests under the race detector
test-race:
	$(GO) test -race -count=1 $(PKGS)

## bench: the Go benchmarks, 5 runs each, with allocations (feed to benchstat)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 $(PKGS) | tee bench.txt

## report: the default experiment, its charts and REPORT.md under results/default
report:
	$(GO) run ./cmd/optbench run --default --out results/default
	$(GO) run ./cmd/optbench report results/default

vet:
	$(GO) vet $(PKGS)

## fmt: rewrite files with gofmt
fmt:
	gofmt -w $$(git ls-files '*.go')

## lint: fail when a file is not gofmt-clean or go vet complains
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
