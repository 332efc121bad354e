#!/usr/bin/env bash
# make accuracy: how well the probes classify cold and warm invocations, and how close
# the keep-alive estimate comes, scored against the emulator's ground truth (joined on
# request id). Loopback only; takes about a minute.
#   THAW_ACCURACY=1 (set here): longer runs and the strict gates (latency probe ≥ 97 %).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Probe accuracy against thaw's emulator (Go snippet as the function, truth hidden)"
status=0
THAW_ACCURACY=1 go test -count=1 -timeout 10m -run 'Accuracy' -v ./probes/ >"$log" 2>&1 || status=$?
grep -o 'ACCURACY .*' "$log" | sed 's/^ACCURACY /  /'

echo
echo "== What thaw run writes: final verdicts in samples.ndjson and summary.json, scored against the emulator's truth"
go test -count=1 -timeout 10m -run 'TestFinalVerdicts|TestNoInvented|TestKeepAliveSearch' -v ./cmd/thaw/ >"$log.cli" 2>&1 || status=$?
grep -o 'ACCURACY .*' "$log.cli" | sed 's/^ACCURACY /  /'
cat "$log.cli" >>"$log"
rm -f "$log.cli"

echo
echo "== Latency probe on synthetic runs with known truth (init 5x warm, none, fresh connections)"
go test -count=1 -run 'TestLatencyOffline' -v ./probes/ 2>&1 | grep -E '^\s+(--- |latency_test)' | sed 's/^ */  /'

echo
echo "== Keep-alive estimator on synthetic idle sweeps (sharp and jittered keep-alive)"
go test -count=1 -run 'TestEstimate' -v ./report/keepalive/ 2>&1 | grep -E 'estimate|--- ' | sed 's/^ */  /'

if [ "$status" -ne 0 ]; then
	echo
	echo "FAILED: accuracy gates not met; full output:"
	cat "$log"
	exit "$status"
fi
