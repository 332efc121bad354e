# thaw: build, test, demo and benchmarks. `make help` lists the targets.
GO      ?= go
BIN     ?= bin/thaw
PKGS    := ./...

.PHONY: help build test test-deps test-short lint demo bench gate-trials accuracy rie fuzz soak clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/thaw
	$(GO) build -o $(BIN) ./cmd/thaw

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# RACE_PKGS run concurrently; the race detector watches them in a second pass.
RACE_PKGS := ./scenarios/... ./probes/... ./results/... ./internal/emulator/... ./cmd/thaw/...

test: lint test-deps ## lint, then every test, then the race detector over the concurrent packages (what CI runs)
	$(GO) test -count=1 -timeout 12m $(PKGS)
	$(GO) test -race -short -count=1 -timeout 12m $(RACE_PKGS)

test-deps: ## install what the tests need that Go does not bring (headless Chromium, serverless-offline, tsc + @types/k6)
	./scripts/install-chromium.sh
	./scripts/install-offline.sh
	npm ci --prefix extensions/k6 --no-audit --no-fund --loglevel=error

test-short: ## quick tests only
	$(GO) test -short -count=1 $(PKGS)

demo: build ## run the demo scenario against the built-in emulator
	./scripts/demo.sh

bench: build ## benchmarks and scripted runs that print figures (under 10 min on 2 cores)
	./scripts/bench.sh

gate-trials: ## the gate's small-sample figures: 20 trials of two 13-cold idle sweeps (about 13 min; make bench runs 3)
	./scripts/gate-trials.sh

accuracy: build ## classifier and keep-alive accuracy against the emulator's ground truth
	./scripts/accuracy.sh

rie: build ## run scenarios/examples/lambda-rie.yaml against the AWS Lambda Runtime Interface Emulator
	./scripts/rie.sh

fuzz: ## every fuzz target for FUZZTIME each (default 30s; not in CI)
	./scripts/fuzz.sh

soak: ## 10 min at 500 rps against the emulator with random faults; RSS, goroutines, fds every 10 s (not in CI)
	./scripts/soak.sh

clean: ## remove build output
	rm -rf bin
