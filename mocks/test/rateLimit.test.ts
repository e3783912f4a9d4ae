import { describe, expect, it } from "vitest"
import { MOCK_OTHER_API_KEY, MOCK_OTHER_API_SECRET, MOCK_RSA_API_KEY } from "../src/index.js"
import { CANCEL, CREATE, cancel, get, hmacKey, mswServer, NOW, post, QUERY, rsaKey } from "./helpers.js"

const { useExchange } = mswServer()

const createBody = (n: number) => ({
  coin: "USDT",
  chain: "ETH",
  address: "0x8c5a3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
  amount: String(n + 1),
  timestamp: NOW,
  accountType: "FUND"
})

describe("4. rate limits per UID and endpoint", () => {
  it("sends X-Bapi-Limit, -Status and -Reset-Timestamp on a private response", async () => {
    useExchange()
    const res = await cancel("99999999")
    expect(res.headers.get("X-Bapi-Limit")).toBe("60")
    expect(res.headers.get("X-Bapi-Limit-Status")).toBe("59")
    expect(res.headers.get("X-Bapi-Limit-Reset-Timestamp")).toBe(String(NOW))
  })

  it("answers the 61st cancel in a minute with 10006, touching nothing, until the clock moves a minute", async () => {
    const exchange = useExchange()
    for (let i = 0; i < 60; i++) {
      const res = await cancel("99999999")
      expect(res.json.retCode).toBe(131002)
      expect(res.headers.get("X-Bapi-Limit-Status")).toBe(String(59 - i))
    }
    const limited = await cancel("10197")
    expect(limited.status).toBe(200)
    expect(limited.json).toMatchObject({ retCode: 10006, retMsg: "Too many visits!", result: {} })
    expect(limited.headers.get("X-Bapi-Limit-Status")).toBe("0")
    expect(limited.headers.get("X-Bapi-Limit-Reset-Timestamp")).toBe(String(NOW + 60_000))
    expect(exchange.withdrawal("10197")?.status).toBe("Pending")

    exchange.clock.advance(59_999)
    expect((await cancel("10197", { timestamp: NOW + 59_999 })).json.retCode).toBe(10006)
    exchange.clock.advance(1)
    const after = await cancel("10197", { timestamp: NOW + 60_000 })
    expect(after.json.retCode).toBe(0)
    expect(after.headers.get("X-Bapi-Limit-Status")).toBe("59")
  })

  it("resets when the clock is set back before the window", async () => {
    const exchange = useExchange()
    for (let i = 0; i < 60; i++) await cancel("99999999")
    expect((await cancel("10197")).json.retCode).toBe(10006)
    exchange.clock.set(NOW - 1000)
    expect((await cancel("10197", { timestamp: NOW - 1000 })).json.retCode).toBe(0)
  })

  it("counts per UID: another account is not limited, another key of the same UID is", async () => {
    useExchange()
    for (let i = 0; i < 60; i++) await cancel("99999999")
    expect((await cancel("99999999", { key: rsaKey(MOCK_RSA_API_KEY) })).json.retCode).toBe(10006)
    const other = await cancel("99999999", { key: hmacKey(MOCK_OTHER_API_KEY, MOCK_OTHER_API_SECRET) })
    expect(other.json.retCode).toBe(131002)
  })

  it("counts per endpoint: query-record still answers when cancel is exhausted", async () => {
    useExchange()
    for (let i = 0; i < 60; i++) await cancel("99999999")
    const res = await get(QUERY, { limit: 1 })
    expect(res.json.retCode).toBe(0)
    expect(res.headers.get("X-Bapi-Limit")).toBe("300")
    expect(res.headers.get("X-Bapi-Limit-Status")).toBe("299")
  })

  it("limits create to 5 per second", async () => {
    const exchange = useExchange()
    for (let i = 0; i < 5; i++) expect((await post(CREATE, createBody(i))).json.retCode).toBe(0)
    const sixth = await post(CREATE, createBody(5))
    expect(sixth.json.retCode).toBe(10006)
    expect(sixth.headers.get("X-Bapi-Limit")).toBe("5")
    expect(sixth.headers.get("X-Bapi-Limit-Reset-Timestamp")).toBe(String(NOW + 1000))
    exchange.clock.advance(1000)
    expect((await post(CREATE, createBody(5), { timestamp: NOW + 1000 })).json.retCode).toBe(0)
  })

  it("limits query-record to 300 per minute", async () => {
    useExchange()
    for (let i = 0; i < 300; i++) await get(QUERY, { limit: 1 })
    const res = await get(QUERY, { limit: 1 })
    expect(res.json.retCode).toBe(10006)
  })

  it("does not count requests rejected before the limit (bad signature)", async () => {
    useExchange()
    for (let i = 0; i < 70; i++) await cancel("10197", { key: hmacKey(undefined, "wrong") })
    expect((await cancel("10197")).json.retCode).toBe(0)
  })

  it("accepts custom limits (rateLimits option)", async () => {
    useExchange({ rateLimits: { cancel: { limit: 2, windowMs: 10_000 } } })
    await cancel("99999999")
    await cancel("99999999")
    const res = await post(CANCEL, { id: "10197" })
    expect(res.json.retCode).toBe(10006)
    expect(res.headers.get("X-Bapi-Limit")).toBe("2")
  })
})
