import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_UID, type MockExchangeOptions, type MockWithdrawal } from "@effect-bybit/mock-exchange"
import { Effect, Either, Exit, Layer, Schedule } from "effect"
import { BybitClient, type BybitConfig, Withdrawals } from "../src/index.js"
import { alignTestClock, BASE_URL, hmacCredentials, NOW, runMovingClocks } from "./support.js"

/**
 * The client on a fresh in-process mock exchange frozen at `NOW` (`MockExchange.layer`: no MSW, no
 * fetch), and that exchange as `MockExchange`. A generous request timeout: 200 requests at once on a
 * slow machine never time out.
 */
const exchangeLayer = (
  exchange: Omit<MockExchangeOptions, "clock" | "now"> = {},
  client: Partial<BybitConfig.Options> = {}
) =>
  BybitClient.layer({ credentials: hmacCredentials(), baseUrl: BASE_URL, timeout: "1 hour", ...client }).pipe(
    Layer.provideMerge(MockExchange.layer({ now: NOW, ...exchange }).pipe(Layer.provide(alignTestClock)))
  )

const withdrawal = (withdrawId: string, status: MockWithdrawal["status"]): MockWithdrawal => ({
  withdrawId,
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "0.1",
  status,
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  txID: "",
  createTime: NOW - 60_000,
  updateTime: NOW - 60_000,
  withdrawType: 0
})

/** 100 cancellable, 50 already cancelled, 50 unknown ids, interleaved. */
const scenario = (exchange: MockExchange["Type"]) => {
  const cases: Array<{ readonly id: string; readonly expected: string }> = []
  for (let i = 0; i < 200; i++) {
    const id = String(500_000 + i)
    if (i % 4 === 0 || i % 4 === 2) {
      exchange.addWithdrawal(withdrawal(id, i % 8 === 0 ? "SecurityCheck" : "Pending"))
      cases.push({ id, expected: "cancelled" })
    } else if (i % 4 === 1) {
      exchange.addWithdrawal(withdrawal(id, "CancelByUser"))
      cases.push({ id, expected: "WithdrawalNotCancellable" })
    } else {
      cases.push({ id, expected: "WithdrawalNotFound" })
    }
  }
  return cases
}

const runAll = (cases: ReadonlyArray<{ readonly id: string }>) =>
  Effect.forEach(
    cases,
    ({ id }) =>
      Withdrawals.cancel({ id }).pipe(
        Effect.either,
        Effect.map(
          Either.match({ onLeft: (e) => ({ id, outcome: e._tag }), onRight: (r) => ({ id: r.id, outcome: r.status }) })
        )
      ),
    { concurrency: "unbounded" }
  )

describe("concurrency", () => {
  it.effect("200 cancels at once each get their own outcome (limit raised on the mock)", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const cases = scenario(exchange)
      const outcomes = yield* runAll(cases)
      expect(outcomes).toEqual(cases.map(({ id, expected }) => ({ id, outcome: expected })))
      const paths = exchange.requests().map((r) => r.path)
      expect(paths.filter((p) => p === "/v5/market/time")).toHaveLength(1) // one lazy sync, shared
      expect(paths.filter((p) => p === "/v5/asset/withdraw/cancel")).toHaveLength(200)
      for (const { id, expected } of cases) {
        if (expected === "cancelled") expect(exchange.withdrawal(id)?.status).toBe("CancelByUser")
      }
    }).pipe(Effect.provide(exchangeLayer({ rateLimits: { cancel: { limit: 1000, windowMs: 60_000 } } })))
  )

  it.effect(
    "200 cancels at once under the real 60/min limit, pacing off: the client waits out each 10006 (TestClock)",
    () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        const cases = scenario(exchange)
        const { exit } = yield* runMovingClocks(runAll(cases), exchange)
        expect(Exit.isSuccess(exit)).toBe(true)
        const outcomes = Exit.isSuccess(exit) ? exit.value : []
        expect(outcomes).toEqual(cases.map(({ id, expected }) => ({ id, outcome: expected })))
        const cancels = exchange.requests().filter((r) => r.path === "/v5/asset/withdraw/cancel")
        const limited = cancels.filter((r) => r.retCode === 10006)
        // A request signed before a 60 s jump of the shared TestClock may arrive after it and be
        // refused 10002; its re-sync and resend are the client's to make, not a retry too early.
        const resynced = cancels.filter((r) => r.retCode === 10002)
        expect(resynced.length).toBeLessThanOrEqual(3)
        // 200 answered + those told to wait; nobody retried before the window reset.
        expect(cancels.length - limited.length - resynced.length).toBe(200)
        expect(limited.length).toBe(140 + 80 + 20)
        // Four windows of 60 (140, 80 and 20 told to wait): the last opens 180 s in, the run ends
        // within it. (How the harness splits the waits depends on the event loop, not the client.)
        expect(exchange.clock.now() - NOW).toBeGreaterThanOrEqual(3 * 60_000)
        expect(exchange.clock.now() - NOW).toBeLessThan(4 * 60_000)
      }).pipe(
        Effect.provide(
          exchangeLayer(
            {},
            {
              retry: Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(6))),
              maxRateLimitWait: "2 minutes",
              pacing: false
            }
          )
        )
      ),
    60_000
  )
})
