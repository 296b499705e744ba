#!/usr/bin/env bash
# `make run`: boot one guest kernel under Bulwark (or bare), stream its serial
# transcript, exit with the run's status (see scripts/bochs-run.sh).
# Settings come from the environment (make passes its command-line variables):
#   GUEST=FILE            guest kernel (default: the demo — guest-tests/smp-attack-2 on 2 CPUs
#                         with its policy: attacks from an AP while the boot CPU works — and
#                         then the records rendered by bw-report)
#   GUEST_ARGS="..."      guest command line after the kernel's name
#   GUEST_MODULES="F ..." guest modules, in order
#   POLICY=FILE           policy module
#   HV_ARGS="..."         hypervisor command line
#   CPUS=N MEM=MiB        machine (default 1, 128)
#   VM=bochs|kvm          emulator (default bochs; kvm needs nested VMX on the host)
#   TIMEOUT=s             default 120
#   BARE=1                boot the guest directly, without the hypervisor
set -uo pipefail
cd "$(dirname "$0")/.."
demo=
if [ -z "${GUEST:-}" ]; then
  demo=guest-tests/smp-attack-2
  GUEST=build/guests/smp-attack-2.elf
  GUEST_ARGS=${GUEST_ARGS:-$(sed -n 's/^args //p' $demo/scenario)}
  POLICY=${POLICY:-$demo/policy}
  CPUS=${CPUS:-2}
fi
mode=hv; [ "${BARE:-0}" = 1 ] && mode=bare
out=build/runs/run-${VM:-bochs}-$mode
rm -rf "$out" && mkdir -p "$out"

iso_args=(--args "${GUEST_ARGS:-}" --hv-args "${HV_ARGS:-}")
for m in ${GUEST_MODULES:-}; do iso_args+=(--module "$m"); done
[ -n "${POLICY:-}" ] && iso_args+=(--policy "$POLICY")
[ $mode = bare ] && iso_args+=(--bare)
bash scripts/mkiso.sh "$out/boot.iso" "$GUEST" "${iso_args[@]}" || exit 70

echo "run: $mode ${VM:-bochs} $GUEST ${GUEST_ARGS:-} (transcript: $out/serial.log)" >&2
: >"$out/serial.log"
bash scripts/bochs-run.sh "$out/boot.iso" "$out" "${CPUS:-1}" "${MEM:-128}" "${TIMEOUT:-120}" $mode &
pid=$!
trap 'kill $pid 2>/dev/null' INT TERM
tail -n +1 -F --pid=$pid "$out/serial.log" 2>/dev/null
wait $pid
rc=$?
if [ -n "$demo" ] && [ $mode = hv ]; then
  echo "== what Bulwark enforced (make report LOG=$out/serial.log)"
  build/bw-report "$out/serial.log"
fi
exit $rc
