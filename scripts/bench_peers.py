"""Runs the side-by-side bench of scripts/bench-peers.sh and prints its table.

Usage: bench_peers.py WORKDIR FORTIO VEGETA WRK (WRK may be empty: no wrk rows).
Each run gets a fresh loopback server (loopserver); each tool's CPU (user+sys) and
peak RSS come from wait4 on its own process, so nothing else on the machine counts.
p50/p99 are as each tool reports them. thaw's CPU includes its whole-run pass.
"""
import calendar
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

work, fortio, vegeta, wrk = sys.argv[1:5]
seconds = int(os.environ.get("BENCH_SECONDS", "5"))
pairs = int(os.environ.get("BENCH_PAIRS", "3"))
idle_seconds = int(os.environ.get("BENCH_IDLE_SECONDS", "60"))
thaw_flags = shlex.split(os.environ.get("BENCH_THAW_FLAGS", "--quiet"))
thaw = os.path.join(work, "thaw")
runs = 0
steady = {}  # argv[0] -> (on-CPU seconds, wall seconds) over the middle of its last run


def cpu_ns(pid):
    """On-CPU time of every thread of pid so far, in ns (/proc/PID/task/*/schedstat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def server(delay):
    """Starts a loopback server; returns (process, url, stats file)."""
    stats = os.path.join(work, "server-stats.txt")
    if os.path.exists(stats):
        os.remove(stats)
    p = subprocess.Popen([os.path.join(work, "loopserver"), "-delay", delay, "-stats", stats],
                         stdout=subprocess.PIPE, text=True)
    return p, p.stdout.readline().strip(), stats


def stop(p, stats):
    """Stops the server; returns its own handling-time p50 in ms."""
    p.terminate()
    p.wait(timeout=10)
    m = re.search(r"p50 ([\d.]+)", open(stats).read())
    return float(m.group(1))


def measure(argv, stdin=None):
    """Runs argv; returns (stdout, CPU seconds user+sys, peak RSS MB) of its process.
    It also records, in steady[argv[0]], the on-CPU seconds of the process over the
    middle of the load (from 1 s in to 0.5 s before the end), which leave out start-up
    and whatever the tool does after the load (thaw's whole-run pass and report)."""
    out = open(os.path.join(work, "stdout"), "w+")
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else None, stdout=out,
                         stderr=subprocess.DEVNULL, text=True)
    if stdin:
        p.stdin.write(stdin)
        p.stdin.close()
    window = None
    if seconds >= 3:
        time.sleep(max(t0 + 1 - time.monotonic(), 0))
        c0, w0 = cpu_ns(p.pid), time.monotonic()
        time.sleep(max(t0 + seconds - 0.5 - time.monotonic(), 0))
        c1, w1 = cpu_ns(p.pid), time.monotonic()
        window = ((c1 - c0) / 1e9, w1 - w0)
    steady[argv[0]] = window
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{argv[0]} exited {p.returncode}: {' '.join(argv)}")
    out.seek(0)
    return out.read(), ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def run_thaw(url, workload):
    global runs
    runs += 1
    phase = {"closed": f"concurrency: {{workers: 50, duration: {seconds}s}}",
             "open": f"rate: {{rps: 2000, duration: {seconds}s}}",
             "slow": f"rate: {{rps: 100, duration: {seconds}s}}"}[workload]
    scen = os.path.join(work, "s.yaml")
    with open(scen, "w") as f:
        f.write(f'version: 1\nname: bench\ntarget: {{url: "{url}"}}\nphases:\n  - {{name: w, {phase}}}\n')
    out = os.path.join(work, f"run{runs}")
    _, cpu, rss = measure([thaw, "run", scen, "--out", out] + thaw_flags)
    p = json.load(open(os.path.join(out, "summary.json")))["phases"][0]
    secs = (parse_time(p["ended"]) - parse_time(p["started"]))
    rate = p["rate_achieved"] if workload != "closed" else p["count"] / secs
    r = dict(n=p["count"], errors=p["errors"], rate=rate, cpu=cpu, rss=rss,
             p50=p["latency"]["p50"], p99=p["latency"]["p99"])
    if p.get("send_lag"):
        r["lag50"], r["lag99"] = p["send_lag"]["p50"], p["send_lag"]["p99"]
    return r


def parse_time(s):
    """RFC 3339 with nanoseconds to seconds since the epoch (float)."""
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", s)
    base = time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    off = 0 if m.group(3) == "Z" else (int(m.group(3)[1:3]) * 60 + int(m.group(3)[4:])) * 60 * (1 if m.group(3)[0] == "+" else -1)
    return calendar.timegm(base) - off + float(m.group(2) or 0)


def run_fortio(url, workload):
    args = {"closed": ["-c", "50", "-qps", "0"], "open": ["-c", "50", "-qps", "2000", "-uniform"],
            "slow": ["-c", "10", "-qps", "100", "-uniform"]}[workload]
    js = os.path.join(work, "fortio.json")
    _, cpu, rss = measure([fortio, "load", "-quiet", "-t", f"{seconds}s", "-json", js] + args + [url])
    d = json.load(open(js))
    h = d["DurationHistogram"]
    pct = {p["Percentile"]: p["Value"] * 1000 for p in h["Percentiles"]}
    ok = d.get("RetCodes", {}).get("200", 0)
    return dict(n=h["Count"], errors=h["Count"] - ok, rate=d["ActualQPS"], cpu=cpu, rss=rss,
                p50=pct[50], p99=pct[99])


def run_vegeta(url, workload):
    args = {"closed": ["-rate=0", "-max-workers=50", "-workers=50"], "open": ["-rate=2000/s"],
            "slow": ["-rate=100/s"]}[workload]
    res = os.path.join(work, "vegeta.bin")
    _, cpu, rss = measure([vegeta, "attack", f"-duration={seconds}s", f"-output={res}"] + args,
                          stdin=f"GET {url}\n")
    d = json.loads(subprocess.run([vegeta, "report", "-type=json", res], capture_output=True,
                                  text=True, check=True).stdout)
    n = d["requests"]
    return dict(n=n, errors=n - d["status_codes"].get("200", 0), rate=d["rate"], cpu=cpu, rss=rss,
                p50=d["latencies"]["50th"] / 1e6, p99=d["latencies"]["99th"] / 1e6)


def run_wrk(url, workload):
    out, cpu, rss = measure([wrk, "-t2", "-c50", f"-d{seconds}s", "--latency", url])
    unit = {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(m.group(1)) * unit[m.group(2)]
    n = int(re.search(r"(\d+) requests in", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = int(m.group(1)) if m else 0
    return dict(n=n, errors=errs, rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                cpu=cpu, rss=rss, p50=pct(50), p99=pct(99))


workloads = [
    ("closed", "closed model, 50 workers", "0s", [("thaw", run_thaw), ("fortio", run_fortio),
                                                  ("vegeta", run_vegeta)] + ([("wrk", run_wrk)] if wrk else [])),
    ("open", "open model, 2,000 rps", "0s", [("thaw", run_thaw), ("fortio", run_fortio), ("vegeta", run_vegeta)]),
    ("slow", "100 rps, 50 ms server", "50ms", [("thaw", run_thaw), ("fortio", run_fortio), ("vegeta", run_vegeta)]),
]

rows = []
for key, title, delay, tools in workloads:
    got = {name: [] for name, _ in tools}
    for _ in range(pairs):
        for name, fn in tools:
            p, url, stats = server(delay)
            try:
                r = fn(url, key)
            finally:
                r_server = stop(p, stats)
            r["server50"] = r_server
            r["cpu_per_k"] = r["cpu"] * 1e6 / max(r["n"], 1)
            tool_bin = {"thaw": thaw, "fortio": fortio, "vegeta": vegeta, "wrk": wrk}[name]
            w = steady.get(tool_bin)
            # steady state: CPU over the middle of the load at the tool's own rate
            r["steady_per_k"] = w[0] * 1e6 / max(r["rate"] * w[1], 1) if w else float("nan")
            if r["errors"]:
                print(f"WARNING: {name} {title}: {r['errors']} of {r['n']} requests failed", file=sys.stderr)
            got[name].append(r)
    med = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in got.items()}
    for name, _ in tools:
        rows.append((title, name, med[name], med["thaw"]))

hdr = ["workload", "tool", "req/s", "CPU-ms/1k req", "steady CPU-ms/1k", "peak RSS MB", "p50 ms", "p99 ms",
       "thaw CPU / tool", "steady thaw / tool", "thaw req/s / tool", "server p50 ms", "thaw send lag p50/p99 ms"]
table = [hdr]
for title, name, m, t in rows:
    lag = f"{m['lag50']:.3f} / {m['lag99']:.3f}" if "lag50" in m else ""
    table.append([title, name, f"{m['rate']:.0f}", f"{m['cpu_per_k']:.1f}", f"{m['steady_per_k']:.1f}", f"{m['rss']:.1f}",
                  f"{m['p50']:.3f}", f"{m['p99']:.3f}",
                  "" if name == "thaw" else f"{t['cpu_per_k'] / m['cpu_per_k']:.2f}x",
                  "" if name == "thaw" else f"{t['steady_per_k'] / m['steady_per_k']:.2f}x",
                  "" if name == "thaw" else f"{t['rate'] / m['rate']:.2f}x",
                  f"{m['server50']:.3f}" if title.startswith("100 rps") else "", lag])
widths = [max(len(r[i]) for r in table) for i in range(len(hdr))]
for i, r in enumerate(table):
    print("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
    if i == 0:
        print("  ".join("-" * w for w in widths))
print(f"CPU is user+sys of the tool's own process, start to exit; thaw runs `thaw run {' '.join(thaw_flags)}` "
      "(samples streamed to disk, default probes, whole-run pass and report included). "
      "Steady CPU is the process's on-CPU time from 1 s into the load to 0.5 s before its end, per 1,000 "
      "requests at the tool's own rate: the per-request cost without start-up and post-run work. "
      "Open model: thaw's req/s is its achieved send rate (target 2000).")




if idle_seconds >= 10:
    # A 10-minute idle phase is too long for a bench: run an idle phase of idle_seconds
    # and read thaw's on-CPU time (all threads, ns) 3 s in and 2 s before the gap ends,
    # so process start, the one request and the whole-run pass stay out of the window.
    p, url, stats = server("0s")
    scen = os.path.join(work, "idle.yaml")
    with open(scen, "w") as f:
        f.write(f'version: 1\nname: idle\ntarget: {{url: "{url}"}}\n'
                f'phases:\n  - {{name: idle, idle: {{intervals: [{idle_seconds}s], samples: 1}}}}\n')
    try:
        t = subprocess.Popen([thaw, "run", scen, "--out", os.path.join(work, "idle")] + thaw_flags,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        t0, c0 = time.monotonic(), cpu_ns(t.pid)
        time.sleep(idle_seconds - 5)
        t1, c1 = time.monotonic(), cpu_ns(t.pid)
        _, status, ru = os.wait4(t.pid, 0)
    finally:
        stop(p, stats)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("thaw run of the idle phase failed")
    per_min = (c1 - c0) / 1e6 / (t1 - t0) * 60
    print(f"\nIdle: over {t1 - t0:.0f} s of a {idle_seconds} s idle phase thaw used {(c1 - c0) / 1e6:.2f} CPU-ms: "
          f"{per_min:.2f} CPU-ms per idle minute, {per_min * 10 / 1000:.3f} CPU-s per 10 minutes "
          f"(measured over {idle_seconds} s, not 10 min; target under 0.1 CPU-s in 10 min). "
          f"The whole run, start and report included: {(ru.ru_utime + ru.ru_stime) * 1000:.0f} CPU-ms.")
