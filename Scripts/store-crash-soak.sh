#!/bin/sh
# The store's crash soak (issue 16; Documentation/Store.md, "Faults"): the same test as in the
# test command (StoreFaultTests), with more crash points and seeds of your choosing. Each crash
# point runs a workload of inserts, flushes, retractions, compactions and restarts over a
# simulated disk, cuts the power at one operation, loses what was never synced as the seed
# draws (none, a prefix in order, any subset in any order, a torn sector), reopens the store
# and checks every bulletin reported saved.
#
#   Scripts/store-crash-soak.sh [CRASHES] [FIRST_SEED]     (defaults: 10000, a random seed)
set -eu
crashes=${1:-10000}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing --build-tests >/dev/null
echo "store crash soak: $crashes crash points from seed $seed"
KABAR_CRASH_POINTS=$crashes KABAR_CRASH_SEED=$seed \
    swift test -c release -Xswiftc -enable-testing --skip-build --filter everyBulletinReportedSavedSurvivesEveryCrash 2>&1 |
    grep -E "store crashes|passed|failed|Expectation|recorded an issue"
