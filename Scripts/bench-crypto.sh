#!/usr/bin/env bash
# Kabar's crypto against OpenSSL on this machine, in one run: builds release, runs
# `kabar bench crypto --json` and `openssl speed`, and prints each figure side by side with the
# ratio ours/OpenSSL and the target ratio.
#
#   Scripts/bench-crypto.sh            # 2 s per OpenSSL figure, 1 s per Kabar figure
#   SECONDS_PER_FIGURE=3 Scripts/bench-crypto.sh
#
# Both sides divide by CPU time (openssl speed's default; kabar bench uses the thread CPU clock),
# so a busy machine slows both alike. SHA-256 in OpenSSL runs with the SHA extensions masked off
# (OPENSSL_ia32cap=":~0x20000000"), as the target is set against its portable code.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_FIGURE:-2}"

if ! command -v openssl >/dev/null 2>&1; then
    echo "== installing openssl"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq openssl >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq openssl >/dev/null; fi
fi

echo "== building release"
swift build -c release --product kabar >/dev/null

echo "== kabar bench crypto --json --seconds $seconds"
ours_json="$(.build/release/kabar bench crypto --json --seconds "$seconds")"
echo "$ours_json"

echo "== openssl speed ($(openssl version))"
ed="$(openssl speed -seconds "$seconds" ed25519 2>/dev/null | awk '/EdDSA \(Ed25519\)/ {print $(NF-1), $NF}')"
digest() {  # algorithm bytes [environment] -> MB/s (openssl prints 1000s of bytes per second)
    env ${3:-} openssl speed -bytes "$2" -seconds "$seconds" "$1" 2>/dev/null \
        | awk -v alg="$1" '$1 == alg { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
sha256_1k="$(digest sha256 1024 OPENSSL_ia32cap=:~0x20000000)"
sha256_16k="$(digest sha256 16384 OPENSSL_ia32cap=:~0x20000000)"
sha512_1k="$(digest sha512 1024)"
sha512_16k="$(digest sha512 16384)"

ours() { echo "$ours_json" | tr -d '{} ' | tr ',' '\n' | awk -F: -v key="\"$1\"" '$1 == key { print $2 }'; }

echo
printf '%-22s %14s %14s %8s %8s\n' figure kabar openssl ratio target
row() {  # name ours theirs target
    awk -v name="$1" -v ours="$2" -v theirs="$3" -v target="$4" 'BEGIN {
        ratio = theirs > 0 ? ours / theirs : 0
        verdict = target == "-" ? "" : (ratio >= target ? "ok" : "BELOW")
        printf "%-22s %14.1f %14.1f %8.2f %8s %s\n", name, ours, theirs, ratio, target, verdict
    }'
}
row ed25519_sign_per_s "$(ours ed25519_sign_per_s)" "${ed% *}" 1.5
row ed25519_verify_per_s "$(ours ed25519_verify_per_s)" "${ed#* }" 1.5
row sha256_1k_mb_per_s "$(ours sha256_1k_mb_per_s)" "$sha256_1k" -
row sha256_16k_mb_per_s "$(ours sha256_16k_mb_per_s)" "$sha256_16k" 0.5
row sha512_1k_mb_per_s "$(ours sha512_1k_mb_per_s)" "$sha512_1k" -
row sha512_16k_mb_per_s "$(ours sha512_16k_mb_per_s)" "$sha512_16k" 0.5
