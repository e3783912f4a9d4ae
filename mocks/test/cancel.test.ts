import { describe, expect, it } from "vitest"
import { SEED_OTHER_ACCOUNT_WITHDRAWAL_ID, SEED_WITHDRAWAL_ID, SEED_WITHDRAWAL_IDS_BY_STATUS } from "../src/index.js"
import { CANCEL, cancel, expectEnvelopeShape, get, mswServer, NOW, post, QUERY } from "./helpers.js"

const { useExchange } = mswServer()

describe("POST /v5/asset/withdraw/cancel", () => {
  it("cancels a Pending withdrawal with the seed's success envelope and records CancelByUser", async () => {
    const exchange = useExchange()
    exchange.clock.advance(250)
    const res = await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ retCode: 0, retMsg: "success", result: { status: 1 }, retExtInfo: {}, time: NOW + 250 })
    const w = exchange.withdrawal(SEED_WITHDRAWAL_ID)
    expect(w?.status).toBe("CancelByUser")
    expect(w?.updateTime).toBe(NOW + 250)
    expect(w?.txID).toBe("")
  })

  it("cancels a SecurityCheck withdrawal", async () => {
    const exchange = useExchange()
    const id = SEED_WITHDRAWAL_IDS_BY_STATUS.SecurityCheck
    expect((await cancel(id)).json.result).toEqual({ status: 1 })
    expect(exchange.withdrawal(id)?.status).toBe("CancelByUser")
  })

  it("shows the cancelled withdrawal in query-record with the new updateTime and an empty txID", async () => {
    const exchange = useExchange()
    exchange.clock.advance(1234)
    await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW + 1234 })
    const res = await get(QUERY, { withdrawID: SEED_WITHDRAWAL_ID }, { timestamp: NOW + 1234 })
    expect(res.json.retCode).toBe(0)
    expect(res.json.result.rows).toHaveLength(1)
    expect(res.json.result.rows[0]).toMatchObject({
      withdrawId: SEED_WITHDRAWAL_ID,
      status: "CancelByUser",
      txID: "",
      updateTime: String(NOW + 1234)
    })
  })

  it.each([
    ["success"],
    ["CancelByUser"],
    ["Reject"],
    ["Fail"],
    ["BlockchainConfirmed"],
    ["MoreInformationRequired"],
    ["Unknown"]
  ] as const)("refuses to cancel a %s withdrawal with 131099 and leaves it as is", async (status) => {
    const exchange = useExchange()
    const id = SEED_WITHDRAWAL_IDS_BY_STATUS[status]
    const before = exchange.withdrawal(id)
    const res = await cancel(id)
    expect(res.status).toBe(200)
    expectEnvelopeShape(res.json)
    expect(res.json.retCode).toBe(131099)
    expect(exchange.withdrawal(id)).toEqual(before)
  })

  it("refuses a second cancel of the same withdrawal with 131099", async () => {
    useExchange()
    expect((await cancel(SEED_WITHDRAWAL_ID)).json.retCode).toBe(0)
    expect((await cancel(SEED_WITHDRAWAL_ID)).json.retCode).toBe(131099)
  })

  it("answers an unknown withdrawal id with 131002", async () => {
    useExchange()
    const res = await cancel("99999999")
    expect(res.json).toMatchObject({ retCode: 131002, result: {} })
  })

  it("answers another account's withdrawal exactly like an unknown id, and leaves it Pending", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)
    const unknown = await cancel("99999999")
    expect(res.json.retCode).toBe(131002)
    expect(res.json.retMsg).toBe(unknown.json.retMsg)
    expect(exchange.withdrawal(SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  describe("parameters (10001)", () => {
    it.each([
      ["a missing id", {}],
      ["an empty id", { id: "" }],
      ["a numeric id", { id: 10197 }],
      ["a null id", { id: null }],
      ["an object id", { id: { id: "10197" } }],
      ["a non-numeric id", { id: "abc" }],
      ["an id with spaces", { id: " 10197" }],
      ["a negative id", { id: "-10197" }]
    ])("rejects %s with 10001 and touches nothing", async (_, body) => {
      const exchange = useExchange()
      const res = await post(CANCEL, body)
      expect(res.status).toBe(200)
      expectEnvelopeShape(res.json)
      expect(res.json.retCode).toBe(10001)
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    })

    it.each([
      ["malformed JSON", '{"id": "10197"'],
      ["an empty body", ""],
      ["a JSON array", '["10197"]'],
      ["a JSON string", '"10197"']
    ])("rejects %s with 10001", async (_, body) => {
      useExchange()
      const res = await post(CANCEL, body)
      expect(res.json.retCode).toBe(10001)
    })

    it.each([["text/plain"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"]])(
      "rejects Content-Type %s with 10001",
      async (contentType) => {
        const exchange = useExchange()
        const res = await post(CANCEL, { id: SEED_WITHDRAWAL_ID }, { headers: { "Content-Type": contentType } })
        expect(res.json.retCode).toBe(10001)
        expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
      }
    )

    it("accepts application/json with a charset", async () => {
      useExchange()
      const res = await post(
        CANCEL,
        { id: SEED_WITHDRAWAL_ID },
        { headers: { "Content-Type": "application/json; charset=utf-8" } }
      )
      expect(res.json.retCode).toBe(0)
    })

    it("verifies the exact bytes sent: a body with spaces, signed as sent, is accepted", async () => {
      useExchange()
      const res = await post(CANCEL, '{\n    "id": "10197"\n}')
      expect(res.json.retCode).toBe(0)
    })
  })
})
