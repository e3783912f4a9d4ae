import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option, Schedule, TestClock } from "effect"
import { BybitClient, Withdrawals } from "../src/index.js"
import { freshExchange, movingClockLayer, NOW, runMovingClocks, useMsw } from "./support.js"

useMsw()

const CANCEL = "/v5/asset/withdraw/cancel"
const summary = (exchange: ReturnType<typeof freshExchange>) =>
  exchange
    .requests()
    .map(
      (r) => `${r.path.replace("/v5/", "")} ${r.retCode ?? "-"}${r.httpStatus === 200 ? "" : ` HTTP ${r.httpStatus}`}`
    )

describe("retries", () => {
  it.effect("re-syncs the clock once on 10002 and succeeds (server clock jumped 60s ahead, no sleeping)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* Withdrawals.cancel({ id: "10197" })
      exchange.clock.advance(60_000) // our offset is now 60s stale: every timestamp is outside the window
      const result = yield* Withdrawals.cancel({ id: "10198" })
      expect(result.status).toBe("cancelled")
      expect(summary(exchange)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 0",
        "asset/withdraw/cancel 10002",
        "market/time 0",
        "asset/withdraw/cancel 0"
      ])
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("re-syncs when the client's own clock drifts ahead after the first sync (TestClock)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* Withdrawals.cancel({ id: "10197" })
      yield* TestClock.adjust("30 seconds") // the client's clock runs 30s ahead of the (frozen) exchange
      const result = yield* Withdrawals.cancel({ id: "10198" })
      expect(result.status).toBe("cancelled")
      expect(summary(exchange).slice(2)).toEqual([
        "asset/withdraw/cancel 10002",
        "market/time 0",
        "asset/withdraw/cancel 0"
      ])
      expect(Option.getOrUndefined(yield* BybitClient.clockOffset)).toBe(-30_000)
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("a client clock skewed behind the server is corrected by the first sync", () =>
    Effect.gen(function* () {
      // The client's clock (TestClock) runs 3 hours behind the exchange's.
      const exchange = freshExchange()
      yield* TestClock.setTime(NOW - 3 * 3_600_000)
      const result = yield* Withdrawals.cancel({ id: "10197" })
      expect(result.status).toBe("cancelled")
      expect(summary(exchange)).toEqual(["market/time 0", "asset/withdraw/cancel 0"])
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("waits for the rate-limit reset time (TestClock), then succeeds without hammering", () =>
    Effect.gen(function* () {
      const exchange = freshExchange({ rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } })
      yield* Withdrawals.cancel({ id: "10197" })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10198" }), exchange)
      expect(Exit.isSuccess(exit)).toBe(true)
      // First the wait until X-Bapi-Limit-Reset-Timestamp (exactly 60s away), then one backoff step.
      expect(waits[0]).toBe(60_000)
      expect(waits).toHaveLength(2)
      expect(waits[1]).toBeGreaterThanOrEqual(100)
      expect(waits[1]).toBeLessThanOrEqual(300)
      expect(summary(exchange)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 0",
        "asset/withdraw/cancel 10006",
        "asset/withdraw/cancel 0"
      ])
      expect(exchange.clock.now()).toBeGreaterThanOrEqual(NOW + 60_000)
      // Without pacing the second cancel meets the 10006; pacing would hold it (pacing.test.ts).
    }).pipe(Effect.provide(movingClockLayer({ pacing: false })))
  )

  it.effect("retries 5xx with backoff and succeeds", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "ServerErrorHtml" }, { path: CANCEL, times: 2 })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10197" }), exchange)
      expect(exit).toMatchObject({ _tag: "Success" })
      expect(waits).toHaveLength(2)
      // Exponential: ~200ms then ~400ms, each jittered by 0.8-1.2.
      expect(waits[0]).toBeGreaterThanOrEqual(160)
      expect(waits[0]).toBeLessThanOrEqual(241) // ceil of a jittered delay
      expect(waits[1]).toBeGreaterThanOrEqual(320)
      expect(waits[1]).toBeLessThanOrEqual(481)
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("honours a custom schedule", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "DropConnection" }, { path: CANCEL, times: 100 })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10197" }), exchange)
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(waits).toEqual([1000])
    }).pipe(
      Effect.provide(
        movingClockLayer({ retry: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(1))) })
      )
    )
  )
})

describe("rate-limit status", () => {
  it.effect("is kept from error answers too (10006)", () =>
    Effect.gen(function* () {
      freshExchange({ rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } })
      yield* Withdrawals.cancel({ id: "10197" })
      yield* Effect.flip(Withdrawals.cancel({ id: "10198" }))
      const status = yield* BybitClient.rateLimitStatus("/v5/asset/withdraw/cancel")
      expect(status).toEqual({ path: "/v5/asset/withdraw/cancel", limit: 1, remaining: 0, resetAt: NOW + 60_000 })
    }).pipe(Effect.provide(movingClockLayer({ retry: false, pacing: false })))
  )
})
