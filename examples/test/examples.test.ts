import { describe, expect, it } from "vitest"
import { run } from "./process.js"

const TIMEOUT = 30_000

describe("cancel-withdrawal", () => {
  it(
    "cancels the seed's withdrawal 10197 on the mock and exits 0",
    async () => {
      const { code, stdout, stderr } = await run("cancel-withdrawal.ts")
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("Target: the built-in mock Bybit exchange")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
      expect(stdout).toMatch(/Rate limit of the cancel endpoint: 59 of 60 requests left/)
    },
    TIMEOUT
  )

  it(
    "explains a withdrawal that cannot be cancelled and exits 1",
    async () => {
      const { code, stderr } = await run("cancel-withdrawal.ts", ["10203"])
      expect(code).toBe(1)
      expect(stderr).toContain("✘ Withdrawal 10203 can no longer be cancelled (retCode 131099)")
    },
    TIMEOUT
  )

  it(
    "refuses an invalid id without sending anything and exits 1",
    async () => {
      const { code, stderr } = await run("cancel-withdrawal.ts", ["12ab"])
      expect(code).toBe(1)
      expect(stderr).toContain('✘ The request is invalid (field "id")')
      expect(stderr).toContain("Nothing was sent to Bybit.")
    },
    TIMEOUT
  )

  it(
    "stays on the mock when only BYBIT_API_KEY is set, and says why",
    async () => {
      const { code, stdout } = await run("cancel-withdrawal.ts", [], { BYBIT_API_KEY: "some-key" })
      expect(code).toBe(0)
      expect(stdout).toContain("BYBIT_API_KEY is set but BYBIT_ENV is not")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
    },
    TIMEOUT
  )

  it(
    "names the missing variable when the live configuration is incomplete, and exits 1",
    async () => {
      const { code, stderr } = await run("cancel-withdrawal.ts", [], { BYBIT_API_KEY: "k", BYBIT_ENV: "testnet" })
      expect(code).toBe(1)
      expect(stderr).toContain("Configuration problem")
      expect(stderr).toContain("BYBIT_API_SECRET")
    },
    TIMEOUT
  )
})
