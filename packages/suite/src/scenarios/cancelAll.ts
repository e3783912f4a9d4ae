/**
 * `cancelAllPending`: every cancellable withdrawal matching the filter cancelled, one request per
 * id; one outcome per withdrawal found (malformed rows included), each agreeing with the exchange's
 * final record; a summary last; a coin checked against Bybit's rules, lower case upper-cased.
 */
import type { Exchange, MockWithdrawal } from "@effect-bybit/mock-exchange/core"
import type { RunResult, TestApi } from "../Edition.js"
import {
  CANCEL,
  cancelsOf,
  failureOf,
  ids,
  NOW,
  pending,
  QUERY,
  run,
  type Scenarios,
  successOf,
  to
} from "../support.js"

interface Swept {
  readonly outcomes: ReadonlyArray<Record<string, unknown> & { readonly _tag: string; readonly id?: string }>
  readonly summary: Record<string, unknown> & { readonly _tag: string }
}

const FIVE = ids(810001, 5)

const swept = (t: TestApi, result: RunResult): Swept => {
  const value = successOf<Swept>(t, result.outcome)
  t.expect(value.summary._tag).toBe("Summary")
  t.expect(value.outcomes.every((o) => o._tag !== "Summary")).toBe(true)
  return value
}

/** Each outcome agrees with the exchange's final record of its withdrawal. */
const agreeWithRecord = (t: TestApi, exchange: Exchange, value: Swept) => {
  for (const o of value.outcomes) {
    const status = o.id === undefined ? undefined : exchange.withdrawal(o.id)?.status
    const what = `${o.id}: outcome ${o._tag}, record ${status}`
    switch (o._tag) {
      case "Cancelled":
        t.expect(status, what).toBe("CancelByUser")
        break
      case "NotCancellable":
        t.expect(["SecurityCheck", "Pending", "CancelByUser"].includes(String(status)), what).toBe(false)
        t.expect(o.status, what).toBe(status)
        break
      case "Failed":
      case "NotSent":
        t.expect(status === "CancelByUser", what).toBe(false)
        break
      case "Unknown":
        // Unknown is allowed whatever the record says, but must say how to check.
        t.expect(String(o.howToCheck)).toContain(String(o.id))
        break
      default:
        t.expect(o._tag, what).toBe("an outcome tag")
    }
  }
}

/** One outcome per id, never two. */
const onceEach = (t: TestApi, value: Swept) => {
  const seen = value.outcomes.flatMap((o) => (o.id === undefined ? [] : [o.id]))
  t.expect(new Set(seen).size).toBe(seen.length)
}

const row = (withdrawId: string, status: string, extra: Record<string, unknown> = {}) => ({
  withdrawId,
  txID: "",
  withdrawType: 0,
  coin: "USDT",
  chain: "ETH",
  amount: "2.5",
  withdrawFee: "1",
  status,
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  createTime: String(NOW - 60_000),
  updateTime: String(NOW - 30_000),
  ...extra
})

export const cancelAllScenarios: Scenarios = (edition, t) => {
  t.describe("cancelAllPending", () => {
    t.it("five pending withdrawals: all cancelled, one request each, a summary with the total", async () => {
      const result = await run(edition, {
        exchange: { withdrawals: FIVE.map((id, i) => pending(id, { amount: `1.${i}` })) },
        operation: { _tag: "cancelAllPending" }
      })
      const value = swept(t, result)
      t.expect(value.outcomes.map((o) => [o._tag, o.id]).sort()).toEqual(FIVE.map((id) => ["Cancelled", id]))
      t.expect(value.summary).toMatchObject({
        found: 5,
        cancelled: 5,
        notCancellable: 0,
        failed: 0,
        unknown: 0,
        notSent: 0,
        totals: [{ coin: "USDT", count: 5, amount: "6" }]
      })
      for (const id of FIVE) {
        t.expect(result.exchange.withdrawal(id)?.status).toBe("CancelByUser")
        t.expect(cancelsOf(result, id)).toHaveLength(1)
      }
      t.expect(to(result, QUERY)[0]?.query).toBe("withdrawType=2&limit=50")
    })

    t.it("mixed statuses: only SecurityCheck and Pending are cancelled, the rest skipped and untouched", async () => {
      const withdrawals: ReadonlyArray<MockWithdrawal> = [
        pending("820001"),
        pending("820002", { status: "SecurityCheck" }),
        pending("820003", { status: "success", txID: "0xabc" }),
        pending("820004", { status: "CancelByUser" }),
        pending("820005", { status: "Reject" }),
        pending("820006", { coin: "BTC", amount: "0.01" })
      ]
      const result = await run(edition, { exchange: { withdrawals }, operation: { _tag: "cancelAllPending" } })
      const value = swept(t, result)
      t.expect(value.outcomes.map((o) => `${o.id} ${o._tag}`).sort()).toEqual([
        "820001 Cancelled",
        "820002 Cancelled",
        "820006 Cancelled"
      ])
      t.expect(value.summary).toMatchObject({ found: 3, cancelled: 3, skipped: 3 })
      t.expect(value.summary.totals).toEqual([
        { coin: "BTC", count: 1, amount: "0.01" },
        { coin: "USDT", count: 2, amount: "2" }
      ])
      t.expect(result.exchange.withdrawal("820003")?.status).toBe("success")
      t.expect(result.exchange.withdrawal("820005")?.status).toBe("Reject")
      t.expect(to(result, CANCEL)).toHaveLength(3)
    })

    t.it("a lower-case coin is upper-cased: usdt cancels the USDT withdrawals, and only them", async () => {
      const result = await run(edition, {
        exchange: { withdrawals: [...FIVE.map((id) => pending(id)), pending("830001", { coin: "BTC" })] },
        operation: { _tag: "cancelAllPending", input: { coin: "usdt" } }
      })
      const value = swept(t, result)
      t.expect(value.summary).toMatchObject({ found: 5, cancelled: 5 })
      t.expect(to(result, QUERY)[0]?.query).toBe("coin=USDT&withdrawType=2&limit=50")
      t.expect(result.exchange.withdrawal("830001")?.status).toBe("Pending")
    })

    for (const [coin, field, rule] of [
      ["US-DT", "coin", /upper-case letters or digits/],
      ["", "coin", /upper-case letters or digits/]
    ] as const) {
      t.it(`a coin ${JSON.stringify(coin)} is InvalidRequest naming the field, before any request`, async () => {
        const result = await run(edition, { operation: { _tag: "cancelAllPending", input: { coin } } })
        const error = failureOf(t, result.outcome)
        t.expect(error).toMatchObject({ _tag: "InvalidRequest", field })
        t.expect(String(error.reason)).toMatch(rule)
        t.expect(to(result, QUERY)).toEqual([])
        t.expect(to(result, CANCEL)).toEqual([])
      })
    }

    t.it("a key that is not a filter is InvalidRequest naming it", async () => {
      const result = await run(edition, { operation: { _tag: "cancelAllPending", input: { coins: "USDT" } } })
      t.expect(failureOf(t, result.outcome)).toMatchObject({ _tag: "InvalidRequest", field: "coins" })
    })

    t.it("faults mid-run (a lost answer, a 503, a 10006): every outcome agrees with the final record", async () => {
      const result = await run(edition, {
        exchange: { withdrawals: FIVE.map((id) => pending(id)) },
        setup: (exchange) => {
          exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL, match: { id: FIVE[1]! } })
          exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: CANCEL, match: { id: FIVE[2]! } })
          exchange.faults.inject({ _tag: "RetCode", retCode: 10006 }, { path: CANCEL, match: { id: FIVE[3]! } })
        },
        operation: { _tag: "cancelAllPending" }
      })
      const value = swept(t, result)
      onceEach(t, value)
      t.expect(value.outcomes).toHaveLength(5)
      agreeWithRecord(t, result.exchange, value)
      t.expect(value.outcomes.map((o) => o._tag)).toEqual(FIVE.map(() => "Cancelled"))
      t.expect(value.outcomes.find((o) => o.id === FIVE[1])?.confirmedAfterRetry).toBe(true)
      t.expect(value.summary).toMatchObject({ found: 5, cancelled: 5 })
      const faults = result.exchange.requests().flatMap((r) => (r.fault === undefined ? [] : [r.fault]))
      t.expect(faults.sort()).toEqual(["LoseResponse", "RetCode", "ServerErrorHtml"])
    })

    t.it(
      "an outage on one cancel and on its lookups: Unknown for it, saying how to check; the rest cancelled",
      async () => {
        const result = await run(edition, {
          exchange: { withdrawals: FIVE.map((id) => pending(id)) },
          client: { retries: 2 },
          setup: (exchange) => {
            // The listing's page is answered first; then the cancel of FIVE[0] meets a lost answer,
            // every retry a 503, and every lookup by its id a 503 too.
            exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL, match: { id: FIVE[0]! } })
            exchange.faults.inject(
              { _tag: "ServerErrorHtml", status: 503 },
              { path: CANCEL, match: { id: FIVE[0]! }, times: 100 }
            )
            exchange.faults.inject(
              { _tag: "ServerErrorHtml", status: 503 },
              { path: QUERY, match: { withdrawID: FIVE[0]! }, times: 100 }
            )
          },
          operation: { _tag: "cancelAllPending" }
        })
        const value = swept(t, result)
        onceEach(t, value)
        agreeWithRecord(t, result.exchange, value)
        const first = value.outcomes.find((o) => o.id === FIVE[0])
        t.expect(first?._tag).toBe("Unknown")
        t.expect(String(first?.howToCheck)).toContain(`withdrawID: "${FIVE[0]}"`)
        t.expect(value.summary).toMatchObject({ found: 5, cancelled: 4, unknown: 1 })
      }
    )

    t.it("malformed rows: each appears once, as Failed with nothing sent; a repeated row once", async () => {
      const { status: _dropped, ...noStatus } = row("840002", "Pending")
      const page = (rows: ReadonlyArray<unknown>, nextPageCursor = "") =>
        ({ _tag: "RetCode", retCode: 0, retMsg: "success", result: { rows, nextPageCursor } }) as const
      const result = await run(edition, {
        exchange: { withdrawals: [pending("840001"), pending("840006")] },
        setup: (exchange) => {
          exchange.faults.inject(page([row("840006", "Pending"), row("840001", "Pending")]), {
            path: QUERY,
            match: { cursor: "p2" }
          })
          exchange.faults.inject(
            page([row("840001", "Pending"), noStatus, "not a row", row("840004", "success")], "p2"),
            {
              path: QUERY
            }
          )
        },
        operation: { _tag: "cancelAllPending" }
      })
      const value = swept(t, result)
      onceEach(t, value)
      t.expect(value.outcomes.map((o) => `${o.id ?? "-"} ${o._tag}`)).toEqual([
        "840001 Cancelled",
        "840006 Cancelled",
        "840002 Failed",
        "- Failed"
      ])
      const failed = value.outcomes.filter((o) => o._tag === "Failed")
      for (const f of failed) {
        t.expect((f.error as { readonly _tag: string })._tag).toBe("UnreadableResponse")
        t.expect(String((f.error as { readonly detail?: string }).detail)).toMatch(/no cancel was sent/)
      }
      t.expect(String((failed[0]!.error as { readonly detail?: string }).detail)).toContain("status")
      t.expect(value.summary).toMatchObject({ found: 4, cancelled: 2, failed: 2, skipped: 1 })
      t.expect(to(result, CANCEL)).toHaveLength(2)
    })

    t.it(
      "a cursor that loops: the rows of every page read are still cancelled, the summary says why it stopped",
      async () => {
        const page = (rows: ReadonlyArray<unknown>, nextPageCursor: string) =>
          ({ _tag: "RetCode", retCode: 0, retMsg: "success", result: { rows, nextPageCursor } }) as const
        const [a, b, c] = ids(850001, 3) as [string, string, string]
        const result = await run(edition, {
          exchange: { withdrawals: [pending(a), pending(b), pending(c)] },
          setup: (exchange) => {
            // Page p2 names itself as the next page: its rows must not be lost with the loop.
            exchange.faults.inject(page([row(b, "Pending"), row(c, "Pending")], "p2"), {
              path: QUERY,
              match: { cursor: "p2" },
              times: 100
            })
            exchange.faults.inject(page([row(a, "Pending")], "p2"), { path: QUERY })
          },
          operation: { _tag: "cancelAllPending" }
        })
        const value = swept(t, result)
        onceEach(t, value)
        agreeWithRecord(t, result.exchange, value)
        t.expect(value.outcomes.map((o) => `${o.id} ${o._tag}`).sort()).toEqual(
          [a, b, c].map((id) => `${id} Cancelled`)
        )
        t.expect(value.summary.listError).toMatchObject({ _tag: "UnreadableResponse" })
        t.expect(String((value.summary.listError as { readonly detail?: string }).detail)).toMatch(/repeats a cursor/)
      }
    )

    t.it("a server that ignores the filter: rows of another coin or type are never cancelled", async () => {
      const page = (rows: ReadonlyArray<unknown>) =>
        ({ _tag: "RetCode", retCode: 0, retMsg: "success", result: { rows, nextPageCursor: "" } }) as const
      const [btc, usdt, offchain] = ids(860001, 3) as [string, string, string]
      const result = await run(edition, {
        exchange: {
          withdrawals: [
            pending(btc, { coin: "BTC" }),
            pending(usdt),
            pending(offchain, { coin: "BTC", withdrawType: 1 })
          ]
        },
        setup: (exchange) =>
          exchange.faults.inject(
            page([
              row(btc, "Pending", { coin: "BTC" }),
              row(usdt, "Pending"),
              row(offchain, "Pending", { coin: "BTC", withdrawType: 1 })
            ]),
            { path: QUERY }
          ),
        operation: { _tag: "cancelAllPending", input: { coin: "btc", withdrawType: 0 } }
      })
      const value = swept(t, result)
      t.expect(value.outcomes.map((o) => `${o.id} ${o._tag}`)).toEqual([`${btc} Cancelled`])
      t.expect(result.exchange.withdrawal(usdt)?.status).toBe("Pending")
      t.expect(result.exchange.withdrawal(offchain)?.status).toBe("Pending")
      t.expect(to(result, CANCEL)).toHaveLength(1)
    })

    t.it("a listing that cannot be read: the summary carries the error, nothing is cancelled", async () => {
      const result = await run(edition, {
        client: { retries: 1 },
        setup: (exchange) =>
          exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: QUERY, times: 100 }),
        operation: { _tag: "cancelAllPending" }
      })
      const value = swept(t, result)
      t.expect(value.outcomes).toEqual([])
      t.expect(value.summary).toMatchObject({ found: 0, cancelled: 0 })
      t.expect(value.summary.listError).toMatchObject({ _tag: "ExchangeUnavailable", httpStatus: 503 })
      t.expect(to(result, CANCEL)).toEqual([])
      t.expect(result.exchange.withdrawal("10197")?.status).toBe("Pending")
    })
  })
}
