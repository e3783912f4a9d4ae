// The Effect 3 line's example (examples/cancel-withdrawal.ts), run as its `example` script runs it
// (tsx with the source condition), on the Node running this test: its output and exit code.
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

const runExample = (args: ReadonlyArray<string> = []) =>
  promisify(execFile)(
    process.execPath,
    ["--import", TSX, "--conditions=@effect-bybit/source", "examples/cancel-withdrawal.ts", ...args],
    { cwd: PACKAGE_DIR }
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error
  )

describe("examples/cancel-withdrawal.ts", () => {
  it("cancels 10197 on the in-process mock, says so, and exits 0", async () => {
    const { code, stdout, stderr } = await runExample()
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
    expect(stdout).toContain("The exchange now records it as CancelByUser.")
  }, 180_000)

  it("explains a withdrawal past cancelling in one line and exits 1", async () => {
    const { code, stderr } = await runExample(["10203"])
    expect(code).toBe(1)
    expect(stderr.trim()).toBe("✘ Withdrawal 10203 can no longer be cancelled.")
  }, 180_000)
})
