// Repeats vitest's own summary lines from a log, then prints the plain "N passed, N failed" line
// that closes the CI log.
import { readFileSync } from "node:fs"

// Strip ANSI colour codes (ESC [ ... m): vitest colours its output even when piped.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")
const lines = readFileSync(process.argv[2], "utf8").replace(ansi, "").split("\n")
const files = lines.find((l) => /^\s*Test Files\s/.test(l))
const tests = lines.find((l) => /^\s*Tests\s/.test(l))
if (tests === undefined) {
  console.error("no vitest summary line found")
  process.exit(1)
}
const count = (word) => Number(tests.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0)
const [passed, failed, skipped] = [count("passed"), count("failed"), count("skipped")]
if (files !== undefined) console.log(files)
console.log(tests)
if (passed === 0) {
  console.error("no test passed")
  process.exit(1)
}
console.log(`vitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`)
