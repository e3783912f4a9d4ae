// Reads vitest's summary from a log and prints the plain "N passed, N failed" closing line.
import { readFileSync } from "node:fs"

const log = readFileSync(process.argv[2], "utf8").replace(/\x1b\[[0-9;]*m/g, "")
const line = log.split("\n").find((l) => /^\s*Tests\s/.test(l))
if (line === undefined) {
  console.error("no vitest summary line found")
  process.exit(1)
}
const count = (word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0)
const passed = count("passed")
const failed = count("failed")
if (passed === 0) {
  console.error("no test passed")
  process.exit(1)
}
console.log(`vitest: ${passed} passed, ${failed} failed${count("skipped") ? `, ${count("skipped")} skipped` : ""}`)
