#!/usr/bin/env bash
# Boot an ISO headless and turn its serial transcript into an exit status.
#   bochs-run.sh ISO OUTDIR [CPUS=1] [MEM=128] [TIMEOUT=60] [MODE=hv|bare]
# Environment: VM=bochs (default) or VM=kvm (qemu-system-x86_64 -enable-kvm, nested VMX).
# OUTDIR receives bochsrc, serial.log (the transcript), bochs.log / qemu.log, status.
# Status (make-run convention):
#   hv mode   the LAST "bulwark: RESULT" line decides: "guest-exit value=V status=S" -> S,
#             "triple-fault" -> 66, "hv-failure ..." -> 70; no RESULT line: 124 if the
#             timeout hit, else 70.
#   bare mode (no hypervisor to report port 0xF4 writes) the guest's last "Test result:"
#             line decides: PASS -> 1 (exit value 0), FAIL -> 3 (exit value 1); without one:
#             124 on timeout, 66 when bochs.log shows a triple fault ("3rd (N) exception
#             with no resolution"), else 70.
set -uo pipefail
[ $# -ge 2 ] || { sed -n '2,3p' "$0" >&2; exit 2; }
[ -f "$1" ] || { echo "bochs-run: $1: no such ISO" >&2; exit 70; }
iso=$(realpath "$1") out=$2 cpus=${3:-1} mem=${4:-128} tmo=${5:-60} mode=${6:-hv}
mkdir -p "$out"
out=$(realpath "$out")
serial=$out/serial.log
rm -f "$serial" "$out/bochs.log" "$out/qemu.log" "$out/status"
: >"$serial"

if [ "${VM:-bochs}" = kvm ]; then
  timeout -k 5 "$tmo" qemu-system-x86_64 -enable-kvm -cpu host,+vmx -smp "$cpus" -m "$mem" \
    -cdrom "$iso" -boot d -no-reboot -display none -serial stdio \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >"$serial" 2>"$out/qemu.log"
  rc=$?
else
  cat >"$out/bochsrc" <<CFG
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=tigerlake, count=$cpus, ips=10000000, reset_on_triple_fault=0
megs: $mem
clock: sync=none, time0=946684800
display_library: rfb, options="timeout=0"
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$serial"
mouse: enabled=0
sound: driver=dummy
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
CFG
  echo c >"$out/rc"
  # The rfb display takes the first free TCP port of 5900-5949; when none is
  # free at that instant Bochs panics before the machine starts: try again.
  for attempt in 1 2 3 4 5; do
    : >"$serial"
    timeout -k 5 "$tmo" bochs -q -f "$out/bochsrc" -rc "$out/rc" </dev/null >"$out/bochs.out" 2>&1
    rc=$?
    grep -q 'RFB could not bind' "$out/bochs.out" || break
    echo "bochs-run: no free rfb port (attempt $attempt); retrying" >&2
    sleep $((attempt * 2))
  done
fi

result=$(grep -aE '^bulwark: RESULT ' "$serial" | tail -n 1 | tr -d '\r')
verdict=$(grep -aE '^Test result: ' "$serial" | tail -n 1 | tr -d '\r')
if [ "$mode" = bare ]; then
  case $verdict in
    "Test result: PASS"*) status=1 ;;
    "Test result: "*) status=3 ;;
    *) if [ $rc -eq 124 ]; then status=124
       elif grep -q '3rd (.*) exception with no resolution' "$out/bochs.log" 2>/dev/null; then status=66
       else status=70; fi ;;
  esac
else
  case $result in
    *" guest-exit "*) status=$(sed -nE 's/.* status=([0-9]+).*/\1/p' <<<"$result")
                      status=${status:-70} ;;
    *" triple-fault"*) status=66 ;;
    *" hv-failure"*) status=70 ;;
    *) if [ $rc -eq 124 ]; then status=124; else status=70; fi ;;
  esac
fi
[ $rc -eq 124 ] && [ $status -ne 124 ] && echo "bochs-run: note: the run hit the ${tmo}s timeout" >&2
echo "$status" >"$out/status"
echo "bochs-run: status $status${result:+ ($result)}${verdict:+ ($verdict)}" >&2
exit "$status"
