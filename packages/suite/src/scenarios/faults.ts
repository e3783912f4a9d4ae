/**
 * Nothing lost: whatever fault meets a cancel, its outcome agrees with the exchange's own record.
 * Success (with `confirmedAfterRetry` when the record settled it) exactly when the exchange
 * cancelled it; `CancelOutcomeUnknown` only when the record could not be read either. Retries,
 * the clock re-sync on 10002 and the per-attempt timeout, all in virtual time.
 */
import { type Fault, SEED_WITHDRAWAL_IDS_BY_STATUS } from "@effect-bybit/mock-exchange/core"
import { CANCEL, failureOf, pending, QUERY, run, type Scenarios, successOf, summary, TIME, to } from "../support.js"

interface Case {
  readonly name: string
  readonly fault: Fault
  /** The outcome's tag and fields, or `Success` with these fields. */
  readonly expected: Readonly<Record<string, unknown>>
}

/** Every fault kind of the mock, on a cancel's first attempt, with the client's default options. */
const EVERY_FAULT: ReadonlyArray<Case> = [
  {
    name: "ServerErrorHtml (502): retried, cancelled",
    fault: { _tag: "ServerErrorHtml" },
    expected: { _tag: "Success", status: "cancelled" }
  },
  {
    name: "IpBanned (403): not retried, not cancelled",
    fault: { _tag: "IpBanned" },
    expected: { _tag: "RateLimitExceeded", httpStatus: 403 }
  },
  {
    name: "TooManyRequests (429): retried, cancelled",
    fault: { _tag: "TooManyRequests" },
    expected: { _tag: "Success", status: "cancelled" }
  },
  {
    name: "NotJson: unreadable, looked up, still pending",
    fault: { _tag: "NotJson" },
    expected: { _tag: "UnreadableResponse", reason: "NotJson" }
  },
  {
    name: "TruncatedBody: handled, the lookup confirms it",
    fault: { _tag: "TruncatedBody" },
    expected: { _tag: "Success", status: "cancelled", confirmedAfterRetry: true }
  },
  {
    name: "MissingFields: unreadable, looked up, still pending",
    fault: { _tag: "MissingFields" },
    expected: { _tag: "UnreadableResponse", reason: "InvalidEnvelope" }
  },
  {
    name: "Latency past the timeout: cut off before it was handled, the retry cancels it",
    fault: { _tag: "Latency", ms: 600_000 },
    expected: { _tag: "Success", status: "cancelled", confirmedAfterRetry: false }
  },
  {
    name: "DropConnection: retried, cancelled",
    fault: { _tag: "DropConnection" },
    expected: { _tag: "Success", status: "cancelled" }
  },
  {
    name: "LoseResponse: handled, the lookup confirms it",
    fault: { _tag: "LoseResponse" },
    expected: { _tag: "Success", status: "cancelled", confirmedAfterRetry: true }
  },
  {
    name: "CancelStatusZero: CancelFailed, not cancelled",
    fault: { _tag: "CancelStatusZero" },
    expected: { _tag: "CancelFailed", id: "10197" }
  },
  {
    name: "RetCode 10016: retried, cancelled",
    fault: { _tag: "RetCode", retCode: 10016 },
    expected: { _tag: "Success", status: "cancelled" }
  },
  {
    name: "RetCode 10006: waited, retried, cancelled",
    fault: { _tag: "RetCode", retCode: 10006 },
    expected: { _tag: "Success", status: "cancelled" }
  },
  {
    name: "RetCode 10002: the clock re-synced, retried, cancelled",
    fault: { _tag: "RetCode", retCode: 10002 },
    expected: { _tag: "Success", status: "cancelled" }
  }
]

/** The refusals a retry can meet, each kept up for every later attempt. */
const REFUSALS: ReadonlyArray<readonly [string, Fault]> = [
  ["429 Too Many Requests", { _tag: "TooManyRequests" }],
  ["403 access too frequent", { _tag: "IpBanned" }],
  ["retCode 10006", { _tag: "RetCode", retCode: 10006 }],
  ["result.status 0", { _tag: "CancelStatusZero" }],
  ["retCode 131099", { _tag: "RetCode", retCode: 131099 }]
]

const LATER_ATTEMPTS = 30

export const faultScenarios: Scenarios = (edition, t) => {
  t.describe("cancel: every fault kind, the outcome agrees with the exchange's record", () => {
    for (const c of EVERY_FAULT) {
      t.it(c.name, async () => {
        const result = await run(edition, {
          setup: (exchange) => exchange.faults.inject(c.fault, { path: CANCEL }),
          operation: { _tag: "cancel", input: { id: "10197" } }
        })
        const { _tag, ...fields } = c.expected
        const record = result.exchange.withdrawal("10197")?.status
        if (_tag === "Success") {
          t.expect(successOf(t, result.outcome)).toMatchObject({ id: "10197", ...fields })
          t.expect(record).toBe("CancelByUser")
        } else {
          t.expect(failureOf(t, result.outcome)).toMatchObject(c.expected)
          t.expect(record).toBe("Pending")
        }
      })
    }
  })

  t.describe("cancel: after a possibly handled attempt, the verdict comes from the record", () => {
    for (const first of ["LoseResponse", "TruncatedBody"] as const) {
      for (const [refusalName, refusal] of REFUSALS) {
        t.it(`first attempt ${first}, every later one ${refusalName}: cancelled, confirmed`, async () => {
          const id = "700101"
          const result = await run(edition, {
            exchange: { withdrawals: [pending(id)] },
            setup: (exchange) => {
              exchange.faults.inject({ _tag: first }, { path: CANCEL })
              exchange.faults.inject(refusal, { path: CANCEL, times: LATER_ATTEMPTS })
            },
            operation: { _tag: "cancel", input: { id } }
          })
          t.expect(result.exchange.withdrawal(id)?.status).toBe("CancelByUser")
          t.expect(successOf(t, result.outcome)).toMatchObject({ id, status: "cancelled", confirmedAfterRetry: true })
        })
      }
    }

    for (const [lookupName, lookupFault] of [
      ["connection dropped", { _tag: "DropConnection" }],
      ["503", { _tag: "ServerErrorHtml", status: 503 }],
      ["not JSON", { _tag: "NotJson" }]
    ] as const) {
      for (const [refusalName, refusal] of [REFUSALS[0]!, REFUSALS[2]!, REFUSALS[3]!]) {
        t.it(`lost answer, then ${refusalName}, and every lookup ${lookupName}: CancelOutcomeUnknown`, async () => {
          const id = "700201"
          const result = await run(edition, {
            exchange: { withdrawals: [pending(id)] },
            setup: (exchange) => {
              exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL })
              exchange.faults.inject(refusal, { path: CANCEL, times: LATER_ATTEMPTS })
              exchange.faults.inject(lookupFault, { path: QUERY, times: 1_000 })
            },
            operation: { _tag: "cancel", input: { id } }
          })
          t.expect(result.exchange.withdrawal(id)?.status).toBe("CancelByUser")
          const error = failureOf(t, result.outcome)
          t.expect(error._tag).toBe("CancelOutcomeUnknown")
          t.expect(error.id).toBe(id)
          t.expect(typeof error.detail).toBe("string")
          t.expect(String(error.detail).length).toBeGreaterThan(0)
          // How to check: look it up by id.
          t.expect(error.message).toContain("Withdrawals.list")
          t.expect(error.message).toContain("withdrawID")
          // The record was asked for.
          t.expect(to(result, QUERY).some((r) => r.fault === lookupFault._tag)).toBe(true)
        })
      }
    }

    t.it("a lost answer whose cancel went through: success, confirmed by one lookup by id", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({
        id: "10197",
        status: "cancelled",
        confirmedAfterRetry: true
      })
      t.expect(summary(result)).toEqual([
        "market/time 0",
        "asset/withdraw/cancel 0 HTTP 0",
        "asset/withdraw/cancel 131099",
        "asset/withdraw/query-record 0"
      ])
      t.expect(to(result, QUERY)[0]?.query).toBe("withdrawID=10197&withdrawType=2")
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })

    t.it("a truncated answer to a cancel that went through: success, confirmed by a lookup", async () => {
      const result = await run(edition, {
        client: { retries: false },
        setup: (exchange) => exchange.faults.inject({ _tag: "TruncatedBody" }, { path: CANCEL }),
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({
        id: "10197",
        status: "cancelled",
        confirmedAfterRetry: true
      })
      t.expect(result.exchange.requests().map((r) => r.path)).toEqual([TIME, CANCEL, QUERY])
    })

    t.it(
      "after a dropped connection, a withdrawal that really is not cancellable reports the status found",
      async () => {
        const id = SEED_WITHDRAWAL_IDS_BY_STATUS.success
        const result = await run(edition, {
          setup: (exchange) => exchange.faults.inject({ _tag: "DropConnection" }, { path: CANCEL }),
          operation: { _tag: "cancel", input: { id } }
        })
        t.expect(failureOf(t, result.outcome)).toMatchObject({
          _tag: "WithdrawalNotCancellable",
          id,
          status: "success",
          retCode: 131099
        })
      }
    )

    t.it("a later attempt that is itself a success decides (the first timed out before it was handled)", async () => {
      const id = "700301"
      const result = await run(edition, {
        exchange: { withdrawals: [pending(id)] },
        setup: (exchange) => exchange.faults.inject({ _tag: "Latency", ms: 600_000 }, { path: CANCEL }),
        operation: { _tag: "cancel", input: { id } }
      })
      t.expect(result.exchange.withdrawal(id)?.status).toBe("CancelByUser")
      t.expect(successOf(t, result.outcome)).toMatchObject({ id, status: "cancelled", confirmedAfterRetry: false })
      // The journal records a request when it is handled: the first was cut off before.
      t.expect(to(result, CANCEL)).toHaveLength(1)
    })

    t.it(
      "a cancel that timed out and whose record cannot be read is CancelOutcomeUnknown, saying how to check",
      async () => {
        const result = await run(edition, {
          client: { retries: false, timeoutMs: 50 },
          setup: (exchange) => {
            exchange.faults.inject({ _tag: "Latency", ms: 300 }, { path: CANCEL })
            exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: QUERY, times: 10 })
          },
          operation: { _tag: "cancel", input: { id: "10197" } }
        })
        const error = failureOf(t, result.outcome)
        t.expect(error._tag).toBe("CancelOutcomeUnknown")
        t.expect(error.message).toMatch(/TransportError/)
        t.expect(error.message).toMatch(/withdrawID: "10197"/)
      }
    )

    t.it("a cancel that met only 5xx, whose record cannot be read either, is CancelOutcomeUnknown", async () => {
      const result = await run(edition, {
        client: { retries: 3 },
        setup: (exchange) => {
          exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: CANCEL, times: 100 })
          exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: QUERY, times: 1_000 })
        },
        operation: { _tag: "cancel", input: { id: "10197" } }
      })
      const error = failureOf(t, result.outcome)
      t.expect(error._tag).toBe("CancelOutcomeUnknown")
      t.expect(error.message).toMatch(/ExchangeUnavailable \(HTTP 503\)/)
      t.expect(error.message).toMatch(/Withdrawals\.list\(\{ withdrawID: "10197" \}\)/)
      t.expect(to(result, CANCEL)).toHaveLength(4)
      t.expect(to(result, QUERY).length).toBeGreaterThan(0)
    })

    t.it(
      "a failure before any cancel was sent (server time unreachable) never says the outcome is unknown",
      async () => {
        const id = "730001"
        const result = await run(edition, {
          exchange: { withdrawals: [pending(id)] },
          setup: (exchange) => exchange.faults.inject({ _tag: "DropConnection" }, { path: TIME, times: 100 }),
          operation: { _tag: "cancel", input: { id } }
        })
        const error = failureOf(t, result.outcome)
        t.expect(error._tag).not.toBe("CancelOutcomeUnknown")
        t.expect(error.message).not.toMatch(/outcome[^.]*unknown|unknown[^.]*outcome/i)
        t.expect(to(result, TIME).length).toBeGreaterThan(0)
        t.expect(to(result, CANCEL)).toEqual([])
        t.expect(result.exchange.withdrawal(id)?.status).toBe("Pending")
      }
    )
  })
}
