// Typechecks every project with its tests, benchmarks and scripts (tsc -p per project, no emit).
import { execFileSync } from "node:child_process"
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
process.exit(failed ? 1 : 0)
