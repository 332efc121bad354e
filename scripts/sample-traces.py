#!/usr/bin/env python3
"""Writes the small synthetic traces in scenarios/examples/traces/ (made by thaw, not
taken from the Azure datasets): the same columns as the public Azure Functions traces,
with invented hashes and counts. Deterministic: running it again gives the same files.

    python3 scripts/sample-traces.py scenarios/examples/traces
"""
import math, os, random, sys

out = sys.argv[1] if len(sys.argv) > 1 else "scenarios/examples/traces"
os.makedirs(out, exist_ok=True)
rng = random.Random(2019)

# azure-2019: HashOwner,HashApp,HashFunction,Trigger,1..1440 (invocations per minute)
funcs = [
    ("o1", "a1", "f1http", "http", lambda m: int(20 + 15 * math.sin(2 * math.pi * m / 1440) + rng.randint(0, 6))),
    ("o1", "a1", "f2queue", "queue", lambda m: rng.choice([0, 0, 0, 3, 8, 12])),
    ("o2", "a2", "f3timer", "timer", lambda m: 1),
    ("o3", "a3", "f4rare", "http", lambda m: 1 if m % 37 == 0 else 0),
]
with open(os.path.join(out, "azure-2019-invocations.csv"), "w") as f:
    f.write("HashOwner,HashApp,HashFunction,Trigger," + ",".join(str(i) for i in range(1, 1441)) + "\n")
    for owner, app, fn, trig, count in funcs:
        f.write(f"{owner},{app},{fn},{trig}," + ",".join(str(count(m)) for m in range(1440)) + "\n")

# azure-2019 durations: HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_…
with open(os.path.join(out, "azure-2019-durations.csv"), "w") as f:
    f.write("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"
            "percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,"
            "percentile_Average_75,percentile_Average_99,percentile_Average_100\n")
    for (owner, app, fn, _, _), avg in zip(funcs, [120, 850, 40, 2300]):
        f.write(f"{owner},{app},{fn},{avg},1000,{avg//4},{avg*5},{avg//4},{avg//3},{avg*3//4},{avg},{avg*5//4},{avg*3},{avg*5}\n")

# azure-2021: app,func,end_timestamp,duration (seconds from the trace start), one row
# per invocation, in end order like the real file.
rows = []
for app, fn, rate in [("app1", "fa", 0.5), ("app1", "fb", 0.1), ("app2", "fc", 0.05)]:
    t = rng.expovariate(rate)
    while t < 30 * 60:
        d = round(rng.lognormvariate(-1.5, 1.0), 3)
        rows.append((app, fn, round(t + d, 3), d))
        t += rng.expovariate(rate)
rows.sort(key=lambda r: r[2])
with open(os.path.join(out, "azure-2021-invocations.csv"), "w") as f:
    f.write("app,func,end_timestamp,duration\n")
    for r in rows:
        f.write(f"{r[0]},{r[1]},{r[2]},{r[3]}\n")
