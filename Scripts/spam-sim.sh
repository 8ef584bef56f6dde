#!/bin/sh
# Runs the spam simulation (Tests/KabarSimulationTests/SpamSimulationTests.swift) at several
# flood rates and prints its figures: honest time to full coverage with and without a
# 1000-key flood, and the attacker's storage against the quota. Release build; a few seconds
# per rate. Usage: Scripts/spam-sim.sh [SPACING_US ...]   (default: 10000 3333 1000)
set -eu
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing --build-tests >/dev/null
for spacing in "${@:-10000 3333 1000}"; do
    for value in $spacing; do
        SPAM_FLOOD_SPACING_US=$value swift test -c release -Xswiftc -enable-testing --skip-build \
            --filter SpamSimulationTests 2>&1 | grep -E "spam-sim:|passed after|failed after" | grep -v "Suite\|Test run" || true
    done
done
