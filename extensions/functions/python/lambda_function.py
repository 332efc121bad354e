"""An AWS Lambda handler (Python runtime; API Gateway or function URL proxy response)
that tells thaw whether it was cold: instance id, cold flag, time since init and
per-instance count in X-Function-* headers and as JSON body fields."""
import json
import secrets
import time

INIT_AT = time.monotonic()  # module import: the sandbox's cold start
INSTANCE = secrets.token_hex(8)
_count = 0


def handler(event, context):
    global _count
    _count += 1  # Lambda runs one invocation at a time per sandbox
    facts = {"instance": INSTANCE, "cold": _count == 1,
             "since_init_ms": int((time.monotonic() - INIT_AT) * 1000), "count": _count}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Function-Instance": INSTANCE,
                    "X-Function-Cold": str(_count == 1).lower(),
                    "X-Function-Since-Init-Ms": str(facts["since_init_ms"]),
                    "X-Function-Count": str(_count)},
        "body": json.dumps(facts),
    }
