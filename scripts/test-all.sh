#!/usr/bin/env bash
# `make test` (after the build): host unit tests, fuzzers (20 s each, when
# scripts/run-fuzz.sh exists), then every guest-test scenario under the hypervisor.
# Each stage ends with "N passed, N failed"; this prints the sums the same way.
set -uo pipefail
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

stage() { # NAME COMMAND...
  local name=$1 rc p f; shift
  echo "== $name"
  "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
  read -r p f < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 |
                  sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/')
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$name: exited with $rc" >&2; fi
  total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
}

units=()
for u in build/unit/test_*; do [[ -x $u && $u != *.d ]] && units+=("$u"); done
stage unit bash scripts/run-unit.sh ${units[@]+"${units[@]}"}
[ -f scripts/run-fuzz.sh ] && stage fuzz bash scripts/run-fuzz.sh 20
stage scenarios python3 scripts/scenarios.py
echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
