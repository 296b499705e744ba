#!/usr/bin/env bash
# Fetch Debian's `zydis` source package and unpack its upstream tarball.
# Usage: zydis-fetch.sh [DEST]   (default build/zydis-src)
# Result: DEST/zydis is the unpacked upstream tree (include/, src/). Idempotent;
# safe against a concurrent run (work happens in a private temporary directory
# and the tree appears with one rename). Nothing here is ever committed.
set -euo pipefail

dest=${1:-build/zydis-src}
tree="$dest/zydis"
have_tree() { [ -f "$tree/include/Zydis/Zydis.h" ] && [ -f "$tree/src/Decoder.c" ]; }
die() { echo "zydis-fetch: $*" >&2; exit 1; }

have_tree && exit 0
[ -f /usr/include/Zycore/Zycore.h ] ||
  die "zycore headers missing (/usr/include/Zycore); install libzycore-dev: bash scripts/deps.sh"
command -v apt-get >/dev/null || die "apt-get not found; Zydis comes from Debian's source package"

mkdir -p "$dest"
work=$(mktemp -d "$dest/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
orig=("$dest"/zydis_*.orig.tar.*)
if [ ${#orig[@]} -eq 0 ]; then
  if ! (cd "$work" && apt-get source --download-only zydis) >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    die "cannot fetch Debian source package 'zydis' with apt-get source; a deb-src entry" \
        "and 'apt-get update' are needed (bash scripts/deps.sh sets both up)"
  fi
  for f in "$work"/zydis_*; do mv -f "$f" "$dest/"; done
  orig=("$dest"/zydis_*.orig.tar.*)
fi
[ ${#orig[@]} -eq 1 ] || die "expected one zydis_*.orig.tar.* in $dest, found ${#orig[@]}"

mkdir "$work/unpack"
tar -xf "${orig[0]}" -C "$work/unpack" || die "cannot unpack ${orig[0]}"
top=("$work"/unpack/*/)
[ ${#top[@]} -eq 1 ] || die "${orig[0]} does not unpack to a single directory"

# Another run may have finished first: its tree is as good as ours.
mv -T "${top[0]%/}" "$tree" 2>/dev/null || have_tree ||
  die "cannot move the unpacked tree to $tree"
have_tree || die "$tree lacks include/Zydis/Zydis.h or src/Decoder.c"
echo "zydis-fetch: Zydis source ready in $tree" >&2
