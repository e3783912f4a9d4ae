#!/usr/bin/env bash
# `pnpm test`: every test of the workspace on the pinned Node 24. The root vitest (5) runs the
# Effect 4 line, the Effect-free packages and the examples; the Effect 3 line keeps its own
# vitest (3, the one @effect/vitest 0.30 supports) and runs from its folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/node.sh
status=0
node_modules/.bin/vitest run || status=$?
(cd packages/client-effect3 && node_modules/.bin/vitest run) || status=$?
exit "$status"
