// The README blocks the packaging test runs (scripts/readme-blocks.mjs): well marked, install lines
// that pin the Effect 3 line for npm and pnpm alike, and the workspace copies of the test snippets
// identical to the READMEs' text (so the workspace suite runs what the READMEs show).
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { commands, READMES, readmeBlocks } from "../../scripts/readme-blocks.mjs"
import { MOCKS_DIR } from "./process.js"

const ROOT = join(MOCKS_DIR, "..")
const blocks = readmeBlocks(ROOT)

/** The packages an install line names, with the range it gives (`""` when none). */
const installed = (line: string): Array<[string, string]> =>
  line
    .replace(/#.*$/, "")
    .trim()
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith("-"))
    .map((spec) => {
      const at = spec.indexOf("@", 1)
      return at === -1 ? [spec, ""] : [spec.slice(0, at), spec.slice(at + 1)]
    })

const installLines = (kind: "npm" | "pnpm", readme: string) =>
  blocks
    .filter((b) => b.readme === readme && b.kinds.includes(kind))
    .flatMap(commands)
    .filter((line) => /^(npm install|pnpm add)\b/.test(line))

describe("README blocks", () => {
  it("every README has marked blocks, each in the language its kind runs", () => {
    for (const readme of READMES) expect(blocks.some((b) => b.readme === readme)).toBe(true)
    for (const block of blocks) {
      const ts = block.kinds.includes("run") || block.kinds.includes("vitest")
      expect(block.lang, `${block.readme}:${block.line}`).toBe(ts ? "ts" : "sh")
    }
  })

  it("install lines pin the Effect 3 line (and vitest 3), and pnpm's name the same packages as npm's", () => {
    const pins: Record<string, RegExp> = {
      effect: /^\^3\.\d+/,
      "@effect/platform": /^\^0\.97/,
      "@effect/platform-node": /^\^0\.108/,
      "@effect/vitest": /^\^0\.30/,
      vitest: /^\^3\.2/,
      msw: /^\^2/
    }
    for (const readme of READMES) {
      const npm = installLines("npm", readme)
      const pnpm = installLines("pnpm", readme)
      expect(npm.length, readme).toBeGreaterThan(0)
      expect(pnpm.map(installed), readme).toEqual(npm.map(installed))
      for (const [name, range] of npm.flatMap(installed)) {
        if (name.startsWith("@effect-bybit/")) expect(range, `${readme}: ${name}`).toBe("")
        else expect(range, `${readme}: ${name}`).toMatch(pins[name] ?? /^$/)
      }
    }
  })

  it("the peer ranges of the packages say the same", () => {
    for (const dir of ["packages/client", "mocks"]) {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as {
        peerDependencies: Record<string, string>
      }
      expect(manifest.peerDependencies.effect).toBe("^3.22.0")
      expect(manifest.peerDependencies["@effect/platform"]).toBe("^0.97.0")
    }
  })

  it("the workspace copy of each test snippet is the README's text", () => {
    const copied = blocks.filter((b) => b.copy !== undefined)
    expect(copied.length).toBeGreaterThan(0)
    for (const block of copied) {
      const copy = readFileSync(join(ROOT, block.copy!), "utf8")
      const withoutHeader = copy.replace(/^(\/\/.*\n)+\n*/, "")
      expect(withoutHeader, block.copy).toBe(`${block.text}\n`)
    }
  })
})
