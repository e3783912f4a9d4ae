import { inspect } from "node:util"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_OTHER_API_KEY,
  MOCK_OTHER_API_SECRET,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID
} from "@effect-bybit/mock-exchange"
import { describe, it, vi } from "vitest"
import * as Tracing from "../tracing.js"
import * as TwoAccounts from "../two-accounts.js"
import { runInProcess } from "./inProcess.js"

// Each example's program runs in this process, one at a time (the mock target starts MSW here);
// the process boundary (exit codes, signals) is tested in boundary.test.ts.
const TIMEOUT = 180_000

/**
 * Runs the tracing example, with what OpenTelemetry's `ConsoleSpanExporter` prints (through the
 * global `console.dir`, as `node:console` formats it) appended to the program's stdout.
 */
const runTracing = async () => {
  let spans = ""
  const dir = vi.spyOn(console, "dir").mockImplementation((item: unknown, options?: object) => {
    spans += `${inspect(item, { ...options, colors: false })}\n`
  })
  try {
    const finished = await runInProcess(Tracing.main)
    return { ...finished, stdout: `${finished.stdout}${spans}` }
  } finally {
    dir.mockRestore()
  }
}

describe("tracing", () => {
  it(
    "exports the span tree of a cancel to the console, credential headers redacted",
    async ({ expect }) => {
      const { code, stdout, stderr } = await runTracing()
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled (confirmedAfterRetry: true)")
      // The ConsoleSpanExporter printed every span of the tree.
      for (const name of ["Withdrawals.cancel", "POST", "GET", "Withdrawals.settleCancel"]) {
        expect(stdout).toContain(`name: '${name}'`)
      }
      expect(stdout).toContain("'bybit.withdrawal.id': '10197'")
      // Effect 4's http client spans: the clock sync (GET), two cancels (POST), the lookup (GET).
      expect(stdout.match(/^ {2}name: 'POST',$/gm)).toHaveLength(2)
      expect(stdout.match(/'url\.path': '\/v5\/asset\/withdraw\/cancel'/g)).toHaveLength(2)
      expect(stdout.match(/'url\.path': '\/v5\/asset\/withdraw\/query-record'/g)).toHaveLength(1)
      // No secret, no key, no signature (an HMAC-SHA256 signature is 64 hex digits).
      expect(stdout).not.toContain(MOCK_API_SECRET)
      expect(stdout).not.toContain(MOCK_API_KEY)
      expect(stdout).not.toMatch(/[0-9a-fA-F]{64}/)
    },
    TIMEOUT
  )
})

describe("two-accounts", () => {
  it(
    "cancels on the master account and the sub-account at once, each signed by its own key",
    async ({ expect }) => {
      const { code, stdout, stderr } = await runInProcess(TwoAccounts.main)
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toMatch(/^ {2}master +withdrawal 10197 cancelled$/m)
      expect(stdout).toMatch(
        new RegExp(`^ {2}sub-account +withdrawal ${SEED_OTHER_ACCOUNT_WITHDRAWAL_ID} cancelled$`, "m")
      )
      expect(stdout).toMatch(/^ {2}master +10197 CancelByUser$/m)
      expect(stdout).toMatch(new RegExp(`^ {2}sub-account +${SEED_OTHER_ACCOUNT_WITHDRAWAL_ID} CancelByUser$`, "m"))
      expect(stdout).toContain(`the exchange got a cancel of 10197 signed by ${MOCK_API_KEY}`)
      expect(stdout).toContain(
        `the exchange got a cancel of ${SEED_OTHER_ACCOUNT_WITHDRAWAL_ID} signed by ${MOCK_OTHER_API_KEY}`
      )
      expect(stdout).toContain("✔ Both withdrawals are cancelled, each by its own account.")
      expect(stdout).not.toContain(MOCK_API_SECRET)
      expect(stdout).not.toContain(MOCK_OTHER_API_SECRET)
    },
    TIMEOUT
  )
})
