#!/usr/bin/env bash
# Fuzz every Fuzz target of the root package for ${FUZZTIME:-20s} each and
# print, per target, its last status line (elapsed, execs). A target that
# fails leaves its input in testdata/fuzz/<Target>/ (commit it with the fix)
# and makes the script exit 1 after the other targets have run.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-20s}
mapfile -t targets < <(go test -list '^Fuzz' . | grep '^Fuzz')
if [ "${#targets[@]}" -eq 0 ]; then
	echo "no Fuzz targets found"; exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for t in "${targets[@]}"; do
	if go test -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" . >"$log" 2>&1; then
		status=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
		printf '%-22s %s\n' "$t" "${status:-(no status line)}"
	else
		printf '%-22s FAILED\n' "$t"
		cat "$log"
		failed+=("$t")
	fi
done
if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz targets failed: ${failed[*]}"; exit 1
fi
