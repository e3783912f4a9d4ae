// Checks what each publishable package would ship: publint (package.json, exports, files) and
// @arethetypeswrong/cli (types resolve for ESM consumers). Run through `pnpm lint:packages` so that
// `pnpm pack` (used by both tools) is on PATH.
import { execFileSync } from "node:child_process"

const packages = [
  "packages/signing",
  "packages/core",
  "packages/client-effect3",
  "packages/client",
  "packages/cli",
  "mocks"
]
let failed = false
for (const dir of packages) {
  for (const [tool, args] of [
    ["publint", ["--strict", "--pack", "pnpm", dir]],
    ["attw", ["--pack", dir, "--profile", "esm-only", "--format", "table-flipped"]]
  ]) {
    try {
      execFileSync(tool, args, { stdio: "inherit" })
    } catch {
      failed = true
      console.error(`lint:packages: ${tool} failed for ${dir}`)
    }
  }
}
console.log(failed ? "lint:packages: problems found" : `lint:packages: ${packages.length} packages clean`)
process.exit(failed ? 1 : 0)
