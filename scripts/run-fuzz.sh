#!/usr/bin/env bash
# Run every libFuzzer harness in build/fuzz/ for SECONDS seconds each.
# Corpus: build/fuzz/corpus/<name>/ (grows), seeds generated into
# build/fuzz/seeds/<name>/ by tests/fuzz/gen_seeds.py, plus committed inputs
# in tests/fuzz/corpus/<name>/ when present. Crashes are saved as
# build/fuzz/crash-<name>-*. Prints "fuzz <name>: ok (N runs)" or a failure
# per harness and a closing "N passed, N failed".
set -u
secs=${1:?usage: run-fuzz.sh SECONDS}
cd "$(dirname "$0")/.."
out=build/fuzz
python3 tests/fuzz/gen_seeds.py "$out/seeds" || exit 1
pass=0; fail=0
for bin in "$out"/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  name=${bin##*/fuzz_}
  dirs=("$out/corpus/$name")
  mkdir -p "${dirs[0]}"
  [ -d "$out/seeds/$name" ] && dirs+=("$out/seeds/$name")
  [ -d "tests/fuzz/corpus/$name" ] && dirs+=("tests/fuzz/corpus/$name")
  log="$out/$name.log"
  if "$bin" -max_total_time="$secs" -print_final_stats=1 \
       -artifact_prefix="$out/crash-$name-" "${dirs[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz $name: ok (${runs:-0} runs)"
    pass=$((pass + 1))
  else
    tail -40 "$log"
    echo "fuzz $name: FAILED (log $log)"
    fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
