#!/usr/bin/env bash
# Build a GRUB ISO that boots a guest-test kernel under Bulwark, or bare.
#   mkiso.sh OUT.iso GUEST.elf [--bare] [--args "ARGS"] [--module FILE]...
#            [--hv FILE] [--hv-args "ARGS"] [--policy FILE]
# Hypervisor mode (default):
#   multiboot2 /boot/bulwark.elf HV-ARGS
#   module2 --nounzip /boot/guest.elf guest NAME ARGS     (NAME = basename of GUEST)
#   module2 --nounzip /boot/modN guest-module BASENAME    (one per --module, in order)
#   module2 --nounzip /boot/bulwark.policy policy         (with --policy)
# Bare mode: multiboot /boot/guest.elf NAME ARGS, module --nounzip /boot/modN BASENAME.
# Either way the guest's command line starts with its name (the QEMU convention).
# Files are copied byte for byte (--nounzip: GRUB would otherwise gunzip them). GRUB
# stays off the serial port so the transcript holds only what Bulwark and the guest print.
set -euo pipefail

usage() { sed -n '2,3p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
out=$1 guest=$2; shift 2
bare=0 args="" hv=build/bulwark.elf hv_args="" policy=""
modules=()
while [ $# -gt 0 ]; do
  case $1 in
    --bare) bare=1; shift ;;
    --args) args=$2; shift 2 ;;
    --module) modules+=("$2"); shift 2 ;;
    --hv) hv=$2; shift 2 ;;
    --hv-args) hv_args=$2; shift 2 ;;
    --policy) policy=$2; shift 2 ;;
    *) usage ;;
  esac
done

# Quote each word for GRUB's shell-like parser when it holds anything beyond plain chars.
words() {
  local w ws q=()
  read -ra ws <<<"$1"
  for w in ${ws[@]+"${ws[@]}"}; do
    if [[ $w =~ ^[A-Za-z0-9_.,=/:+@%-]+$ ]]; then q+=("$w"); else q+=("'${w//\'/\'\\\'\'}'"); fi
  done
  echo "${q[*]}"
}

stage=$(mktemp -d "${out%/*}/.iso-stage.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$guest" "$stage/boot/guest.elf"
cfg="$stage/boot/grub/grub.cfg"
printf 'set timeout=0\nset default=0\nmenuentry "bulwark" {\n' >"$cfg"
if [ $bare -eq 1 ]; then
  echo "  multiboot /boot/guest.elf $(words "$(basename "$guest") $args")" >>"$cfg"
else
  [ -f "$hv" ] || { echo "mkiso: hypervisor image $hv is missing" >&2; exit 1; }
  cp "$hv" "$stage/boot/bulwark.elf"
  echo "  multiboot2 /boot/bulwark.elf $(words "$hv_args")" >>"$cfg"
  echo "  module2 --nounzip /boot/guest.elf guest $(words "$(basename "$guest") $args")" >>"$cfg"
fi
i=0
for m in ${modules[@]+"${modules[@]}"}; do
  cp "$m" "$stage/boot/mod$i"
  if [ $bare -eq 1 ]; then
    echo "  module --nounzip /boot/mod$i $(words "$(basename "$m")")" >>"$cfg"
  else
    echo "  module2 --nounzip /boot/mod$i guest-module $(words "$(basename "$m")")" >>"$cfg"
  fi
  i=$((i + 1))
done
if [ -n "$policy" ] && [ $bare -eq 0 ]; then
  cp "$policy" "$stage/boot/bulwark.policy"
  echo "  module2 --nounzip /boot/bulwark.policy policy" >>"$cfg"
fi
printf '  boot\n}\n' >>"$cfg"

if ! log=$(grub-mkrescue -o "$out" "$stage" 2>&1); then
  echo "$log" >&2
  echo "mkiso: grub-mkrescue failed" >&2
  exit 1
fi
