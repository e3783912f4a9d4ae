/**
 * Many cancels from one client at once: concurrent cancels of one id share one request (single
 * flight), and pacing spreads cancels over the exchange's per-UID budget so that none is refused
 * (10006) and they finish within 1.05x of the least (virtual) time the limit allows.
 */
import { SEED_WITHDRAWAL_IDS_BY_STATUS } from "@effect-bybit/mock-exchange/core"
import type { RunResult, TestApi } from "../Edition.js"
import { CANCEL, cancelsOf, failureOf, ids, manyOf, pending, run, type Scenarios, successOf, to } from "../support.js"

const WINDOW = 60_000
const OURS = ids(700_000, 200)

/** The least time `n` requests take under `limit` per `window` ms: the start of the last window. */
const leastTime = (n: number, limit: number, window = WINDOW) => (Math.ceil(n / limit) - 1) * window

const cancels = (list: ReadonlyArray<string>) => ({ _tag: "cancelMany", inputs: list.map((id) => ({ id })) }) as const

/** Every cancel succeeded and the exchange cancelled every id. */
const allCancelled = (t: TestApi, result: RunResult, list: ReadonlyArray<string>) => {
  const outcomes = manyOf(t, result.outcome)
  t.expect(outcomes.filter((o) => o._tag === "Success")).toHaveLength(list.length)
  for (const id of list) t.expect(result.exchange.withdrawal(id)?.status).toBe("CancelByUser")
}

const seen = (result: RunResult) => {
  const requests = to(result, CANCEL)
  return {
    sent: requests.length,
    limited: requests.filter((r) => r.retCode === 10006).length,
    span: Math.max(...requests.map((r) => r.time)) - Math.min(...requests.map((r) => r.time))
  }
}

export const concurrencyScenarios: Scenarios = (edition, t) => {
  t.describe("single flight: one request per withdrawal at a time", () => {
    t.it("10 concurrent cancels of one id send one request and all get the same result", async () => {
      const result = await run(edition, { operation: cancels(Array.from({ length: 10 }, () => "10197")) })
      const outcomes = manyOf(t, result.outcome)
      t.expect(cancelsOf(result, "10197")).toHaveLength(1)
      for (const outcome of outcomes) t.expect(outcome).toStrictEqual(outcomes[0])
      t.expect(successOf(t, outcomes[0]!)).toMatchObject({ id: "10197", status: "cancelled" })
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })

    t.it("a failing cancel: one request, and every caller gets the same error", async () => {
      const gone = SEED_WITHDRAWAL_IDS_BY_STATUS.success
      const result = await run(edition, {
        client: { retries: false },
        operation: cancels(Array.from({ length: 8 }, () => gone))
      })
      const outcomes = manyOf(t, result.outcome)
      t.expect(cancelsOf(result, gone)).toHaveLength(1)
      for (const outcome of outcomes) t.expect(outcome).toStrictEqual(outcomes[0])
      t.expect(failureOf(t, outcomes[0]!)._tag).toBe("WithdrawalNotCancellable")
    })

    t.it("concurrent cancels of different ids each send their own request", async () => {
      const result = await run(edition, { operation: cancels(["10197", "10198", "10197", "10198"]) })
      const outcomes = manyOf(t, result.outcome)
      t.expect(outcomes.map((o) => successOf(t, o).id)).toEqual(["10197", "10198", "10197", "10198"])
      t.expect(cancelsOf(result, "10197")).toHaveLength(1)
      t.expect(cancelsOf(result, "10198")).toHaveLength(1)
    })
  })

  t.describe("pacing (the exchange's real limits, virtual time)", () => {
    t.it(
      "200 concurrent cancels finish within 1.05x of the least time 60/min allows, with no 10006",
      async () => {
        const result = await run(edition, {
          exchange: { withdrawals: OURS.map((id) => pending(id)) },
          operation: cancels(OURS)
        })
        allCancelled(t, result, OURS)
        const { sent, limited } = seen(result)
        t.expect(limited).toBe(0)
        t.expect(sent).toBe(200)
        const least = leastTime(200, 60)
        t.expect(result.elapsedMs).toBeGreaterThanOrEqual(least)
        t.expect(result.elapsedMs).toBeLessThanOrEqual(1.05 * least)
      },
      120_000
    )

    t.it(
      "the same 200 without pacing: the exchange refuses most attempts (the baseline)",
      async () => {
        const result = await run(edition, {
          exchange: { withdrawals: OURS.map((id) => pending(id)) },
          client: { pacing: false, retries: 6, maxRateLimitWaitMs: 120_000 },
          operation: cancels(OURS)
        })
        manyOf(t, result.outcome)
        t.expect(seen(result).limited).toBeGreaterThanOrEqual(140)
      },
      120_000
    )

    for (const limit of [30, 100]) {
      t.it(
        `an account whose cancel limit is ${limit}/min, not 60: the exchange's X-Bapi-Limit is followed, no 10006`,
        async () => {
          const result = await run(edition, {
            exchange: { withdrawals: OURS.map((id) => pending(id)) },
            setup: (exchange) => exchange.setRateLimits({ cancel: { limit, windowMs: WINDOW } }),
            operation: cancels(OURS)
          })
          allCancelled(t, result, OURS)
          const { sent, limited, span } = seen(result)
          t.expect({ sent, limited }).toEqual({ sent: 200, limited: 0 })
          t.expect(span).toBeLessThanOrEqual(1.05 * leastTime(200, limit))
          t.expect(result.elapsedMs).toBeLessThanOrEqual(1.05 * leastTime(200, limit))
        },
        120_000
      )
    }

    t.it(
      "an exchange whose window is longer than documented (60 per 90 s): one 10006 a window at most, waited out",
      async () => {
        const result = await run(edition, {
          exchange: {
            withdrawals: OURS.map((id) => pending(id)),
            rateLimits: { cancel: { limit: 60, windowMs: 90_000 } }
          },
          client: { maxRateLimitWaitMs: 120_000 },
          operation: cancels(OURS)
        })
        allCancelled(t, result, OURS)
        const { sent, limited, span } = seen(result)
        t.expect(limited).toBeLessThanOrEqual(3)
        t.expect(sent).toBe(200 + limited)
        t.expect(span).toBeLessThanOrEqual(1.05 * leastTime(200, 60, 90_000))
      },
      120_000
    )
  })
}
