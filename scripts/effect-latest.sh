#!/usr/bin/env bash
# The Effect 4 line against the newest effect 4 release (not part of .ci/run). `effect/http` is
# tagged unstable (breaking changes may come in minor releases), so the client pins the minor range
# it was tested with; this says whether the newest release still works, and what broke if not.
#   bash scripts/effect-latest.sh            (from a checkout; leaves it untouched)
# It copies HEAD into a scratch worktree, moves effect, @effect/platform-node and @effect/vitest to
# their newest 4.x there, installs, then typechecks the Effect 4 line and runs its tests (its own
# and the shared suite). Exit 0: all passed on the newest release.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/node.sh
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
pnpm() { npx --yes "pnpm@${PNPM_VERSION}" "$@"; }

newest() { npm view "$1@^4" version --json | node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(Array.isArray(v) ? v.at(-1) : v)'; }
effect=$(newest effect)
platform=$(newest @effect/platform-node)
vitest=$(newest @effect/vitest)
tested=$(node -p 'require("./packages/client/package.json").devDependencies.effect')
echo "effect: tested ${tested}, newest ${effect} (@effect/platform-node ${platform}, @effect/vitest ${vitest})"

scratch=$(mktemp -d)
trap 'git worktree remove --force "$scratch/tree" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git worktree add --detach --quiet "$scratch/tree" HEAD
cd "$scratch/tree"
for dir in packages/client examples; do
  node -e '
    const fs = require("fs"); const [file, effect, platform, vitest] = process.argv.slice(1)
    const p = JSON.parse(fs.readFileSync(file, "utf8"))
    for (const field of ["dependencies", "devDependencies"]) {
      const d = p[field] ?? {}
      if (d.effect) d.effect = effect
      if (d["@effect/platform-node"]) d["@effect/platform-node"] = platform
      if (d["@effect/vitest"]) d["@effect/vitest"] = vitest
    }
    fs.writeFileSync(file, JSON.stringify(p, null, 2) + "\n")
  ' "$dir/package.json" "$effect" "$platform" "$vitest"
done
pnpm install --no-frozen-lockfile --silent

status=0
echo "=== typecheck (packages/client, examples)"
(cd packages/client && npx tsc -p tsconfig.json) || status=1
(cd examples && npx tsc -p tsconfig.json) || status=1
echo "=== tests (the Effect 4 line: its own and the shared suite)"
node_modules/.bin/vitest run --project client || status=1
if [ "$status" -eq 0 ]; then
  echo "effect-latest: the Effect 4 line passes on effect ${effect}"
else
  echo "effect-latest: the Effect 4 line FAILS on effect ${effect} (tested: ${tested}); see the errors above"
fi
exit "$status"
