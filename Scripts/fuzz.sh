#!/usr/bin/env bash
# Long fuzz runs with libFuzzer, behind an explicit command (not part of `swift test`, which
# runs 100,000 decoder inputs and 50,000 Node.receive datagrams from fixed seeds instead).
#
#   Scripts/fuzz.sh bulletin [SECONDS]   # Bulletin.decode
#   Scripts/fuzz.sh node [SECONDS]       # Node.receive
#   Scripts/fuzz.sh multipart [SECONDS]  # HTTPMultipartForm and the upload allowance (KabarHTTP)
#
# Compiles the pure core (KabarCrypto + Kabar, copied with their `import KabarCrypto` lines
# dropped so they form one module; for multipart, KabarHTTP alone) with the harness, with -sanitize=fuzzer,address, and runs it
# for SECONDS (default 300). Findings land in Fuzz/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-bulletin}"
seconds="${2:-300}"
case "$target" in
  bulletin) harness=Fuzz/BulletinDecodeFuzz.swift ;;
  node) harness=Fuzz/NodeReceiveFuzz.swift ;;
  multipart) harness=Fuzz/MultipartFuzz.swift ;;
  *) echo "usage: Scripts/fuzz.sh bulletin|node|multipart [SECONDS]" >&2; exit 2 ;;
esac
# The HTTP layer stands alone (standard library only); the others are the pure core.
if [ "$target" = multipart ]; then
  modules="Sources/KabarHTTP/*.swift"
else
  modules="Sources/KabarCrypto/*.swift $(find Sources/Kabar -name '*.swift' | sort)"
fi
mkdir -p Fuzz/out "Fuzz/corpus-$target"
binary="Fuzz/out/fuzz-$target"
sources="Fuzz/out/sources-$target"
rm -rf "$sources" && mkdir -p "$sources"
index=0
for file in $modules "$harness"; do
  index=$((index + 1))
  grep -v '^import KabarCrypto$' "$file" > "$sources/$index-$(basename "$file")"
done
echo "== compiling $binary"
swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name KabarFuzz "$sources"/*.swift -o "$binary"
echo "== fuzzing $target for ${seconds}s"
"$binary" -max_total_time="$seconds" -max_len=16500 -artifact_prefix=Fuzz/out/ "Fuzz/corpus-$target"
