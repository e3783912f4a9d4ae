// Typechecks every project with its tests, benchmarks and scripts (tsc -p per project, no emit).
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
const projects = [
  "packages/signing",
  "packages/core",
  "packages/client-effect3",
  "packages/client",
  "packages/cli",
  "packages/suite",
  "mocks",
  "examples"
]
let failed = false
for (const project of projects) {
  try {
    execFileSync(process.execPath, [tsc, "-p", `${project}/tsconfig.json`], { stdio: "inherit" })
    console.log(`check: ${project} ok`)
  } catch {
    failed = true
    console.error(`check: ${project} has type errors`)
  }
}
// pnpm checks the packages' engines against the Node the workspace runs on (pnpm-workspace.yaml
// nodeVersion): it must be the one .ci/node.sh pins.
const pinned = /EFFECT_BYBIT_NODE_VERSION=(\S+)/.exec(readFileSync(".ci/node.sh", "utf8"))?.[1]
const checked = /^nodeVersion:\s*(\S+)/m.exec(readFileSync("pnpm-workspace.yaml", "utf8"))?.[1]
if (pinned === undefined || pinned !== checked) {
  failed = true
  console.error(`check: pnpm-workspace.yaml nodeVersion (${checked}) is not .ci/node.sh's Node (${pinned})`)
} else console.log(`check: pnpm checks engines against Node ${checked}, the pinned one`)
process.exit(failed ? 1 : 0)
