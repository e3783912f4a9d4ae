import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { HttpResponse, http } from "msw"
import { Withdrawals } from "../src/index.js"
import { clientLayer, freshExchange, NOW, server, useMsw } from "./support.js"

useMsw()

describe("Withdrawals.list", () => {
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
})
