#!/bin/sh
# install-offline.sh: install serverless@3.40.0 and serverless-offline@13.9.0 for the
# serverless-offline integration test, from the committed package-lock.json (npm ci,
# reaching only the npm registry). Idempotent: does nothing when they are installed.
set -eu
cd "$(dirname "$0")/../internal/testfn/offline"

if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-offline: npm is needed (Node.js 18 or later)" >&2; exit 1; }
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
