#!/usr/bin/env bash
# Side by side: thaw and its peers (fortio, vegeta, wrk) on the same workloads against a
# loopback server, interleaved (thaw, peer, peer, ..., repeated BENCH_PAIRS times),
# medians printed in one table. Called at the end of scripts/bench.sh; runs alone too.
# Loopback only. Knobs:
#   BENCH_SECONDS (default 5)       length of each load run
#   BENCH_PAIRS (default 3)         rounds of each workload (each tool once per round)
#   BENCH_IDLE_SECONDS (default 60) length of the idle-phase CPU check (under 10 skips it)
#   BENCH_THAW_FLAGS (default --quiet) flags of `thaw run`, e.g. "--quiet --no-report"
#   BENCH_TOOLS (default ~/.cache/thaw-bench) where the peers are installed
set -euo pipefail
cd "$(dirname "$0")/.."

fortio_version=v1.66.5
vegeta_version=v12.13.0
tools=${BENCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/thaw-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The peers, each in a GOBIN of its own version, installed once.
install_go_tool() { # name module version
	local bin="$tools/$1-$3"
	if [ ! -x "$bin/$1" ]; then
		echo "installing $1 $3 into $bin" >&2
		(cd "$work" && GOBIN="$bin" GOFLAGS= go install "$2@$3") >&2
	fi
	echo "$bin/$1"
}
fortio=$(install_go_tool fortio fortio.org/fortio "$fortio_version")
vegeta=$(install_go_tool vegeta github.com/tsenart/vegeta/v12 "$vegeta_version")
wrk=$(command -v wrk || true)
if [ -z "$wrk" ] && command -v apt-get >/dev/null; then
	echo "installing wrk from Debian"
	apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; } || true
	wrk=$(command -v wrk || true)
fi
[ -n "$wrk" ] || echo "WARNING: wrk is not installed and apt-get could not install it: its rows are left out" >&2

go build -o "$work/thaw" ./cmd/thaw
go build -o "$work/loopserver" ./internal/tools/loopserver

echo
echo "== Side by side against a loopback server (${BENCH_SECONDS:-5} s runs, ${BENCH_PAIRS:-3} rounds interleaved, medians)"
python3 scripts/bench_peers.py "$work" "$fortio" "$vegeta" "$wrk"
