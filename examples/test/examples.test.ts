import {
  defaultSeed,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockWithdrawal,
  makeMockExchange,
  SEED_CANCELLABLE_USDT_IDS,
  SEED_WITHDRAWAL_ID,
  startMockServer
} from "@effect-bybit/mock-exchange"
import { describe, it } from "vitest"
import * as CancelPending from "../cancel-pending.js"
import * as CancelWithdrawal from "../cancel-withdrawal.js"
import * as ErrorsTour from "../errors-tour.js"
import * as MockServer from "../mock-server.js"
import { runInProcess } from "./inProcess.js"

// Each example's program runs in this process, one at a time (the mock target starts MSW here).
// What only a process shows (exit codes reaching the shell, signals) is in boundary.test.ts.
const TIMEOUT = 180_000

const run = (
  example: { readonly main: (args: ReadonlyArray<string>) => Parameters<typeof runInProcess>[0] },
  args: ReadonlyArray<string> = [],
  env: Readonly<Record<string, string>> = {}
) => runInProcess(example.main(args), env)

describe("cancel-withdrawal", () => {
  it(
    "cancels the seed's withdrawal 10197 on the mock and exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run(CancelWithdrawal)
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("Target: the built-in mock Bybit exchange")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled: Bybit confirmed it")
      expect(stdout).toContain("Its withdrawal record now reads: CancelByUser.")
      expect(stdout).toContain("Rate limit of the cancel endpoint: 59 of 60 requests left.")
    },
    TIMEOUT
  )

  it(
    "explains a withdrawal that cannot be cancelled and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run(CancelWithdrawal, ["10203"])
      expect(code).toBe(1)
      expect(stderr).toContain("✘ Withdrawal 10203 can no longer be cancelled (retCode 131099)")
    },
    TIMEOUT
  )

  it(
    "refuses an invalid id without sending anything and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run(CancelWithdrawal, ["12ab"])
      expect(code).toBe(1)
      expect(stderr).toContain('✘ The request is invalid (field "id")')
      expect(stderr).toContain("Nothing was sent to Bybit.")
    },
    TIMEOUT
  )

  it(
    "stays on the mock when only BYBIT_API_KEY is set, and says why",
    async ({ expect }) => {
      const { code, stdout } = await run(CancelWithdrawal, [], { BYBIT_API_KEY: "some-key" })
      expect(code).toBe(0)
      expect(stdout).toContain("BYBIT_API_KEY is set but BYBIT_ENV is not")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
    },
    TIMEOUT
  )

  it(
    "stays on the mock when BYBIT_ENV or BYBIT_BASE_URL is set without a key, and says why",
    async ({ expect }) => {
      for (const env of [{ BYBIT_ENV: "testnet" }, { BYBIT_BASE_URL: "http://127.0.0.1:4010" }]) {
        const { code, stdout } = await run(CancelWithdrawal, [], env)
        expect(code).toBe(0)
        expect(stdout).toContain(`${Object.keys(env)[0]} is set but BYBIT_API_KEY is not`)
        expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
      }
    },
    TIMEOUT
  )

  it(
    "names the missing variable when the live configuration is incomplete, and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run(CancelWithdrawal, [], { BYBIT_API_KEY: "k", BYBIT_ENV: "testnet" })
      expect(code).toBe(1)
      expect(stderr).toContain("Configuration problem")
      expect(stderr).toContain("BYBIT_API_SECRET")
    },
    TIMEOUT
  )
})

describe("cancel-pending", () => {
  it(
    "cancels every pending USDT withdrawal and confirms each through the records",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run(CancelPending)
      expect(stderr).toBe("")
      expect(code).toBe(0)
      // The seed's cancellable on-chain USDT withdrawals, plus the internal transfer 10202.
      const ids = [...SEED_CANCELLABLE_USDT_IDS, "10202"]
      expect(stdout).toContain(`Found ${ids.length}:`)
      for (const id of ids) {
        expect(stdout).toMatch(new RegExp(`^  ${id} +cancelled$`, "m"))
        expect(stdout).toMatch(new RegExp(`^  ${id} +(Pending|SecurityCheck) → CancelByUser$`, "m"))
      }
      expect(stdout).toContain(`${ids.length} cancelled, 0 already gone, 0 failed, out of ${ids.length} pending USDT`)
      expect(stdout).toContain("✔ The withdrawal records confirm every outcome.")
    },
    TIMEOUT
  )

  it(
    "reports each record it cannot read, with its reason, counts it, and does not call the job done",
    async ({ expect }) => {
      // The standalone mock, seeded with two USDT rows the client cannot read: a pending one whose
      // amount is a number (its id readable), and one whose id is not an id.
      const now = Date.now()
      const seed = defaultSeed(now).withdrawals
      const base = seed.find((w) => w.withdrawId === SEED_WITHDRAWAL_ID)!
      const malformed: ReadonlyArray<MockWithdrawal> = [
        { ...base, withdrawId: "10990", amount: 25 as unknown as string, createTime: now - 60_000 },
        { ...base, withdrawId: "not-an-id", status: "Reject", createTime: now - 120_000 }
      ]
      const server = await startMockServer({ exchange: makeMockExchange({ withdrawals: [...seed, ...malformed] }) })
      try {
        const { code, stdout, stderr } = await run(CancelPending, [], {
          BYBIT_API_KEY: MOCK_API_KEY,
          BYBIT_API_SECRET: MOCK_API_SECRET,
          BYBIT_BASE_URL: server.url
        })
        expect(stdout).toContain("2 record(s) could not be read (their status is unknown: they may be pending):")
        expect(stdout).toMatch(/^ {2}10990 +could not be read: amount: expected a string, got number$/m)
        expect(stdout).toMatch(/^ {2}row \d+ of its page could not be read: withdrawId: must contain only digits 0-9$/m)
        // The readable pending ones are still cancelled; the unreadable one is left alone.
        const ids = [...SEED_CANCELLABLE_USDT_IDS, "10202"]
        expect(stdout).toContain(
          `${ids.length} cancelled, 0 already gone, 0 failed, out of ${ids.length} pending USDT withdrawals; 2 record(s) could not be read.`
        )
        expect(server.exchange.withdrawal("10990")?.status).toBe("Pending")
        expect(stdout).not.toContain("✔ The withdrawal records confirm every outcome.")
        expect(code).toBe(1)
        expect(stderr).toContain("2 withdrawal record(s) could not be read, so they may still be pending")
      } finally {
        await server.close()
      }
    },
    TIMEOUT
  )

  it(
    "takes the coin from the command line",
    async ({ expect }) => {
      const { code, stdout } = await run(CancelPending, ["btc"])
      expect(code).toBe(0)
      expect(stdout).toMatch(/^ {2}10201 +SecurityCheck → CancelByUser$/m)
      expect(stdout).toContain("1 cancelled, 0 already gone, 0 failed, out of 1 pending BTC")
    },
    TIMEOUT
  )

  it(
    "has nothing to do for a coin without pending withdrawals (COIN from the environment)",
    async ({ expect }) => {
      const { code, stdout } = await run(CancelPending, [], { COIN: "ETH" })
      expect(code).toBe(0)
      expect(stdout).toContain("Nothing to cancel: no ETH withdrawal is pending.")
    },
    TIMEOUT
  )
})

describe("errors-tour", () => {
  it(
    "shows every error tag of a cancel, and the failures the client heals, then exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await runInProcess(ErrorsTour.main, {
        BYBIT_API_KEY: "ignored",
        BYBIT_ENV: "testnet"
      })
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("on the built-in mock exchange")
      for (const tag of [
        "AuthenticationFailed",
        "PermissionDenied",
        "TimestampOutsideWindow",
        "RateLimitExceeded",
        "WithdrawalNotCancellable",
        "WithdrawalNotFound",
        "InvalidRequest",
        "ExchangeUnavailable",
        "TransportError",
        "UnreadableResponse",
        "UnknownApiError",
        "CancelFailed"
      ]) {
        expect(stdout).toContain(`Result: caught ${tag}:`)
      }
      // The healed ones: clock re-sync, rate-limit wait, 5xx retries, lost answer confirmed.
      expect(stdout).toMatch(/retCode 10002\n\s+server time +→ retCode 0 \(OK\)\n\s+cancel +→ retCode 0 \(OK\)/)
      expect(stdout).toMatch(/retCode 10006\n\s+cancel +→ retCode 0 \(OK\)\n\s+Result: ✔ withdrawal 10197 is cancelled/)
      expect(stdout).toContain("HTTP 502, not a Bybit answer (x2)")
      expect(stdout).toContain("✔ withdrawal 10197 is cancelled, confirmed by looking it up after the lost answer")
      expect(stdout).toContain("Requests the exchange saw: none")
      expect(stdout).toContain("✔ All 16 stops ended as described.")
    },
    TIMEOUT
  )
})

describe("mock-server", () => {
  it(
    "--once starts the server, cancels 10197 through it with the client, stops and exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await runInProcess(MockServer.main(["--once"]), {}, MockServer.runOptions)
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toMatch(/^Mock Bybit exchange listening on http:\/\/127\.0\.0\.1:\d+ /m)
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled; the server now records it as CancelByUser.")
      expect(stdout).toContain("Mock exchange stopped.")
      expect(stdout).not.toContain(MOCK_API_SECRET)
    },
    TIMEOUT
  )

  it(
    "refuses a bad port with the usage line and exit code 1, MOCK_PORT included",
    async ({ expect }) => {
      for (const [args, env] of [
        [["--port", "x"], {}],
        [[], { MOCK_PORT: "70000" }]
      ] as const) {
        const { code, stderr } = await runInProcess(MockServer.main(args), env, MockServer.runOptions)
        expect(code).toBe(1)
        expect(stderr).toMatch(/✘ invalid port "(x|70000)"\nusage: mock-server/)
      }
    },
    TIMEOUT
  )
})
