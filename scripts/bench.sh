#!/usr/bin/env bash
# `make bench`: boot the bench kernel bare and under Bulwark in the same Bochs
# configuration (in parallel) and print ticks per round trip side by side, plus the
# hypervisor's own figures from its transcript. TSC ticks = emulated instructions.
# Environment: CPUS (1), MEM (128 MiB), TIMEOUT (120 s).
set -uo pipefail
cd "$(dirname "$0")/.."
kernel=build/guests/bench.elf
[ -f "$kernel" ] || { echo "bench: $kernel missing (make guests)" >&2; exit 1; }

for mode in bare hv; do
  out=build/runs/bench-$mode
  rm -rf "$out" && mkdir -p "$out"
  if [ $mode = hv ] && [ ! -f build/bulwark.elf ]; then
    echo "bench: build/bulwark.elf missing; hypervisor column is n/a" >&2; continue
  fi
  if [ $mode = bare ]; then iso_flags=(--bare); else iso_flags=(--hv build/bulwark.elf); fi
  bash scripts/mkiso.sh "$out/boot.iso" "$kernel" "${iso_flags[@]}" || exit 1
  bash scripts/bochs-run.sh "$out/boot.iso" "$out" "${CPUS:-1}" "${MEM:-128}" \
    "${TIMEOUT:-120}" $mode 2>"$out/run.log" &
done
wait

# figure MODE WHAT -> ticks from "bench WHAT ticks=N", or n/a
figure() {
  local v
  v=$(grep -aoE "^bench $2 ticks=[0-9]+" "build/runs/bench-$1/serial.log" 2>/dev/null |
      tail -n 1 | cut -d= -f2)
  echo "${v:-n/a}"
}
ratio() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ && $1 -gt 0 ]] && awk "BEGIN{printf \"%.2fx\", $2/$1}" || echo n/a; }
# hv_line REGEX -> the matching part of the last such hypervisor line, or n/a
hv_line() {
  local v
  v=$(grep -aoE "$1" build/runs/bench-hv/serial.log 2>/dev/null | tail -n 1 | tr -d '\r')
  echo "${v:-n/a}"
}

printf '%-26s %12s %12s %9s\n' "TSC ticks" bare bulwark ratio
for what in cpuid wrmsr vmcall compute; do
  b=$(figure bare $what) h=$(figure hv $what) label="$what (per round trip)"
  [ $what = compute ] && label="compute loop (total)"
  printf '%-26s %12s %12s %9s\n' "$label" "$b" "$h" "$(ratio "$b" "$h")"
done
echo "hypervisor reserved memory: $(hv_line 'reserved memory.*KiB' | sed 's/^reserved memory *:* *//')"
echo "hypervisor EPT table pages: $(hv_line '[0-9]+ table pages' | awk '{print $1}')"
echo "transcripts: build/runs/bench-bare/serial.log build/runs/bench-hv/serial.log"
[ "$(figure bare compute)" != n/a ] && [ "$(figure hv compute)" != n/a ]
