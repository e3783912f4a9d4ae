#!/usr/bin/env bash
# Runs a command on the pinned Node 24 (see .ci/node.sh), whatever Node started pnpm: the
# workspace's scripts go through it, so they work the same on a machine with only Node 20 and npm.
set -euo pipefail
# shellcheck source=../.ci/node.sh
source "$(dirname "$0")/../.ci/node.sh"
exec "$@"
