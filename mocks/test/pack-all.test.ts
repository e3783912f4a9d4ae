// `pnpm pack:all [--out DIR]` (scripts/pack-all.mjs): anything else on its command line is refused
// before a package is built, so a mistyped flag never writes tarballs where the caller did not ask.
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const SCRIPT = join(import.meta.dirname, "..", "..", "scripts", "pack-all.mjs")

const packAll = (args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8", timeout: 120_000 })

describe("scripts/pack-all.mjs", () => {
  it.each([[["--bogus"]], [["--out"]], [["--out", "dir", "extra"]], [["dir"]], [["--bogus", "--out", "dir"]]])(
    "refuses %j with its usage line and exit 2, building nothing",
    (args) => {
      const result = packAll(args)
      expect(result.status).toBe(2)
      expect(result.stderr).toBe("usage: pnpm pack:all [--out DIR]\n")
      expect(result.stdout).toBe("")
    },
    180_000
  )
})
