/**
 * Issue 19, point 9: a malformed row never hides the others. `list` decodes rows one by one; a row
 * that fails to decode is reported on the page (`malformed`: its index on the page, its
 * `withdrawId` when readable, a reason naming the field and the rule), never dropped silently and
 * never failing the page; `listAll` passes them on in the stream.
 *
 * The exchange's pages are scripted (test/scripted.ts): an in-process `HttpClient`, no network.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { Withdrawals } from "../src/index.js"
import { type Scripted, scriptedClient, scriptedLayer } from "./scripted.js"

const NOW = 1672531200000

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

const page = (rows: ReadonlyArray<unknown>, nextPageCursor = ""): Scripted => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ retCode: 0, retMsg: "success", result: { rows, nextPageCursor }, retExtInfo: {}, time: NOW })
})

const { status: _dropped, ...noStatus } = row("20002", "Pending")

/** Page 1: a Pending row, a row without `status`, a row whose `amount` is a number, a success row. */
const PAGE_ONE = [row("20001", "Pending"), noStatus, row("20003", "Pending", { amount: 12.5 }), row("20004", "success")]
/** Page 2: a row whose `createTime` is not a number of ms, then a Pending row. */
const PAGE_TWO = [row("20005", "Pending", { createTime: "yesterday" }), row("20006", "Pending")]

interface Malformed {
  readonly _tag: "MalformedRecord"
  readonly index: number
  readonly withdrawId: string | undefined
  readonly reason: string
}

const pages = () =>
  scriptedClient((seen) =>
    new URLSearchParams(seen.search).get("cursor") === "page2" ? page(PAGE_TWO) : page(PAGE_ONE, "page2")
  )

describe("point 9: list reports a malformed row and keeps the others", () => {
  const transport = pages()
  it.effect("the good rows reach the caller; each bad one is in malformed with its index and reason", () =>
    Effect.gen(function* () {
      const result = yield* Withdrawals.list({ withdrawType: 2 })
      const rows = result.rows
      expect(rows.map((r) => [r.withdrawId, r.status])).toEqual([
        ["20001", "Pending"],
        ["20004", "success"]
      ])
      const malformed = (result as unknown as { readonly malformed: ReadonlyArray<Malformed> }).malformed
      expect(malformed).toHaveLength(2)
      const [missing, badType] = malformed
      expect(missing).toMatchObject({ _tag: "MalformedRecord", index: 1, withdrawId: "20002" })
      // The reason names the field and the rule.
      expect(missing!.reason).toContain("status")
      expect(missing!.reason).toMatch(/missing|required/i)
      expect(badType).toMatchObject({ _tag: "MalformedRecord", index: 2, withdrawId: "20003" })
      expect(badType!.reason).toContain("amount")
      expect(badType!.reason).toMatch(/string/i)
      // The page itself is intact: its cursor too.
      expect(result.nextPageCursor).toBe("page2")
    }).pipe(Effect.provide(scriptedLayer(transport.layer)))
  )

  const unreadableId = scriptedClient(() =>
    page([row("20001", "Pending"), { ...row("x", "Pending"), withdrawId: 42 }, "not a row"])
  )
  it.effect("a row whose withdrawId cannot be read, and one that is not an object, are reported too", () =>
    Effect.gen(function* () {
      const result = yield* Withdrawals.list()
      expect(result.rows.map((r) => r.withdrawId)).toEqual(["20001"])
      const malformed = (result as unknown as { readonly malformed: ReadonlyArray<Malformed> }).malformed
      expect(malformed.map((m) => [m._tag, m.index, m.withdrawId])).toEqual([
        ["MalformedRecord", 1, undefined],
        ["MalformedRecord", 2, undefined]
      ])
      expect(malformed[0]!.reason).toContain("withdrawId")
      for (const m of malformed) expect(m.reason.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(scriptedLayer(unreadableId.layer)))
  )

  const allGood = scriptedClient(() => page([row("20001", "Pending"), row("20004", "success")]))
  it.effect("a page without a bad row has an empty malformed", () =>
    Effect.gen(function* () {
      const result = yield* Withdrawals.list()
      expect(result.rows).toHaveLength(2)
      expect((result as unknown as { readonly malformed: ReadonlyArray<Malformed> }).malformed).toEqual([])
    }).pipe(Effect.provide(scriptedLayer(allGood.layer)))
  )
})

describe("point 9: listAll passes the malformed rows on", () => {
  const transport = pages()
  it.effect("every row of every page, good or malformed, in page order", () =>
    Effect.gen(function* () {
      const all = Chunk.toReadonlyArray(yield* Stream.runCollect(Withdrawals.listAll({ withdrawType: 2 })))
      const seen = all.map((item) => {
        const tagged = item as unknown as { readonly _tag?: string; readonly withdrawId?: string; index?: number }
        return tagged._tag === "MalformedRecord"
          ? `malformed ${tagged.index} ${tagged.withdrawId}`
          : `${tagged.withdrawId} ${(item as Withdrawals.WithdrawalRecord).status}`
      })
      expect(seen).toEqual([
        "20001 Pending",
        "malformed 1 20002",
        "malformed 2 20003",
        "20004 success",
        "malformed 0 20005",
        "20006 Pending"
      ])
      const reason = (all[4] as unknown as Malformed).reason
      expect(reason).toContain("createTime")
      expect(transport.seen).toHaveLength(2)
    }).pipe(Effect.provide(scriptedLayer(transport.layer)))
  )
})
