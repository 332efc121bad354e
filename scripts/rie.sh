#!/usr/bin/env bash
# rie.sh (make rie): build the Go test handler as a provided.al2-style bootstrap, start
# the AWS Lambda Runtime Interface Emulator (the go.mod tool dependency, `go tool
# aws-lambda-rie`) on loopback with it, run scenarios/examples/lambda-rie.yaml through
# the lambda target, and stop the emulator. The platform probe reads the emulator's log.
# Settings (environment): BIN (bin/thaw), GO (go), PORT (9001), OUT (results/lambda-rie),
# INIT_MS (150: the handler's init work).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/thaw}
GO=${GO:-go}
PORT=${PORT:-9001}
OUT=${OUT:-results/lambda-rie}
[ -x "$BIN" ] || { echo "rie: $BIN not built (run make build)" >&2; exit 2; }

TMP=$(mktemp -d)
RIE=""
cleanup() {
	if [ -n "$RIE" ] && kill -0 "$RIE" 2>/dev/null; then
		kill "$RIE" 2>/dev/null || true
		wait "$RIE" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CGO_ENABLED=0 "$GO" build -tags lambda.norpc -o "$TMP/bootstrap" ./internal/testfn/rie
EMULATOR=$("$GO" tool -n aws-lambda-rie)

# Fake static credentials, and no credentials endpoint, for the emulator and for thaw.
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_PROFILE AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export RIE_LOG="$TMP/rie.log" THAW_FN_INIT_MS=${INIT_MS:-150}

"$EMULATOR" --runtime-interface-emulator-address "127.0.0.1:$PORT" \
	--runtime-api-address "127.0.0.1:$((PORT + 1))" "$TMP/bootstrap" >"$RIE_LOG" 2>&1 &
RIE=$!
for _ in $(seq 1 100); do
	(echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	kill -0 "$RIE" 2>/dev/null || { cat "$RIE_LOG" >&2; exit 1; }
	sleep 0.1
done

rm -rf -- "$OUT"
"$BIN" run scenarios/examples/lambda-rie.yaml --target "http://127.0.0.1:$PORT" --out "$OUT" --quiet
echo "emulator: $(grep -o 'INIT REPORT(durationMs: [0-9.]*' "$RIE_LOG" | head -1)"
echo "thaw:     first sample $(head -1 "$OUT/samples.ndjson" | grep -o '"class":"[a-z]*"\|"decided_by":"[a-z]*"\|"init_ms":[0-9.]*' | tr '\n' ' ')"
