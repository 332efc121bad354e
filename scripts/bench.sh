#!/usr/bin/env bash
# make bench: Go benchmarks and scripted runs that print figures. Loopback only.
#   BENCH_REQUESTS (default 1000000): requests in the memory run.
#   K6_LINES (default 1000000): lines of the k6 JSON file for thaw ingest k6.
#   BENCH_FIXED_RUNS (default 11): runs of each kind behind the fixed-cost medians.
#   BENCH_GATE_TRIALS (default 3): gate trials (make gate-trials runs the full 20).
# Each section's header shows the time since the bench started; the whole bench is
# bounded at 10 minutes on a 2-core machine, and its last line says how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${BENCH_REQUESTS:-1000000}
work=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS
# section prints a section's header with the time since the bench started.
section() {
	local t=$((SECONDS - started))
	printf '\n== [%d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}

section "Go benchmarks: harness cost per request (3 runs each; compare side by side with benchstat)"
go test -run '^$' -bench . -benchmem -count 3 -benchtime 0.5s ./results/ ./probes/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)'
go test -run '^$' -bench . -benchmem -count 3 -benchtime 20000x ./scenarios/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)'

section "Emulator: real process start (no init delay) and a warm call, p50 over 200 cold starts"
go test -run '^$' -bench 'BenchmarkColdStart|BenchmarkWarmCall' -benchtime 200x -count 3 ./internal/emulator/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)'

section "Memory over a long run: $requests requests against a loopback server"
go build -o "$work/loopserver" ./internal/tools/loopserver
"$work/loopserver" > "$work/server.url" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/server.url" ] && break; sleep 0.1; done
url=$(head -1 "$work/server.url")
cat > "$work/long.yaml" <<YAML
version: 1
name: long-run
target: {url: "$url", body_prefix_bytes: -1}
phases:
  - {name: workers, concurrency: {workers: 8, iterations: $requests}}
YAML
python3 - "$work" bin/thaw <<'PY'
import resource, subprocess, sys, time, json
work, thaw = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
rc = subprocess.run([thaw, "run", f"{work}/long.yaml", "--out", f"{work}/run", "--quiet", "--no-report", "--yes"],
                    stdout=subprocess.DEVNULL).returncode
secs = time.monotonic() - t0
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
s = json.load(open(f"{work}/run/summary.json"))["totals"]
print(f"exit {rc}; {s['count']} requests in {secs:.1f} s ({s['count']/secs:.0f}/s); "
      f"errors {s['errors']}; p50 {s['latency']['p50']:.3f} ms; peak RSS {rss_mb:.1f} MB (target < 150 MB)")
sys.exit(0 if rc == 0 and rss_mb < 150 else 1)
PY

section "The whole-run pass alone over those samples: thaw report --reclassify (final verdicts, figures, keep-alive, plots, HTML)"
python3 - "$work" bin/thaw <<'PY'
import resource, subprocess, sys, time, json
work, thaw = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
rc = subprocess.run([thaw, "report", f"{work}/run", "--reclassify"], stdout=subprocess.DEVNULL).returncode
secs = time.monotonic() - t0
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
n = json.load(open(f"{work}/run/summary.json"))["totals"]["count"]
print(f"exit {rc}; {n} samples judged and reported in {secs:.1f} s; peak RSS {rss_mb:.1f} MB (target < 150 MB)")
sys.exit(0 if rc == 0 and rss_mb < 150 else 1)
PY

section "thaw merge over those samples cut into 3 shards (external sort, k-way merge, then the whole-run pass)"
for i in 0 1 2; do
	mkdir -p "$work/shard$i"
	cp "$work/run/summary.json" "$work/shard$i/"
	awk -v k="$i" 'NR % 3 == k' "$work/run/samples.ndjson" > "$work/shard$i/samples.ndjson"
done
python3 - "$work" bin/thaw <<'PY'
import resource, subprocess, sys, time, json
work, thaw = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
rc = subprocess.run([thaw, "merge", f"{work}/shard0", f"{work}/shard1", f"{work}/shard2", "--out", f"{work}/merged"],
                    stdout=subprocess.DEVNULL).returncode
secs = time.monotonic() - t0
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
n = json.load(open(f"{work}/merged/summary.json"))["totals"]["count"]
whole = json.load(open(f"{work}/run/summary.json"))["totals"]["count"]
print(f"exit {rc}; {n} samples merged (whole run {whole}) and reported in {secs:.1f} s; peak RSS {rss_mb:.1f} MB (target < 150 MB)")
sys.exit(0 if rc == 0 and n == whole and rss_mb < 150 else 1)
PY

section "The report: rendering alone (plots as SVG and PNG, summary.md, report.html) from a filled collector"
echo "   RenderMillion: 1,000,000 samples (target < 5 s, flat memory); RenderSmall: 500 samples (the fixed cost)"
go test -run '^$' -bench 'BenchmarkRender(Million|Small)$' -benchmem -benchtime 3x -count 3 ./report/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)'

section "Fixed cost of one thaw run (paid once per run, whatever its length): CPU of start-up alone (thaw version),"
echo "   of a 2-sample run (2000 rps for 1 ms) with --no-report and with its report (--quiet), and of a 500-sample one;"
echo "   medians of ${BENCH_FIXED_RUNS:-11} interleaved runs (min-max)"
python3 - "$work" bin/thaw "$url" "${BENCH_FIXED_RUNS:-11}" <<'PY'
import os, resource, shutil, statistics, subprocess, sys
work, thaw, url, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def cpu_ms(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
def fig(v):
    return f"{statistics.median(v):.1f} CPU-ms ({min(v):.1f}-{max(v):.1f})"
start = [cpu_ms([thaw, "version"]) for _ in range(runs)]
print(f"start-up (thaw version): {fig(start)}")
for n, dur in ((2, "0.001s"), (500, "0.25s")):
    sc = f"{work}/rc{n}.yaml"
    with open(sc, "w") as f:
        f.write(f'version: 1\nname: rc\ntarget: {{url: "{url}"}}\nphases:\n  - {{name: w, rate: {{rps: 2000, duration: {dur}}}}}\n')
    cost = {"report": [], "no-report": []}
    for _ in range(runs if n == 2 else 5):
        for mode in cost:
            out = f"{work}/rc{n}-{mode}"
            shutil.rmtree(out, ignore_errors=True)
            cost[mode].append(cpu_ms([thaw, "run", sc, "--out", out, "--quiet", "--yes"] + (["--no-report"] if mode == "no-report" else [])))
    out = f"{work}/rc{n}-report"
    size = lambda *names: sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs if f.endswith(names))
    rep, bare = statistics.median(cost["report"]), statistics.median(cost["no-report"])
    print(f"{n:>4} samples: run {fig(cost['report'])}, --no-report {fig(cost['no-report'])}: report {rep - bare:.0f} CPU-ms; "
          f"report.html {size('.html') / 1024:.0f} KB, plots/*.svg {size('.svg') / 1024:.0f} KB, plots/*.png {size('.png') / 1024:.0f} KB")
    if n == 2:
        print(f"      the fixed cost alone is {rep * 2:.0f} CPU-ms per 1,000 requests of a 500-request run "
              f"(100 rps x 5 s), {rep / 10:.1f} of a 10,000-request one (2,000 rps x 5 s)")
PY

section "thaw report of a synthetic $requests-sample run (internal/tools/gensamples; one read of the samples, then plots and HTML)"
go build -o "$work/gensamples" ./internal/tools/gensamples
"$work/gensamples" -n "$requests" -out "$work/synth"
python3 - "$work" bin/thaw <<'PY'
import os, subprocess, sys, time
work, thaw = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
p = subprocess.Popen([thaw, "report", f"{work}/synth"], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)  # this process's own CPU and peak RSS
secs = time.monotonic() - t0
rc = os.waitstatus_to_exitcode(status)
rss_mb = ru.ru_maxrss / 1024
html_mb = os.path.getsize(f"{work}/synth/report.html") / 1e6
svg_mb = os.path.getsize(f"{work}/synth/plots/timeline.svg") / 1e6
print(f"exit {rc}; {secs:.1f} s wall, {ru.ru_utime + ru.ru_stime:.1f} s CPU; peak RSS {rss_mb:.1f} MB (target < 150 MB); "
      f"report.html {html_mb:.1f} MB, timeline.svg {svg_mb:.1f} MB")
sys.exit(0 if rc == 0 and rss_mb < 150 else 1)
PY

section "Gate on CI-sized runs: ${BENCH_GATE_TRIALS:-3} trials of two 13-cold idle sweeps against thaw emulate (make gate-trials: 20)"
THAW_GATE_TRIALS=${BENCH_GATE_TRIALS:-3} ./scripts/gate-trials.sh

section "thaw ingest k6: a ${K6_LINES:-1000000}-line k6 --out json file (streamed; report included)"
python3 scripts/gen-k6-json.py "$work/k6.json" "${K6_LINES:-1000000}"
python3 - "$work" bin/thaw <<'PY'
import resource, subprocess, sys, time, json
work, thaw = sys.argv[1], sys.argv[2]
lines = sum(1 for _ in open(f"{work}/k6.json"))
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
rc = subprocess.run([thaw, "ingest", "k6", f"{work}/k6.json", "--out", f"{work}/k6run"],
                    stdout=subprocess.DEVNULL).returncode
secs = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (ru.ru_utime - before.ru_utime) + (ru.ru_stime - before.ru_stime)
rss_mb = ru.ru_maxrss / 1024  # this python's only child: the ingest
s = json.load(open(f"{work}/k6run/summary.json"))["totals"]
print(f"exit {rc}; {lines} lines, {s['count']} requests ({s['cold']} cold, {s['errors']} errors) "
      f"in {secs:.1f} s wall, {cpu:.1f} s CPU; peak RSS {rss_mb:.1f} MB (targets < 10 s, < 100 MB)")
sys.exit(0 if rc == 0 and rss_mb < 100 and cpu < 10 else 1)
PY
./scripts/bench-peers.sh

t=$((SECONDS - started))
printf '\nmake bench took %d min %02d s (bound: 10 min)\n' $((t / 60)) $((t % 60))
