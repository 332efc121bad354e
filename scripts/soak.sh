#!/usr/bin/env bash
# make soak (not in CI): `thaw run` at 500 requests/s for SOAK_DURATION (default 10m)
# against `thaw emulate` with random faults (errors, held timeouts, slow requests,
# instances that expire), sampling thaw's RSS, goroutines and open file descriptors
# every SOAK_EVERY (default 10s), then printing them and whether they stayed flat.
#   SOAK_DURATION (10m)  SOAK_RPS (500)  SOAK_EVERY (10s)  SOAK_SEED (random)
# Loopback only. Exits 1 when a figure grew (a leak), 0 when flat.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${SOAK_DURATION:-10m}
rps=${SOAK_RPS:-500}
every=${SOAK_EVERY:-10s}
seed=${SOAK_SEED:-$RANDOM}
work=$(mktemp -d)
emu_pid=""
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/thaw" ./cmd/thaw
"$work/thaw" emulate --addr 127.0.0.1:0 --seed "$seed" --max-instances 100 \
	--keep-alive 20s --keep-alive-jitter 10s --max-lifetime 2m \
	--error-rate 0.02 --timeout-rate 0.005 --timeout-hold 3s --slow-rate 0.02 --slow 300ms \
	> "$work/emulator.url" 2> "$work/emulator.log" &
emu_pid=$!
for _ in $(seq 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
url=$(grep -o "http://[^ ]*" "$work/emulator.url" | head -1)
cat > "$work/soak.yaml" <<YAML
version: 1
name: soak
target: {url: "$url", timeout: 2s}
phases:
  - {name: soak, rate: {rps: $rps, duration: $duration}}
YAML
echo "== soak: $rps requests/s for $duration against the emulator at $url (fault seed $seed), stats every $every"
set +e
"$work/thaw" run "$work/soak.yaml" --out "$work/run" --quiet --no-report --yes \
	--stats-file "$work/stats.ndjson" --stats-every "$every" > "$work/run.out" 2> "$work/run.err"
code=$?
set -e
echo "thaw run exit $code"; tail -n 3 "$work/run.err" || true
python3 - "$work/stats.ndjson" "$work/run/summary.json" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
s = json.load(open(sys.argv[2]))["totals"]
kinds = ", ".join(f"{k} {v}" for k, v in sorted(s.get("errors_by_kind", {}).items()))
ok = s["count"] - s["errors"]
print(f"sent {s['count']}: ok {ok} + errors {s['errors']} ({kinds}); adds up: {ok + sum(s.get('errors_by_kind', {}).values()) == s['count']}")
print(f"{'t (s)':>6} {'rss MB':>8} {'goroutines':>11} {'fds':>5} {'heap MB':>8}")
t0 = rows[0]["at"]
from datetime import datetime
def secs(a): return (datetime.fromisoformat(a.replace("Z", "+00:00")) - datetime.fromisoformat(t0.replace("Z", "+00:00"))).total_seconds()
for r in rows:
    print(f"{secs(r['at']):6.0f} {r['rss_kb']/1024:8.1f} {r['goroutines']:11d} {r['fds']:5d} {r['heap_kb']/1024:8.1f}")
# Flat: after a warm-up (first third), the last third's median is within 25% (plus a
# small absolute slack) of the middle third's, for every figure.
n = len(rows)
if n < 6:
    print("too few samples to judge (need 6: run longer or sample more often)"); sys.exit(0)
mid, end = rows[n//3:2*n//3], rows[2*n//3:]
bad = []
for key, slack in (("rss_kb", 8192), ("goroutines", 50), ("fds", 20), ("heap_kb", 8192)):
    a, b = statistics.median(r[key] for r in mid), statistics.median(r[key] for r in end)
    grew = b > a * 1.25 + slack
    print(f"{key:>10}: start {rows[0][key]}, middle median {a:.0f}, end median {b:.0f}, end {rows[-1][key]}: {'GREW' if grew else 'flat'}")
    bad += [key] if grew else []
sys.exit(1 if bad else 0)
PY
