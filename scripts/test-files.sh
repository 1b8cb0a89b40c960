#!/usr/bin/env bash
# Every test file, the slow folders first (real processes, browsers, tmpfs, virtual-time worlds), so
# that two at a time the run does not end on one long file while the other slot idles.
set -euo pipefail
cd "$(dirname "$0")/.."
slow=(test/faults test/integration test/sim test/monitoring test/bench test/runtime)
for dir in "${slow[@]}"; do find "$dir" -name '*.test.ts' | sort; done
find test -name '*.test.ts' | sort | grep -v -E "^($(IFS='|'; echo "${slow[*]}"))/"
