#!/usr/bin/env python3
"""gen-k6-json.py OUT LINES: write a k6 `--out json` file of about LINES lines, shaped
like a k6 run that used extensions/k6/thaw.js (for make bench: thaw ingest k6).

Per request: the nine http_req_* points with the request id as metadata, thaw.js's
verdict points (faas_req_duration, faas_cold_rate, a cold/warm trend) and the
iteration's data_sent, data_received, iteration_duration and iterations; vus every
1000 requests. 5 % cold, 1 % 503. Deterministic (seeded)."""
import sys, random
out_path, want_lines = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
http = ["http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting", "http_req_tls_handshaking",
        "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"]
lines = 0
with open(out_path, "w") as f:
    w = f.write
    for m, typ, contains in [("vus","gauge","default"),("http_reqs","counter","default"),("faas_req_duration","trend","time")]:
        w('{"type":"Metric","data":{"name":"%s","type":"%s","contains":"%s","thresholds":[],"submetrics":null},"metric":"%s"}\n' % (m, typ, contains, m)); lines += 1
    i = 0
    base_s = 1796032800
    while lines < want_lines:
        i += 1
        ns = i * 20_000_000
        sec, frac = base_s + ns // 10**9, ns % 10**9
        t = "2026-11-30T10:%02d:%02d.%09dZ" % ((sec - base_s) // 60 % 60, (sec - base_s) % 60, frac)
        cold = rnd.random() < 0.05
        scen = "steady" if i % 3 else "burst"
        status = 503 if rnd.random() < 0.01 else 200
        wait = (300 if cold else 8) + rnd.random() * 4
        tags = '{"expected_response":"%s","group":"","method":"GET","name":"http://127.0.0.1:8080/fn","proto":"HTTP/1.1","scenario":"%s","status":"%d","tls_version":"","url":"http://127.0.0.1:8080/fn"%s}' % (
            "true" if status == 200 else "false", scen, status, "" if status == 200 else ',"error_code":"1503"')
        meta = '{"request_id":"k6-1-%d-abc"}' % i
        vals = [1, wait + 0.15, 0.01, 0, 0, 0.05, wait, 0.1, 0 if status == 200 else 1]
        for m, v in zip(http, vals):
            w('{"metric":"%s","type":"Point","data":{"time":"%s","value":%g,"tags":%s,"metadata":%s}}\n' % (m, t, v, tags, meta))
        cls = "cold" if cold else "warm"
        vmeta = '{"request_id":"k6-1-%d-abc","faas_instance":"i-%d"%s}' % (i, i % 50, ',"faas_init_ms":"250"' if cold else "")
        vt = '{"faas_class":"%s","group":"","scenario":"%s"}' % (cls, scen)
        w('{"metric":"faas_req_duration","type":"Point","data":{"time":"%s","value":%g,"tags":%s,"metadata":%s}}\n' % (t, wait, vt, vmeta))
        w('{"metric":"faas_cold_rate","type":"Point","data":{"time":"%s","value":%d,"tags":%s,"metadata":%s}}\n' % (t, 1 if cold else 0, vt, vmeta))
        w('{"metric":"faas_%s_duration","type":"Point","data":{"time":"%s","value":%g,"tags":%s,"metadata":%s}}\n' % (cls, t, wait, vt, vmeta))
        it = '{"group":"","scenario":"%s"}' % scen
        for m, v in [("data_sent", 120), ("data_received", 310), ("iteration_duration", wait + 1), ("iterations", 1)]:
            w('{"metric":"%s","type":"Point","data":{"time":"%s","value":%g,"tags":%s}}\n' % (m, t, v, it))
        lines += 16
        if i % 1000 == 0:
            w('{"metric":"vus","type":"Point","data":{"time":"%s","value":10,"tags":null}}\n' % t); lines += 1
