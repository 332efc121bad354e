#!/usr/bin/env bash
# The gate's small-sample figures: THAW_GATE_TRIALS (default 20) trials, each two idle
# sweeps of 13 cold starts against `thaw emulate` through the real CLI, once with the
# init delay raised 40% (the gate must fail) and once unchanged (it must pass, never
# fail). Prints every trial's gate table, then "gate trials (N each, …): init +40%
# failed …; same settings passed …". Loopback only; about 25 s per trial on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${THAW_GATE_TRIALS:-20}
THAW_GATE_TRIALS=$trials go test -count=1 -timeout 60m -run '^TestGateTrials$' -v ./cmd/thaw/ 2>&1 |
	grep -v -E '^(=== (RUN|PAUSE|CONT)|    --- PASS)' || true
