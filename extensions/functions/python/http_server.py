"""A plain Python HTTP function (Cloud Run, Knative, thaw emulate --handler) that tells
thaw whether it was cold: instance id, cold flag, time since init, per-instance count and
the request's CPU time in X-Function-* headers and as JSON body fields. Standard library only."""
import json
import os
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# --- the few lines to copy into your function -----------------------------------------
INIT_AT = time.monotonic()  # module import: the instance's cold start
INSTANCE = secrets.token_hex(8)
_count = 0
_lock = threading.Lock()


def mark(cpu_start):
    """Returns (headers, facts) for this invocation; cpu_start is time.process_time()
    read when the request started (the difference is the CPU time it used, an upper
    bound while other requests run at once: what CPU-billed platforms charge for)."""
    global _count
    with _lock:
        _count += 1
        n = _count
    cpu = "%.3f" % max(0.0, (time.process_time() - cpu_start) * 1000)
    facts = {"instance": INSTANCE, "cold": n == 1,
             "since_init_ms": int((time.monotonic() - INIT_AT) * 1000), "count": n, "cpu_ms": float(cpu)}
    headers = {"X-Function-Instance": INSTANCE, "X-Function-Cold": str(n == 1).lower(),
               "X-Function-Since-Init-Ms": str(facts["since_init_ms"]), "X-Function-Count": str(n),
               "X-Function-Cpu-Ms": cpu}
    return headers, facts
# ----------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        cpu_start = time.process_time()
        # ... the function's work goes here ...
        headers, facts = mark(cpu_start)
        body = json.dumps(facts).encode()
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print(f"listening on {port}", flush=True)
    ThreadingHTTPServer((os.environ.get("HOST", ""), port), Handler).serve_forever()
