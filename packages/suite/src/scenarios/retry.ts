/**
 * Retries: what is retried (5xx, 10016, 10006 and 429 after their wait, 10002 after one clock
 * re-sync), how often (at most the retry budget), and what is never retried. Rate limits: a 10006
 * is waited out up to `maxRateLimitWaitMs`, never past it (pacing: concurrency.ts). Virtual time throughout.
 */
import { CANCEL, failureOf, manyOf, NOW, QUERY, run, type Scenarios, successOf, summary, to } from "../support.js"

const twoCancels = { _tag: "cancelMany", inputs: [{ id: "10197" }, { id: "10198" }] } as const

export const retryScenarios: Scenarios = (edition, t) => {
  t.describe("retries", () => {
    t.it("retries 5xx with backoff and succeeds", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "ServerErrorHtml" }, { path: CANCEL, times: 2 }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({ id: "10197", status: "cancelled" })
      t.expect(to(result, CANCEL)).toHaveLength(3)
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      // Backoff: the retries waited (virtual time), they were not sent at once.
      t.expect(result.elapsedMs).toBeGreaterThan(0)
    })

    t.it("stops after 4 retries (5 attempts) by default and fails with the last error", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: CANCEL, times: 100 }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(failureOf(t, result.outcome)).toMatchObject({ _tag: "ExchangeUnavailable", retCode: 10016 })
      t.expect(to(result, CANCEL)).toHaveLength(5)
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("Pending")
    })

    t.it("a retry budget of 1 sends at most 2 attempts", async () => {
      const result = await run(edition, {
        client: { retries: 1 },
        setup: (exchange) => exchange.faults.inject({ _tag: "DropConnection" }, { path: CANCEL, times: 100 }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      failureOf(t, result.outcome)
      t.expect(to(result, CANCEL)).toHaveLength(2)
    })

    t.it("re-syncs the clock once on 10002 and succeeds", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "RetCode", retCode: 10002 }, { path: CANCEL }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({ status: "cancelled" })
      t.expect(summary(result)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 10002",
        "market/time 0",
        "asset/withdraw/cancel 0"
      ])
    })

    t.it("gives up on a second 10002 in the same call (re-syncs only once)", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "RetCode", retCode: 10002 }, { path: CANCEL, times: 2 }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(failureOf(t, result.outcome)._tag).toBe("TimestampOutsideWindow")
      t.expect(summary(result)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 10002",
        "market/time 0",
        "asset/withdraw/cancel 10002"
      ])
    })

    t.it("with time sync off, a clock outside the window is TimestampOutsideWindow (10002), not retried", async () => {
      const result = await run(edition, {
        client: { timeSync: false },
        // The exchange's clock runs a minute ahead of the client's: far outside the 5 s window.
        setup: (exchange) => exchange.clock.advance(60_000),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(failureOf(t, result.outcome)).toMatchObject({
        _tag: "TimestampOutsideWindow",
        retCode: 10002,
        recvWindow: 5000
      })
      t.expect(summary(result)).toEqual(["asset/withdraw/cancel 10002"])
    })

    t.it("with time sync on, the first sync corrects a client clock a minute behind the exchange", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.clock.advance(60_000),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({ status: "cancelled" })
      t.expect(summary(result)).toEqual(["market/time 0", "asset/withdraw/cancel 0"])
    })

    t.it("retries a 429 and succeeds", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "TooManyRequests" }, { path: CANCEL }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({ status: "cancelled" })
      t.expect(to(result, CANCEL).map((r) => r.httpStatus)).toEqual([429, 200])
      // A refusal is not a possibly handled attempt: no lookup.
      t.expect(to(result, QUERY)).toEqual([])
    })
  })

  t.describe("rate limits", () => {
    t.it("without pacing, a used-up limit is RateLimitExceeded (10006) with the reset time", async () => {
      const result = await run(edition, {
        exchange: { rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } },
        client: { retries: false, pacing: false },
        operation: twoCancels
      })
      const outcomes = manyOf(t, result.outcome)
      t.expect(outcomes.map((o) => o._tag).sort()).toEqual(["Failure", "Success"])
      const refused = outcomes.find((o) => o._tag === "Failure")
      t.expect(refused).toMatchObject({
        error: { _tag: "RateLimitExceeded", retCode: 10006, resetAt: NOW + 60_000, path: CANCEL }
      })
    })

    t.it("waits for the rate-limit reset (virtual time), then succeeds without hammering", async () => {
      const result = await run(edition, {
        exchange: { rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } },
        client: { pacing: false },
        operation: twoCancels
      })
      for (const outcome of manyOf(t, result.outcome)) successOf(t, outcome)
      t.expect(summary(result)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 0",
        "asset/withdraw/cancel 10006",
        "asset/withdraw/cancel 0"
      ])
      t.expect(to(result, CANCEL)[2]!.time).toBeGreaterThanOrEqual(NOW + 60_000)
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      t.expect(result.exchange.withdrawal("10198")?.status).toBe("CancelByUser")
    })

    t.it("does not wait for a reset further away than maxRateLimitWaitMs", async () => {
      const result = await run(edition, {
        exchange: { rateLimits: { cancel: { limit: 1, windowMs: 600_000 } } },
        client: { pacing: false, maxRateLimitWaitMs: 59_000 },
        operation: twoCancels
      })
      const outcomes = manyOf(t, result.outcome)
      t.expect(outcomes.map((o) => o._tag).sort()).toEqual(["Failure", "Success"])
      t.expect(outcomes.find((o) => o._tag === "Failure")).toMatchObject({
        error: { _tag: "RateLimitExceeded", retCode: 10006 }
      })
      // Refused once, not retried.
      t.expect(to(result, CANCEL)).toHaveLength(2)
    })
  })
}
