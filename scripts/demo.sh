#!/usr/bin/env bash
# demo.sh (make demo): start the built-in emulator on a free loopback port, run
# scenarios/examples/demo.yaml against it at a time scale, stop the emulator, and check
# that the summary's cold and warm totals match the emulator's truth log exactly.
# Settings (environment): BIN (bin/thaw), SCALE (120), OUT (results/demo).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/thaw}
SCALE=${SCALE:-120}
OUT=${OUT:-results/demo}
SCENARIO=scenarios/examples/demo.yaml

command -v python3 >/dev/null || { echo "demo: python3 is needed to check the results" >&2; exit 2; }
[ -x "$BIN" ] || { echo "demo: $BIN not built (run make build)" >&2; exit 2; }

TMP=$(mktemp -d)
EMU=""
stop_emulator() {
	if [ -n "$EMU" ] && kill -0 "$EMU" 2>/dev/null; then
		kill -TERM "$EMU" 2>/dev/null || true
		wait "$EMU" 2>/dev/null || true
	fi
	EMU=""
}
cleanup() { stop_emulator; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A previous demo's results are replaced; anything else in the way is not touched.
if [ -e "$OUT" ]; then
	if [ -f "$OUT/summary.json" ] || [ -z "$(ls -A "$OUT")" ]; then
		rm -rf -- "$OUT"
	else
		echo "demo: $OUT exists and is not a thaw run directory; move it or set OUT" >&2
		exit 2
	fi
fi

"$BIN" emulate --addr 127.0.0.1:0 --keep-alive 10m --max-instances 10 \
	--time-scale "$SCALE" --truth-log "$TMP/truth.jsonl" >"$TMP/emulate.out" 2>"$TMP/emulate.err" &
EMU=$!

URL=""
for _ in $(seq 1 200); do
	URL=$(sed -n '1s/^thaw emulate: listening on //p' "$TMP/emulate.out")
	[ -n "$URL" ] && break
	kill -0 "$EMU" 2>/dev/null || { echo "demo: emulator exited:" >&2; cat "$TMP/emulate.err" >&2; exit 3; }
	sleep 0.05
done
[ -n "$URL" ] || { echo "demo: emulator printed no URL" >&2; exit 3; }

python3 - "$URL" <<'PY'
import sys, time, urllib.request
url = sys.argv[1] + "/healthz"
for _ in range(100):
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("demo: emulator never answered " + url)
PY
echo "demo: emulator at $URL (keep-alive 10m, max 10 instances, time scale $SCALE)"

"$BIN" run "$SCENARIO" --target "$URL" --out "$OUT" --time-scale "$SCALE"

stop_emulator # flushes and closes the truth log
cp "$TMP/truth.jsonl" "$OUT/truth.jsonl"

python3 - "$OUT/summary.json" "$OUT/truth.jsonl" <<'PY'
import json, sys
summary_path, truth_path = sys.argv[1], sys.argv[2]
with open(summary_path) as f:
    totals = json.load(f)["totals"]
cold = warm = throttled = 0
with open(truth_path) as f:
    for line in f:
        if not line.strip():
            continue
        r = json.loads(line)
        if r["cold"]:
            cold += 1
        elif r.get("instance"):
            warm += 1
        else:
            throttled += 1
print(f"{'':10} {'summary':>8} {'truth':>8}")
print(f"{'cold':10} {totals['cold']:>8} {cold:>8}")
print(f"{'warm':10} {totals['warm']:>8} {warm:>8}")
print(f"{'no inst.':10} {'':>8} {throttled:>8}   (throttled 429s: never cold or warm)")
if totals["cold"] != cold or totals["warm"] != warm:
    sys.exit("demo: FAIL: the summary's cold/warm totals differ from the emulator's truth")
print("demo: ok: cold and warm totals match the emulator's ground truth exactly")
PY

echo "demo: results in $OUT/ (report.html, summary.md, summary.json, samples.ndjson, plots/, and the emulator's truth.jsonl)"
