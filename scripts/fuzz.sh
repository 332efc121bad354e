#!/usr/bin/env bash
# make fuzz (not in CI): every native fuzz target of the module (func FuzzXxx in a
# _test.go file), FUZZTIME each (default 30s), one after the other, with
# FUZZPARALLEL workers (default 1: the machine is shared). FUZZ=regexp picks targets
# by name. New crashers are saved under the package's testdata/fuzz; exit 1 on any.
# Minimizing a new input is capped at 5s (the default 60s stalls a loaded machine).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-30s}
parallel=${FUZZPARALLEL:-1}
pick=${FUZZ:-.}
fail=0
ran=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while read -r file name; do
	[[ "$name" =~ $pick ]] || continue
	pkg=./$(dirname "$file")
	echo "== $pkg $name ($fuzztime)"
	ran=$((ran + 1))
	if ! go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s -parallel "$parallel" > "$log" 2>&1; then
		fail=1
		grep -v '^fuzz: elapsed' "$log" | tail -n 20 # the failure and the crasher file to re-run it
	else
		grep '^fuzz: elapsed' "$log" | tail -n 1
	fi
done < <(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's#^\./##; s/:func / /' | sort)
echo "== $ran fuzz targets, $fuzztime each: $([ $fail = 0 ] && echo 'no crash' || echo 'CRASHES: see above')"
exit $fail
