#!/usr/bin/env bash
# `pnpm test` beside four CPU-bound processes: on a 2-core machine that leaves the suite a third of
# the CPU or less. Proves the suite waits on signals, not on the clock: a slow machine makes it
# slower, never red. Exits with the suite's exit code; the burners are stopped whatever happens.
#
#   bash scripts/test-under-load.sh [burners]     (default 4)
set -euo pipefail
cd "$(dirname "$0")/.."
burners=${1:-4}
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop EXIT
for _ in $(seq "$burners"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done
echo "test-under-load: ${burners} CPU burners (pids ${pids[*]}) on $(nproc) cores; running the suite (scripts/test.sh, what pnpm test runs)"
started=$(date +%s)
status=0
bash scripts/test.sh || status=$?
echo "test-under-load: exit ${status} after $(($(date +%s) - started)) s beside ${burners} CPU burners"
exit "$status"
