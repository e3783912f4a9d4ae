import { describe, expect, it } from "@effect/vitest"
import { MOCK_UID, SEED_WITHDRAWAL_IDS_BY_STATUS } from "@effect-bybit/mock-exchange"
import { Effect, Exit, Option, Schedule, TestClock } from "effect"
import { BybitClient, Withdrawals } from "../src/index.js"
import { freshExchange, hmacCredentials, movingClockLayer, NOW, runMovingClocks, useMsw } from "./support.js"

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

  it.effect("gives up on a second 10002 in the same call (re-syncs only once)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* Withdrawals.cancel({ id: "10197" })
      exchange.faults.inject({ _tag: "RetCode", retCode: 10002 }, { path: CANCEL, times: 2 })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10198" }))
      expect(error._tag).toBe("TimestampOutsideWindow")
      expect(summary(exchange).slice(2)).toEqual([
        "asset/withdraw/cancel 10002",
        "market/time 0",
        "asset/withdraw/cancel 10002"
      ])
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("does not retry 10002 when time sync is off", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* TestClock.setTime(0) // the client's clock reads 1970
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error._tag).toBe("TimestampOutsideWindow")
      expect(summary(exchange)).toEqual(["asset/withdraw/cancel 10002"])
    }).pipe(Effect.provide(movingClockLayer({ timeSync: false })))
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

  it.effect("does not wait for a rate-limit reset further away than maxRateLimitWait", () =>
    Effect.gen(function* () {
      const exchange = freshExchange({ rateLimits: { cancel: { limit: 1, windowMs: 600_000 } } })
      yield* Withdrawals.cancel({ id: "10197" })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10198" }), exchange)
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(waits).toEqual([])
      const error = Exit.isFailure(exit) ? exit.cause : undefined
      expect(JSON.stringify(error)).toContain("RateLimitExceeded")
    }).pipe(Effect.provide(movingClockLayer({ maxRateLimitWait: "59 seconds" })))
  )

  it.effect("a lost answer whose cancel went through ends in success, confirmed by a lookup", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10197" }), exchange)
      expect(exit).toMatchObject({ _tag: "Success" })
      const result = Exit.isSuccess(exit) ? exit.value : undefined
      expect(result).toMatchObject({ id: "10197", status: "cancelled", confirmedAfterRetry: true })
      expect(waits).toHaveLength(1) // one backoff before the retry
      expect(summary(exchange)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 0 HTTP 0",
        "asset/withdraw/cancel 131099",
        "asset/withdraw/query-record 0"
      ])
      expect(exchange.requests()[3]?.query).toBe("withdrawID=10197&withdrawType=2")
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    }).pipe(Effect.provide(movingClockLayer()))
  )

  it.effect("after a lost answer, a withdrawal that really is not cancellable reports the status found", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const id = SEED_WITHDRAWAL_IDS_BY_STATUS.success
      exchange.faults.inject({ _tag: "DropConnection" }, { path: CANCEL })
      const { exit } = yield* runMovingClocks(Withdrawals.cancel({ id }), exchange)
      expect(exit).toMatchObject({ _tag: "Failure" })
      const failure = Exit.isFailure(exit) ? exit.cause : undefined
      expect(JSON.parse(JSON.stringify(failure))).toMatchObject({
        error: { _tag: "WithdrawalNotCancellable", id, status: "success", retCode: 131099 }
      })
    }).pipe(Effect.provide(movingClockLayer()))
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

  it.effect("stops after 4 retries (5 attempts) and fails with the last error", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: CANCEL, times: 100 })
      const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id: "10197" }), exchange)
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(waits).toHaveLength(4)
      expect(exchange.requests().filter((r) => r.path === CANCEL)).toHaveLength(5)
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

  for (const [name, layer, id] of [
    ["authentication", movingClockLayer({ credentials: hmacCredentials(undefined, "wrong-secret-value") }), "10197"],
    ["a state error", movingClockLayer(), SEED_WITHDRAWAL_IDS_BY_STATUS.Reject],
    ["not found", movingClockLayer(), "424242"]
  ] as const) {
    it.effect(`never retries ${name}`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        const { exit, waits } = yield* runMovingClocks(Withdrawals.cancel({ id }), exchange)
        expect(exit._tag).toBe("Failure")
        expect(waits).toEqual([])
        expect(exchange.requests().filter((r) => r.path === CANCEL)).toHaveLength(1)
      }).pipe(Effect.provide(layer))
    )
  }

  it.effect("never retries a permission error", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "RetCode", retCode: 10005 }, { path: CANCEL })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error._tag).toBe("PermissionDenied")
      expect(exchange.requests().filter((r) => r.path === CANCEL)).toHaveLength(1)
      expect(MOCK_UID).toBeDefined()
    }).pipe(Effect.provide(movingClockLayer()))
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
