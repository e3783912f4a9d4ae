// Withdrawal records: statuses, which can be cancelled, and a page decoded row by row so that one
// malformed row is reported on its own and never hides the others.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Records from "../src/Records.js"

const row = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  withdrawId: "10197",
  txID: "",
  withdrawType: 0,
  coin: "USDT",
  chain: "ETH",
  amount: "25.5",
  withdrawFee: "1",
  status: "success",
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  createTime: "1764555600000",
  updateTime: "1764555660000",
  ...over
})

const decoded = (result: unknown): Records.Page => {
  const page = Records.decodePage(result)
  if (typeof page === "string") throw new Error(`expected a page, got the reason ${page}`)
  return page
}

describe("decodePage", () => {
  it("passes the good rows and reports each malformed one with its index, withdrawId and reason", () => {
    const rawRows = [
      row({ withdrawId: "1", status: "Pending" }),
      row({ withdrawId: "2", status: undefined }),
      row({ withdrawId: "3", amount: 25.5 }),
      42,
      row({ withdrawId: "5", status: "BlockchainConfirmed", txID: "0xabc" })
    ]
    const page = decoded({ rows: rawRows, nextPageCursor: "eyJtaW5JRCI6MSwibWF4SUQiOjV9" })
    expect(page.rows.map((r) => [r.withdrawId, r.status])).toEqual([
      ["1", "Pending"],
      ["5", "BlockchainConfirmed"]
    ])
    expect(page.malformed).toEqual([
      { _tag: "MalformedRecord", index: 1, withdrawId: "2", reason: "status: is required" },
      { _tag: "MalformedRecord", index: 2, withdrawId: "3", reason: "amount: expected a string, got number" },
      { _tag: "MalformedRecord", index: 3, withdrawId: undefined, reason: "expected an object, got number" }
    ])
    expect(page.nextPageCursor).toBe("eyJtaW5JRCI6MSwibWF4SUQiOjV9")
  })

  it("decodes a good row field for field, times as ms numbers", () => {
    const page = decoded({ rows: [row({ status: "Pending", withdrawType: 1, tag: "memo" })], nextPageCursor: "" })
    expect(page.rows).toEqual([
      {
        withdrawId: "10197",
        txID: "",
        withdrawType: 1,
        coin: "USDT",
        chain: "ETH",
        amount: "25.5",
        withdrawFee: "1",
        status: "Pending",
        toAddress: "0x0000000000000000000000000000000000000001",
        tag: "memo",
        createTime: 1764555600000,
        updateTime: 1764555660000
      }
    ])
    expect(page.malformed).toEqual([])
    expect(page.nextPageCursor).toBeUndefined()
  })

  it("reads a status it does not know as Unknown", () => {
    expect(decoded({ rows: [row({ status: "Frozen" })] }).rows[0]!.status).toBe("Unknown")
    // statuses are case-sensitive as Bybit spells them
    expect(decoded({ rows: [row({ status: "pending" })] }).rows[0]!.status).toBe("Unknown")
  })

  it("keeps every status Bybit documents", () => {
    const page = decoded({ rows: Records.WITHDRAWAL_STATUSES.map((status) => row({ status })) })
    expect(page.rows.map((r) => r.status)).toEqual([...Records.WITHDRAWAL_STATUSES])
  })

  it("reads absent optional text fields as empty and an absent withdrawType as 0", () => {
    const page = decoded({
      rows: [
        row({
          txID: undefined,
          chain: null,
          withdrawFee: undefined,
          toAddress: undefined,
          tag: null,
          withdrawType: undefined
        })
      ]
    })
    expect(page.rows[0]).toMatchObject({
      txID: "",
      chain: "",
      withdrawFee: "",
      toAddress: "",
      tag: "",
      withdrawType: 0
    })
  })

  for (const [what, over, reason] of [
    ["a missing withdrawId", { withdrawId: undefined }, "withdrawId: is required"],
    ["a withdrawId that is not digits", { withdrawId: "abc" }, "withdrawId: must contain only digits 0-9"],
    ["a numeric withdrawId", { withdrawId: 10197 }, "withdrawId: expected a string, got number"],
    ["a missing coin", { coin: undefined }, "coin: is required"],
    ["a null amount", { amount: null }, "amount: is required"],
    ["a createTime that is a number", { createTime: 1764555600000 }, "createTime: expected a string, got number"],
    [
      "a createTime that is not digits",
      { createTime: "2026-12-01" },
      "createTime: expected ms since the epoch as a string of digits"
    ],
    ["an empty updateTime", { updateTime: "" }, "updateTime: expected ms since the epoch as a string of digits"],
    ["a txID that is an object", { txID: {} }, "txID: expected a string, got object"],
    ["a tag that is an array", { tag: [] }, "tag: expected a string, got an array"],
    ["a withdrawType as a string", { withdrawType: "0" }, "withdrawType: expected an integer, got string"],
    ["a fractional withdrawType", { withdrawType: 0.5 }, "withdrawType: expected an integer, got number"]
  ] as const) {
    it(`reports ${what}, naming the field and the rule`, () => {
      const page = decoded({ rows: [row(over)] })
      expect(page.rows).toEqual([])
      expect(page.malformed).toHaveLength(1)
      expect(page.malformed[0]!.reason).toBe(reason)
    })
  }

  it("gives a malformed row's withdrawId only when it is one", () => {
    const page = decoded({
      rows: [
        row({ withdrawId: "abc", status: 1 }),
        row({ withdrawId: 7, status: 1 }),
        row({ withdrawId: "8", status: 1 })
      ]
    })
    expect(page.malformed.map((m) => m.withdrawId)).toEqual([undefined, undefined, "8"])
  })

  for (const [bad, type] of [
    [null, "null"],
    ["row", "string"],
    [[1, 2], "an array"],
    [true, "boolean"]
  ] as const) {
    it(`reports a row that is ${type} as malformed, without a withdrawId`, () => {
      const page = decoded({ rows: [bad, row()] })
      expect(page.rows).toHaveLength(1)
      expect(page.malformed).toEqual([
        { _tag: "MalformedRecord", index: 0, withdrawId: undefined, reason: `expected an object, got ${type}` }
      ])
    })
  }

  for (const [result, reason] of [
    [null, "result: expected an object, got null"],
    ["x", "result: expected an object, got string"],
    [{}, "result.rows: expected an array, got undefined"],
    [{ rows: {} }, "result.rows: expected an array, got object"],
    [{ rows: "[]" }, "result.rows: expected an array, got string"],
    [{ rows: [], nextPageCursor: 5 }, "result.nextPageCursor: expected a string, got number"],
    [{ rows: [], nextPageCursor: " abc" }, "result.nextPageCursor: must not start or end with whitespace"],
    [{ rows: [], nextPageCursor: "a".repeat(513) }, "result.nextPageCursor: must be at most 512 characters (got 513)"]
  ] as const) {
    it(`refuses the page ${JSON.stringify(result)?.slice(0, 40)} with a reason naming the field`, () => {
      expect(Records.decodePage(result)).toBe(reason)
    })
  }

  it("refuses a nextPageCursor holding a lone surrogate: it could not be sent back", () => {
    const reason = Records.decodePage({ rows: [], nextPageCursor: "abc\uD800" })
    expect(reason).toMatch(/^result\.nextPageCursor: .*surrogate/)
  })

  it("reads a null, empty or absent nextPageCursor as the last page", () => {
    expect(decoded({ rows: [] }).nextPageCursor).toBeUndefined()
    expect(decoded({ rows: [], nextPageCursor: null }).nextPageCursor).toBeUndefined()
    expect(decoded({ rows: [], nextPageCursor: "" }).nextPageCursor).toBeUndefined()
  })

  it("never throws, and accounts for every row exactly once, whatever the rows (property)", () => {
    const anyRow = fc.oneof(
      fc.anything(),
      fc.record(
        {
          withdrawId: fc.oneof(fc.string(), fc.nat().map(String), fc.anything()),
          coin: fc.oneof(fc.string(), fc.anything()),
          amount: fc.oneof(fc.string(), fc.double()),
          status: fc.oneof(fc.constantFrom(...Records.WITHDRAWAL_STATUSES), fc.string(), fc.anything()),
          createTime: fc.oneof(fc.nat().map(String), fc.string()),
          updateTime: fc.oneof(fc.nat().map(String), fc.string()),
          withdrawType: fc.oneof(fc.integer(), fc.anything())
        },
        { requiredKeys: [] }
      )
    )
    fc.assert(
      fc.property(fc.array(anyRow, { maxLength: 20 }), (rows) => {
        const page = decoded({ rows })
        expect(page.rows.length + page.malformed.length).toBe(rows.length)
        const indexes = page.malformed.map((m) => m.index)
        expect(new Set(indexes).size).toBe(indexes.length)
        for (const r of page.rows) expect(Records.WITHDRAWAL_STATUSES).toContain(r.status)
      }),
      { numRuns: 200 }
    )
  })
})

describe("isCancellable", () => {
  it("is true for SecurityCheck and Pending only", () => {
    const cancellable = Records.WITHDRAWAL_STATUSES.filter(Records.isCancellable)
    expect(cancellable).toEqual(["SecurityCheck", "Pending"])
    expect([...Records.CANCELLABLE_STATUSES]).toEqual(cancellable)
  })

  for (const status of [
    "success",
    "CancelByUser",
    "Reject",
    "Fail",
    "BlockchainConfirmed",
    "MoreInformationRequired",
    "Unknown"
  ] as const) {
    it(`is false for ${status}`, () => {
      expect(Records.isCancellable(status)).toBe(false)
    })
  }
})

describe("recordOf", () => {
  const row = (status: Records.WithdrawalStatus) =>
    ({ withdrawId: "10197", status, coin: "USDT" }) as unknown as Records.WithdrawalRecord
  const page = (
    rows: ReadonlyArray<Records.WithdrawalRecord>,
    malformed: ReadonlyArray<Records.MalformedRecord> = []
  ) => ({
    rows,
    malformed
  })

  it("is the row of the id; the same row twice is one record", () => {
    expect(Records.recordOf(page([row("CancelByUser"), row("CancelByUser")]), "10197").row?.status).toBe("CancelByUser")
    expect(Records.recordOf(page([row("Pending")]), "10198")).toEqual({ row: undefined, malformed: undefined })
  })

  it("rows of one id that disagree are no record: the verdict never depends on which came first", () => {
    for (const rows of [
      [row("CancelByUser"), row("success")],
      [row("success"), row("CancelByUser")]
    ]) {
      const found = Records.recordOf(page(rows), "10197")
      expect(found.row).toBeUndefined()
      expect(found.malformed?.reason).toMatch(/more than once/)
    }
  })

  it("a good row beside a malformed one of the same id is no record either", () => {
    const bad: Records.MalformedRecord = {
      _tag: "MalformedRecord",
      index: 1,
      withdrawId: "10197",
      reason: "status: missing"
    }
    expect(Records.recordOf(page([row("CancelByUser")], [bad]), "10197").row).toBeUndefined()
  })
})

describe("settle", () => {
  const row = (status: Records.WithdrawalStatus) =>
    ({ withdrawId: "10197", status, coin: "USDT" }) as unknown as Records.WithdrawalRecord

  it("CancelByUser is cancelled; a status past cancelling is not cancellable; a cancellable one stands", () => {
    expect(Records.settle({ row: row("CancelByUser"), malformed: undefined })).toEqual({ _tag: "Cancelled" })
    expect(Records.settle({ row: row("success"), malformed: undefined })).toEqual({
      _tag: "NotCancellable",
      status: "success"
    })
    expect(Records.settle({ row: row("Pending"), malformed: undefined })._tag).toBe("Stands")
    expect(Records.settle({ row: row("SecurityCheck"), malformed: undefined })._tag).toBe("Stands")
  })

  it("no record, an unreadable one or an unknown status guesses nothing and says which", () => {
    const malformed = { _tag: "MalformedRecord", index: 0, withdrawId: "10197", reason: "status: bad" } as const
    expect(Records.settle({ row: undefined, malformed })).toEqual({
      _tag: "Unknown",
      found: "its record could not be read (status: bad)"
    })
    expect(Records.settle({ row: undefined, malformed: undefined })).toMatchObject({ _tag: "Unknown" })
    expect(Records.settle({ row: row("Unknown"), malformed: undefined })).toMatchObject({
      _tag: "Unknown",
      found: expect.stringMatching(/status this client does not know/)
    })
  })

  it("said gives the tag and code, never the server's text", () => {
    expect(Records.said({ _tag: "ExchangeUnavailable", retCode: 10016, retMsg: "secret text" } as never)).toBe(
      "ExchangeUnavailable (retCode 10016)"
    )
    expect(Records.said({ _tag: "ExchangeUnavailable", httpStatus: 502 })).toBe("ExchangeUnavailable (HTTP 502)")
    expect(Records.said({ _tag: "TransportError" })).toBe("TransportError")
  })
})

describe("pager", () => {
  const page = (nextPageCursor: string | undefined, rows = 1) => ({
    rows: Array.from({ length: rows }, () => ({}) as Records.WithdrawalRecord),
    malformed: [],
    nextPageCursor
  })

  it("follows fresh cursors and ends on the last page", () => {
    const pager = Records.pager(undefined)
    expect(pager.turn(page("a"))).toEqual({ _tag: "Next", cursor: "a" })
    expect(pager.turn(page("b"))).toEqual({ _tag: "Next", cursor: "b" })
    expect(pager.turn(page(undefined))).toEqual({ _tag: "Done" })
  })

  it("a cursor already followed, the query's own included, is endless", () => {
    expect(Records.pager("start").turn(page("start"))).toMatchObject({ _tag: "Endless", why: /repeats a cursor/ })
    const pager = Records.pager(undefined)
    pager.turn(page("a"))
    expect(pager.turn(page("a"))).toMatchObject({ _tag: "Endless" })
  })

  it("more than ten empty pages in a row are endless; a page with a row resets the count", () => {
    const pager = Records.pager(undefined)
    for (let i = 0; i < 10; i++) expect(pager.turn(page(`e${i}`, 0))._tag).toBe("Next")
    expect(pager.turn(page("r", 1))._tag).toBe("Next")
    for (let i = 0; i < 10; i++) expect(pager.turn(page(`f${i}`, 0))._tag).toBe("Next")
    expect(pager.turn(page("g", 0))).toMatchObject({ _tag: "Endless", why: /11 pages in a row/ })
  })

  it(`a fresh cursor forever stops at MAX_PAGES (2,000)`, () => {
    const pager = Records.pager(undefined)
    let turns = 0
    let turn: Records.Turn = { _tag: "Done" }
    do {
      turn = pager.turn(page(`c${turns}`))
      turns++
    } while (turn._tag === "Next")
    expect(turn).toMatchObject({ _tag: "Endless", why: /more than 2000 pages/ })
    expect(turns).toBe(2_000)
  })

  it("inPageOrder puts each malformed row back where it stood", () => {
    const good = (withdrawId: string) => ({ withdrawId }) as Records.WithdrawalRecord
    const bad = (index: number) => ({ _tag: "MalformedRecord", index, withdrawId: undefined, reason: "x" }) as const
    const order = Records.inPageOrder({ rows: [good("a"), good("b")], malformed: [bad(0), bad(2), bad(4)] })
    expect(order.map((r) => ("_tag" in r ? `bad${r.index}` : r.withdrawId))).toEqual(["bad0", "a", "bad2", "b", "bad4"])
  })
})
