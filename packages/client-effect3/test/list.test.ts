import { describe, expect, it } from "@effect/vitest"
import { Records } from "@effect-bybit/core"
import { Chunk, Effect, Stream } from "effect"
import { HttpResponse, http } from "msw"
import { BybitClient, Withdrawals } from "../src/index.js"
import { clientLayer, freshExchange, NOW, server, useMsw } from "./support.js"

useMsw()

describe("Withdrawals.list", () => {
  it.effect("returns typed rows and the next cursor", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const page = yield* Withdrawals.list({ withdrawType: 2, limit: 3 })
      expect(page.rows).toHaveLength(3)
      const row = page.rows[0]!
      expect(typeof row.createTime).toBe("number")
      expect(Records.WITHDRAWAL_STATUSES).toContain(row.status)
      expect(page.malformed).toEqual([])
      expect(page.nextPageCursor).toBeTypeOf("string")
      expect(page.rateLimit?.path).toBe("/v5/asset/withdraw/query-record")
      expect(exchange.requests().at(-1)?.query).toBe("withdrawType=2&limit=3")
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("finds one withdrawal by id", () =>
    Effect.gen(function* () {
      freshExchange()
      const page = yield* Withdrawals.list({ withdrawID: "10197" })
      expect(page.rows.map((r) => [r.withdrawId, r.status])).toEqual([["10197", "Pending"]])
      expect(page.nextPageCursor).toBeUndefined()
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("listAll follows the cursors to the end", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const all = yield* Stream.runCollect(Withdrawals.listAll({ withdrawType: 2, limit: 2 }))
      const ids = Chunk.toReadonlyArray(all).map((r) => r.withdrawId)
      const expected = exchange.withdrawals().filter((w) => w.uid === "1000001")
      expect(new Set(ids).size).toBe(ids.length)
      expect([...ids].sort()).toEqual(expected.map((w) => w.withdrawId).sort())
      expect(exchange.requests().filter((r) => r.path.endsWith("query-record")).length).toBe(Math.ceil(ids.length / 2))
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("keeps a status it does not know as Unknown instead of failing", () =>
    Effect.gen(function* () {
      freshExchange()
      server.use(
        http.get("*/v5/asset/withdraw/query-record", () =>
          HttpResponse.json({
            retCode: 0,
            retMsg: "success",
            result: {
              rows: [
                {
                  withdrawId: "1",
                  coin: "USDT",
                  amount: "1",
                  status: "SomethingNew",
                  createTime: String(NOW),
                  updateTime: String(NOW)
                }
              ],
              nextPageCursor: ""
            },
            retExtInfo: {},
            time: NOW
          })
        )
      )
      const page = yield* Withdrawals.list()
      expect(page.rows[0]?.status).toBe("Unknown")
      expect(page.rows[0]?.txID).toBe("")
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("a malformed row is reported with its index and reason, and never hides the others", () =>
    Effect.gen(function* () {
      freshExchange()
      const row = (withdrawId: string, extra: Record<string, unknown> = {}) => ({
        withdrawId,
        coin: "USDT",
        amount: "1",
        status: "Pending",
        createTime: String(NOW),
        updateTime: String(NOW),
        ...extra
      })
      server.use(
        http.get("*/v5/asset/withdraw/query-record", () =>
          HttpResponse.json({
            retCode: 0,
            retMsg: "success",
            result: {
              rows: [row("1"), row("2", { amount: 5 }), null, row("4", { createTime: "yesterday" }), row("5")],
              nextPageCursor: ""
            },
            retExtInfo: {},
            time: NOW
          })
        )
      )
      const page = yield* Withdrawals.list()
      expect(page.rows.map((r) => r.withdrawId)).toEqual(["1", "5"])
      expect(page.malformed).toEqual([
        {
          _tag: "MalformedRecord",
          index: 1,
          withdrawId: "2",
          reason: expect.stringMatching(/^amount: expected a string/)
        },
        {
          _tag: "MalformedRecord",
          index: 2,
          withdrawId: undefined,
          reason: expect.stringMatching(/expected an object/)
        },
        { _tag: "MalformedRecord", index: 3, withdrawId: "4", reason: expect.stringMatching(/^createTime: /) }
      ])
      const streamed = Chunk.toReadonlyArray(yield* Stream.runCollect(Withdrawals.listAll()))
      expect(streamed).toHaveLength(5)
      expect(streamed.filter(Withdrawals.isMalformedRecord).map((m) => m.index)).toEqual([1, 2, 3])
      expect(streamed.filter((item) => !Withdrawals.isMalformedRecord(item)).map((r) => r.withdrawId)).toEqual([
        "1",
        "5"
      ])
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("a lower-case coin is sent upper-cased", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* Withdrawals.list({ coin: "usdt" })
      expect(exchange.requests().at(-1)?.query).toBe("coin=USDT")
    }).pipe(Effect.provide(clientLayer()))
  )

  for (const [query, field] of [
    [{ limit: 0 }, "limit"],
    [{ limit: 51 }, "limit"],
    [{ limit: 2.5 }, "limit"],
    [{ withdrawID: "abc" }, "withdrawID"],
    [{ withdrawType: 3 }, "withdrawType"],
    [{ startTime: 10, endTime: 5 }, "startTime"],
    [{ coin: "US DT" }, "coin"]
  ] as const) {
    it.effect(`rejects ${JSON.stringify(query)} naming ${field}, without a request`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        const error = yield* Effect.flip(Withdrawals.list(query as Withdrawals.ListQuery))
        expect(error).toMatchObject({ _tag: "InvalidRequest", field })
        expect(exchange.requests()).toEqual([])
      }).pipe(Effect.provide(clientLayer()))
    )
  }
})

describe("BybitClient.serverTime", () => {
  it.effect("reads the exchange's clock, unsigned", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const time = yield* BybitClient.serverTime
      expect(time.millis).toBe(NOW)
      expect(time.timeSecond).toBe(String(NOW / 1000))
      expect(exchange.requests()[0]).toMatchObject({ path: "/v5/market/time", apiKey: undefined })
    }).pipe(Effect.provide(clientLayer()))
  )
})
