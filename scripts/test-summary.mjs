// Repeats vitest's own summary lines from a log, then prints the plain "N passed, N failed" line
// that closes the CI log.
import { readFileSync } from "node:fs"

// Strip ANSI colour codes (ESC [ ... m): vitest colours its output even when piped.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")
const lines = readFileSync(process.argv[2], "utf8").replace(ansi, "").split("\n")
// `pnpm test` runs more than one vitest (the root one and the Effect 3 line's): add up their lines.
const files = lines.filter((l) => /^\s*Test Files\s/.test(l))
const tests = lines.filter((l) => /^\s*Tests\s/.test(l))
if (tests.length === 0) {
  console.error("no vitest summary line found")
  process.exit(1)
}
const count = (word) => tests.reduce((n, l) => n + Number(l.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0), 0)
const [passed, failed, skipped] = [count("passed"), count("failed"), count("skipped")]
for (const line of [...files, ...tests]) console.log(line.trim())
if (passed === 0) {
  console.error("no test passed")
  process.exit(1)
}
console.log(`vitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`)
