#!/usr/bin/env bash
# Install every Debian package Bulwark's build, run and tests need, and fetch
# Zydis' Debian source package. Idempotent: does nothing when all is present.
set -euo pipefail

PKGS=(
  build-essential gcc binutils make clang lld llvm libclang-rt-14-dev
  bochs bochsbios vgabios bximage
  grub-pc-bin grub-common xorriso mtools
  libzycore-dev libcapstone-dev libcmocka-dev
  dpkg-dev qemu-system-x86 python3
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Zydis is compiled into the hypervisor from Debian's source package, which
# needs a deb-src entry mirroring the existing deb one.
ensure_deb_src() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ] && ! grep -q '^Types:.*deb-src' "$f"; then
    $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
    return 0
  fi
  if [ ! -f "$f" ] && [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee -a /etc/apt/sources.list >/dev/null
    return 0
  fi
  return 1
}

need_update=0
if ensure_deb_src; then need_update=1; fi
[ ${#missing[@]} -eq 0 ] || need_update=1

if [ "$need_update" -eq 1 ]; then
  echo "deps: apt-get update" >&2
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
