#!/usr/bin/env bash
# Run host unit-test programs (cmocka); print per-program results and a
# closing "N passed, N failed" counted in test cases.
set -u
pass=0; fail=0
for bin in "$@"; do
  out=$(CMOCKA_MESSAGE_OUTPUT=stdout "$bin" 2>&1); rc=$?
  p=$(grep -cE '^\[       OK \]' <<<"$out")
  f=$(grep -cE '^\[  (FAILED|ERROR) \]' <<<"$out" | head -1)
  f=$(grep -E '^\[  FAILED  \] [0-9]+ test' <<<"$out" | awk '{print $4}' | head -1)
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed (sanitizer, abort)
  if [ "$rc" -ne 0 ]; then echo "$out" | tail -40; fi
  echo "unit $(basename "$bin"): $p passed, $f failed"
  pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
