#!/usr/bin/env bash
# `make bench`: boot the bench kernel bare and under Bulwark in the same Bochs
# configuration (two at a time) and print ticks per operation side by side, plus the
# hypervisor's own figures from its transcripts. TSC ticks = emulated instructions.
#   bench-bare, bench-hv      micro-benchmarks; hv with guest-tests/bench/policy
#   benign-bare, benign-hv    the kernel-like workload ("benign"); hv with policies/strict.policy
# Environment: CPUS (1), MEM (128 MiB), TIMEOUT (120 s).
set -uo pipefail
cd "$(dirname "$0")/.."
kernel=build/guests/bench.elf
[ -f "$kernel" ] || { echo "bench: $kernel missing (make guests)" >&2; exit 1; }

# start RUN MODE [mkiso options...]: boot in the background into build/runs/RUN
start() {
  local out=build/runs/$1 mode=$2
  shift 2
  rm -rf "$out" && mkdir -p "$out"
  if [ "$mode" = hv ]; then
    [ -f build/bulwark.elf ] || { echo "bench: build/bulwark.elf missing; $out is n/a" >&2; return; }
    set -- --hv build/bulwark.elf "$@"
  else
    set -- --bare "$@"
  fi
  bash scripts/mkiso.sh "$out/boot.iso" "$kernel" "$@" || exit 1
  bash scripts/bochs-run.sh "$out/boot.iso" "$out" "${CPUS:-1}" "${MEM:-128}" \
    "${TIMEOUT:-120}" "$mode" 2>"$out/run.log" &
}
start bench-bare bare
start bench-hv hv --policy guest-tests/bench/policy
wait
start benign-bare bare --args benign
start benign-hv hv --args benign --policy policies/strict.policy
wait

# last RUN REGEX -> the last match in RUN's transcript, or nothing
last() { grep -aoE "$2" "build/runs/$1/serial.log" 2>/dev/null | tail -n 1 | tr -d '\r'; }
# figure RUN WHAT -> ticks from "bench WHAT ticks=N", or n/a
figure() { local v; v=$(last "$1" "^bench $2 ticks=[0-9]+" | cut -d= -f2); echo "${v:-n/a}"; }
num() { [[ $1 =~ ^[0-9]+$ ]]; }
ratio() { num "$1" && num "$2" && [ "$1" -gt 0 ] && awk "BEGIN{printf \"%.2fx\", $2/$1}" || echo n/a; }
row() { printf '%-44s %12s %12s %9s\n' "$1" "$2" "$3" "$4"; }

row "TSC ticks (per operation unless total)" bare bulwark ratio
while IFS=: read -r what label; do
  b=$(figure bench-bare "$what") h=$(figure bench-hv "$what")
  row "$label" "$b" "$h" "$(ratio "$b" "$h")"
done <<'EOF'
cpuid:CPUID
wrmsr:WRMSR, guarded MSR not yet armed
vmcall:VMCALL (PING)
msr-deny-logged:WRMSR to armed MSR, denied, record printed
msr-deny:WRMSR to armed MSR, denied, record suppressed
mem-deny-logged:protected write denied, record printed
mem-deny:protected write denied, record suppressed
mem-neighbour-first:neighbour write (emulated), first
mem-neighbour:neighbour write (emulated), mean of 2000
compute:compute loop (total)
EOF
b=$(figure benign-bare benign) h=$(figure benign-hv benign)
row "benign workload, strict policy (total)" "$b" "$h" "$(ratio "$b" "$h")"

echo "protected write after 2001 neighbour writes (bulwark): $(last bench-hv 'after neighbour writes: [a-z]+' | sed 's/.*: //')"
echo
# splits RUN -> "N (table pages B at boot, E at exit)" from the EPT lines
splits() {
  local boot end
  boot=$(last "$1" 'EPT: identity map.*table pages' | grep -oE '[0-9]+ table pages' | cut -d' ' -f1)
  end=$(last "$1" 'EPT at exit: .*')
  [ -n "$end" ] || { echo "n/a (no 'EPT at exit' line)"; return; }
  local at_boot at_end
  at_boot=$(last "$1" 'EPT: identity map.*' | grep -oE '[0-9]+ 2M' | cut -d' ' -f1)
  at_end=$(grep -oE '[0-9]+ 2M' <<<"$end" | cut -d' ' -f1)
  echo "$((at_end - ${at_boot:-0})) by the policy, $at_end in all (EPT table pages: ${boot:-?} at boot," \
    "$(grep -oE '[0-9]+ table pages' <<<"$end" | cut -d' ' -f1) at exit)"
}
echo "hypervisor reserved memory: $(last bench-hv 'reserved memory.*KiB' | grep -oE '[0-9]+ KiB$')"
echo "2 MiB pages split, bench policy: $(splits bench-hv)"
echo "2 MiB pages split, strict policy: $(splits benign-hv)"
exits=$(last benign-hv 'intercepted [0-9]+ exits' | grep -oE '[0-9]+')
if num "${exits:-}" && num "$h"; then
  echo "benign workload under strict policy: $exits exits in $h instructions =" \
    "$(awk "BEGIN{printf \"%.2f\", $exits * 1e6 / $h}") exits per million instructions"
  echo "  by reason:$(sed -n '/intercepted [0-9]* exits/,/RESULT/p' build/runs/benign-hv/serial.log |
    grep -aE '^bulwark:   ' | tr -d '\r' | sed -E 's/^bulwark: +//; s/ {2,}/ /' | paste -sd, | sed 's/,/, /g; s/^/ /')"
  echo "  violation records: $(grep -acE '"action":"(deny|log)"' build/runs/benign-hv/serial.log)"
else
  echo "benign workload under strict policy: n/a"
fi
echo "transcripts: build/runs/{bench,benign}-{bare,hv}/serial.log"
[ "$(figure bench-bare compute)" != n/a ] && [ "$(figure bench-hv compute)" != n/a ] && num "$h"
ok=$?

# SMP: guest-tests/bench-smp (bench's CPUID/WRMSR/VMCALL loops on the boot CPU while every AP
# runs busy work without exits, then VMCALL ARM of a policy with 16 protected pages, each
# one EPT shootdown) on 1, 2 and 4 CPUs, all three at once: bench-smp{1,2,4}-hv.
[ -f build/guests/bench-smp.elf ] || { echo "bench: build/guests/bench-smp.elf missing (make guests)" >&2; exit 1; }
for n in 1 2 4; do
  kernel=build/guests/bench-smp.elf CPUS=$n start "bench-smp$n-hv" hv --args "cpus=$n" \
    --policy guest-tests/bench-smp/policy
done
wait
# shootdowns RUN -> "mean X ticks (max Y)" from the exit summary, or n/a
shootdowns() {
  local l
  l=$(last "$1" 'EPT shootdowns: [0-9]+, mean [0-9]+ max [0-9]+')
  [ -n "$l" ] && sed -E 's/.*mean ([0-9]+) max ([0-9]+)/mean \1 ticks (max \2)/' <<<"$l" || echo n/a
}
echo
row "TSC ticks per operation, boot CPU" "1 CPU" "2 CPUs" "4 CPUs"
while IFS=: read -r run what label; do
  row "$label" "$(figure "$run" "$what")" "$(figure bench-smp2-hv "$what")" "$(figure bench-smp4-hv "$what")"
done <<'EOF'
bench-hv:cpuid:CPUID
bench-hv:wrmsr:WRMSR, guarded MSR not yet armed
bench-hv:vmcall:VMCALL (PING)
bench-smp1-hv:arm:VMCALL ARM, 16 protected pages
EOF
echo "(1 CPU: bench-hv, ARM from bench-smp1-hv; the APs run busy work throughout)"
echo "EPT shootdown: $(shootdowns bench-smp2-hv) with 2 CPUs / $(shootdowns bench-smp4-hv) with 4 CPUs;" \
  "$(shootdowns bench-smp1-hv) with 1 CPU (local INVEPT only)"
echo "transcripts: build/runs/bench-smp{1,2,4}-hv/serial.log"
[ "$ok" -eq 0 ] && for n in 1 2 4; do
  num "$(figure "bench-smp$n-hv" arm)" && [ "$(shootdowns "bench-smp$n-hv")" != n/a ] || exit 1
done
