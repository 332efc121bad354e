"""A plain Python HTTP function (Cloud Run, Knative, thaw emulate --handler) that tells
thaw whether it was cold: instance id, cold flag, time since init and per-instance count
in X-Function-* headers and as JSON body fields. Standard library only."""
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


def mark():
    """Returns (headers, facts) for this invocation."""
    global _count
    with _lock:
        _count += 1
        n = _count
    facts = {"instance": INSTANCE, "cold": n == 1,
             "since_init_ms": int((time.monotonic() - INIT_AT) * 1000), "count": n}
    headers = {"X-Function-Instance": INSTANCE, "X-Function-Cold": str(n == 1).lower(),
               "X-Function-Since-Init-Ms": str(facts["since_init_ms"]), "X-Function-Count": str(n)}
    return headers, facts
# ----------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        headers, facts = mark()
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
