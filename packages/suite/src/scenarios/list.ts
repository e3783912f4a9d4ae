/**
 * `list` and `listAll`: typed rows, the cursor followed to the end, and a row that cannot be read
 * reported (its index, its id when readable, the field and rule) never dropped and never failing the
 * page. Pages the mock would not produce are scripted through its `RetCode` fault with `retCode 0`.
 */
import { type FaultOptions, MOCK_API_KEY, MOCK_UID, WITHDRAWAL_STATUSES } from "@effect-bybit/mock-exchange/core"
import { failureOf, NOW, QUERY, run, type Scenarios, successOf, TIME, to } from "../support.js"

interface Page {
  readonly rows: ReadonlyArray<Record<string, unknown>>
  readonly malformed: ReadonlyArray<Record<string, unknown>>
  readonly nextPageCursor?: string
  readonly rateLimit?: Record<string, unknown>
}

const row = (withdrawId: string, status: string, extra: Record<string, unknown> = {}) => ({
  withdrawId,
  txID: "",
  withdrawType: 0,
  coin: "USDT",
  chain: "ETH",
  amount: "12.5",
  withdrawFee: "1",
  status,
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  createTime: String(NOW - 60_000),
  updateTime: String(NOW - 30_000),
  ...extra
})

/** A page answer: `retCode 0` with these rows, on the list path. */
const page = (rows: ReadonlyArray<unknown>, nextPageCursor = "") =>
  ({ _tag: "RetCode", retCode: 0, retMsg: "success", result: { rows, nextPageCursor } }) as const

const { status: _dropped, ...noStatus } = row("20002", "Pending")
/** Page 1: a Pending row, a row without `status`, a row whose `amount` is a number, a success row. */
const PAGE_ONE = [row("20001", "Pending"), noStatus, row("20003", "Pending", { amount: 12.5 }), row("20004", "success")]
/** Page 2: a row whose `createTime` is not a number of ms, then a Pending row. */
const PAGE_TWO = [row("20005", "Pending", { createTime: "yesterday" }), row("20006", "Pending")]

const onList = (match?: Record<string, string>): FaultOptions => ({
  path: QUERY,
  ...(match !== undefined ? { match } : {})
})

export const listScenarios: Scenarios = (edition, t) => {
  t.describe("list and listAll", () => {
    t.it("list returns typed rows and the next cursor", async () => {
      const result = await run(edition, { operation: { _tag: "list", input: { withdrawType: 2, limit: 3 } } })
      const value = successOf<Page>(t, result.outcome)
      t.expect(value.rows).toHaveLength(3)
      t.expect(typeof value.rows[0]!.createTime).toBe("number")
      t.expect(WITHDRAWAL_STATUSES).toContain(value.rows[0]!.status)
      t.expect(value.malformed).toEqual([])
      t.expect(typeof value.nextPageCursor).toBe("string")
      t.expect(value.rateLimit?.path).toBe(QUERY)
      t.expect(result.exchange.requests().at(-1)?.query).toBe("withdrawType=2&limit=3")
    })

    t.it("list finds one withdrawal by id, on its last page", async () => {
      const result = await run(edition, { operation: { _tag: "list", input: { withdrawID: "10197" } } })
      const value = successOf<Page>(t, result.outcome)
      t.expect(value.rows.map((r) => [r.withdrawId, r.status])).toEqual([["10197", "Pending"]])
      t.expect(value.nextPageCursor).toBeUndefined()
    })

    t.it("listAll follows the cursors to the end: every withdrawal of the account, once", async () => {
      const result = await run(edition, { operation: { _tag: "listAll", input: { withdrawType: 2, limit: 2 } } })
      const items = successOf<ReadonlyArray<Record<string, unknown>>>(t, result.outcome)
      const ids = items.map((r) => String(r.withdrawId))
      const expected = result.exchange.withdrawals().filter((w) => w.uid === MOCK_UID)
      t.expect(new Set(ids).size).toBe(ids.length)
      t.expect([...ids].sort()).toEqual(expected.map((w) => w.withdrawId).sort())
      t.expect(to(result, QUERY)).toHaveLength(Math.ceil(ids.length / 2))
    })

    t.it("a status the client does not know is kept as Unknown", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject(page([row("1", "SomethingNew", { txID: undefined })]), onList()),
        operation: { _tag: "list" }
      })
      const value = successOf<Page>(t, result.outcome)
      t.expect(value.rows[0]?.status).toBe("Unknown")
      t.expect(value.rows[0]?.txID).toBe("")
    })

    // 131099 is the cancel endpoint's own refusal: elsewhere it is an unknown code, never an error
    // the operation's type leaves out (WithdrawalNotCancellable is not a ListError).
    for (const [operation, path] of [
      [{ _tag: "list", input: {} }, "/v5/asset/withdraw/query-record"],
      [{ _tag: "serverTime" }, "/v5/market/time"]
    ] as const) {
      t.it(`retCode 131099 answered to ${operation._tag} is UnknownApiError with its code`, async () => {
        const result = await run(edition, {
          client: { retries: false },
          setup: (exchange) => exchange.faults.inject({ _tag: "RetCode", retCode: 131099 }, { path }),
          operation
        })
        t.expect(failureOf(t, result.outcome)).toMatchObject({ _tag: "UnknownApiError", retCode: 131099 })
      })
    }

    t.it("serverTime reads the exchange's clock, unsigned", async () => {
      const result = await run(edition, { operation: { _tag: "serverTime" } })
      t.expect(successOf(t, result.outcome)).toMatchObject({ millis: NOW, timeSecond: String(NOW / 1000) })
      t.expect(result.exchange.requests()[0]).toMatchObject({ path: TIME, apiKey: undefined })
    })

    t.it("each account lists only its own withdrawals", async () => {
      const result = await run(edition, {
        client: { credentials: { apiKey: "mock-other-api-key", apiSecret: "mock-other-api-secret" } },
        operation: { _tag: "list", input: { withdrawType: 2 } }
      })
      t.expect(successOf<Page>(t, result.outcome).rows.map((r) => r.withdrawId)).toEqual(["20001"])
      t.expect(to(result, QUERY)[0]?.apiKey).not.toBe(MOCK_API_KEY)
    })

    t.it("a retCode that is not a safe integer is UnreadableResponse (InvalidEnvelope), no retCode kept", async () => {
      for (const retCode of [1.5, 1e300, 2 ** 53]) {
        const result = await run(edition, {
          client: { retries: false },
          setup: (exchange) => exchange.faults.inject({ _tag: "RetCode", retCode, retMsg: "x" }, onList()),
          operation: { _tag: "list" }
        })
        const error = failureOf(t, result.outcome)
        t.expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidEnvelope" })
        t.expect(error).not.toHaveProperty("retCode")
      }
    })

    t.it("an answer slower than the timeout is TransportError (Timeout) naming the path", async () => {
      const result = await run(edition, {
        client: { retries: false, timeoutMs: 50 },
        setup: (exchange) => exchange.faults.inject({ _tag: "Latency", ms: 300 }, onList()),
        operation: { _tag: "list" }
      })
      t.expect(failureOf(t, result.outcome)).toMatchObject({ _tag: "TransportError", reason: "Timeout", path: QUERY })
    })
  })

  t.describe("malformed rows are reported, never dropped", () => {
    t.it("list: the good rows reach the caller; each bad one is in malformed with its index and reason", async () => {
      const result = await run(edition, {
        setup: (exchange) => exchange.faults.inject(page(PAGE_ONE, "page2"), onList()),
        operation: { _tag: "list", input: { withdrawType: 2 } }
      })
      const value = successOf<Page>(t, result.outcome)
      t.expect(value.rows.map((r) => [r.withdrawId, r.status])).toEqual([
        ["20001", "Pending"],
        ["20004", "success"]
      ])
      t.expect(value.malformed).toHaveLength(2)
      const [missing, badType] = value.malformed
      t.expect(missing).toMatchObject({ _tag: "MalformedRecord", index: 1, withdrawId: "20002" })
      t.expect(String(missing!.reason)).toContain("status")
      t.expect(String(missing!.reason)).toMatch(/missing|required/i)
      t.expect(badType).toMatchObject({ _tag: "MalformedRecord", index: 2, withdrawId: "20003" })
      t.expect(String(badType!.reason)).toContain("amount")
      t.expect(String(badType!.reason)).toMatch(/string/i)
      // The page itself is intact: its cursor too.
      t.expect(value.nextPageCursor).toBe("page2")
    })

    t.it("a row whose withdrawId cannot be read, and one that is not an object, are reported too", async () => {
      const result = await run(edition, {
        setup: (exchange) =>
          exchange.faults.inject(
            page([row("20001", "Pending"), { ...row("x", "Pending"), withdrawId: 42 }, "not a row", null]),
            onList()
          ),
        operation: { _tag: "list" }
      })
      const value = successOf<Page>(t, result.outcome)
      t.expect(value.rows.map((r) => r.withdrawId)).toEqual(["20001"])
      t.expect(value.malformed.map((m) => [m._tag, m.index, m.withdrawId])).toEqual([
        ["MalformedRecord", 1, undefined],
        ["MalformedRecord", 2, undefined],
        ["MalformedRecord", 3, undefined]
      ])
      t.expect(String(value.malformed[0]!.reason)).toContain("withdrawId")
      t.expect(String(value.malformed[2]!.reason)).toMatch(/expected an object/)
      for (const m of value.malformed) t.expect(String(m.reason).length).toBeGreaterThan(0)
    })

    t.it("listAll: every row of every page, good or malformed, in page order", async () => {
      const result = await run(edition, {
        setup: (exchange) => {
          exchange.faults.inject(page(PAGE_TWO), onList({ cursor: "page2" }))
          exchange.faults.inject(page(PAGE_ONE, "page2"), onList())
        },
        operation: { _tag: "listAll", input: { withdrawType: 2 } }
      })
      const items = successOf<ReadonlyArray<Record<string, unknown>>>(t, result.outcome)
      t.expect(
        items.map((item) =>
          item._tag === "MalformedRecord"
            ? `malformed ${item.index} ${item.withdrawId}`
            : `${item.withdrawId} ${item.status}`
        )
      ).toEqual([
        "20001 Pending",
        "malformed 1 20002",
        "malformed 2 20003",
        "20004 success",
        "malformed 0 20005",
        "20006 Pending"
      ])
      t.expect(String(items[4]!.reason)).toContain("createTime")
      t.expect(to(result, QUERY).map((r) => r.query)).toEqual(["withdrawType=2", "withdrawType=2&cursor=page2"])
    })
  })
}
