#!/bin/sh
# Builds the one-file static binary for a USB stick and checks it the way another hall would
# use it: lists its shared libraries (only the C/C++ runtime may remain), then, as root, runs it
# in a mount namespace where the Swift toolchain's folder is hidden, posting and listing in a
# throwaway data folder. Not part of `swift test` (a full release build: minutes).
#     Scripts/static-build-check.sh [SCRATCH_DIR]
set -eu
cd "$(dirname "$0")/.."
scratch=${1:-.build-static}
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product kabar
binary="$scratch/release/kabar"
echo "== size: $(wc -c < "$binary") bytes ($(strip -o "$binary.stripped" "$binary" && wc -c < "$binary.stripped") stripped, in $binary.stripped)"
echo "== shared libraries"
ldd "$binary"
if ldd "$binary" | grep -q swift; then echo "FAIL: the binary still needs Swift libraries"; exit 1; fi
toolchain=$(dirname "$(dirname "$(dirname "$(command -v swift)")")")
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  echo "== running with $toolchain hidden"
  data=$(mktemp -d)
  unshare -m sh -c "mount -t tmpfs none '$toolchain' && '$binary' --version &&
    printf 'post\nwarga\nUji biner statik\nisi\n.\nls\n' | KABAR_HOME='$data' LANG=C '$binary'"
  rm -rf "$data"
else
  echo "== (not root: running it with the toolchain still present)"
  "$binary" --version
fi
echo "static build OK"
