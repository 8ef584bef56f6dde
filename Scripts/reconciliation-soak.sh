#!/usr/bin/env bash
# Long reconciliation soak: every bench case with many seeds, checking each answer is exact.
# Usage: Scripts/reconciliation-soak.sh [SEEDS] [ITEMS]   (defaults 200 and 20000)
# Exits non-zero if any session gave a wrong answer or failed. Not part of `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-200}"
items="${2:-20000}"
swift build -c release --product kabar
.build/release/kabar bench sync --seeds "$seeds" -n "$items"
