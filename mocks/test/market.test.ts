import { describe, expect, it } from "vitest"
import { MOCK_READONLY_API_KEY, MOCK_READONLY_API_SECRET } from "../src/index.js"
import { BASE, expectEnvelopeShape, get, hmacKey, type Json, mswServer, readJson } from "./helpers.js"

const { useExchange } = mswServer()

const INSTRUMENTS = "/v5/market/instruments-info"
const COIN_INFO = "/v5/asset/coin/query-info"

const instruments = async (query: string) => {
  const response = await fetch(`${BASE}${INSTRUMENTS}?${query}`)
  return { status: response.status, json: await readJson(response) }
}

const symbols = (json: Json) => (json.result.list as Array<Json>).map((i) => i.symbol as string)

describe("GET /v5/market/instruments-info (public)", () => {
  it.each([
    ["spot", "BTCUSDT"],
    ["linear", "BTCUSDT"],
    ["inverse", "BTCUSD"],
    ["option", "BTC-26MAR27-120000-C"]
  ])("lists %s instruments without auth, retMsg OK", async (category, symbol) => {
    useExchange()
    const { status, json } = await instruments(`category=${category}`)
    expect(status).toBe(200)
    expectEnvelopeShape(json)
    expect(json).toMatchObject({ retCode: 0, retMsg: "OK", retExtInfo: {}, result: { category } })
    expect(symbols(json)).toContain(symbol)
    for (const i of json.result.list as Array<Json>) {
      expect(i.status).toBe("Trading")
      expect(typeof i.lotSizeFilter).toBe("object")
      expect(typeof i.priceFilter).toBe("object")
    }
  })

  it("has no nextPageCursor for spot (no pagination) and pages linear with limit and cursor", async () => {
    useExchange()
    expect((await instruments("category=spot")).json.result).not.toHaveProperty("nextPageCursor")
    const all = symbols((await instruments("category=linear")).json)
    const first = (await instruments("category=linear&limit=2")).json
    expect(symbols(first)).toEqual(all.slice(0, 2))
    const second = (await instruments(`category=linear&limit=2&cursor=${first.result.nextPageCursor}`)).json
    expect(symbols(second)).toEqual(all.slice(2))
    expect(second.result.nextPageCursor).toBe("")
  })

  it("filters by symbol, status and baseCoin; options default to BTC", async () => {
    useExchange()
    expect(symbols((await instruments("category=linear&symbol=ETHUSDT")).json)).toEqual(["ETHUSDT"])
    expect(symbols((await instruments("category=linear&status=PreLaunch")).json)).toEqual([])
    expect(symbols((await instruments("category=inverse&baseCoin=ETH")).json)).toEqual(["ETHUSD"])
    const options = symbols((await instruments("category=option")).json)
    expect(options.length).toBeGreaterThan(0)
    expect(options.every((s) => s.startsWith("BTC-"))).toBe(true)
    expect(symbols((await instruments("category=option&baseCoin=ETH")).json)).toEqual(["ETH-26MAR27-4000-C"])
    expect(symbols((await instruments("category=option&baseCoin=SOL")).json)).toEqual([])
  })

  it.each([
    ["no category", ""],
    ["an unknown category", "category=futures"],
    ["limit=0", "category=linear&limit=0"],
    ["limit=1001", "category=linear&limit=1001"],
    ["a garbage cursor", "category=linear&cursor=nope"]
  ])("answers %s with 10001", async (_, query) => {
    useExchange()
    const { status, json } = await instruments(query)
    expect(status).toBe(200)
    expectEnvelopeShape(json)
    expect(json.retCode).toBe(10001)
  })
})

describe("GET /v5/asset/coin/query-info", () => {
  it("lists coins with their chains for any valid key (retMsg as in Bybit's example: empty)", async () => {
    useExchange()
    const res = await get(COIN_INFO, {}, { key: hmacKey(MOCK_READONLY_API_KEY, MOCK_READONLY_API_SECRET) })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ retCode: 0, retMsg: "", retExtInfo: {} })
    const rows = res.json.result.rows as Array<Json>
    expect(rows.map((r) => r.coin)).toEqual(expect.arrayContaining(["BTC", "ETH", "USDT", "USDC"]))
    const usdt = rows.find((r) => r.coin === "USDT")!
    expect((usdt.chains as Array<Json>).map((c) => c.chain)).toEqual(["ETH", "TRX"])
    expect(Object.keys((usdt.chains as Array<Json>)[0]!).sort()).toEqual(
      [
        "chain",
        "chainType",
        "confirmation",
        "withdrawFee",
        "depositMin",
        "withdrawMin",
        "minAccuracy",
        "chainDeposit",
        "chainWithdraw",
        "withdrawPercentageFee",
        "contractAddress",
        "safeConfirmNumber"
      ].sort()
    )
    expect(res.headers.get("x-bapi-limit")).toBe("5")
  })

  it("filters by coin", async () => {
    useExchange()
    const res = await get(COIN_INFO, { coin: "BTC" })
    expect((res.json.result.rows as Array<Json>).map((r) => r.coin)).toEqual(["BTC"])
  })

  it("needs auth like every private route", async () => {
    useExchange()
    const response = await fetch(`${BASE}${COIN_INFO}`)
    expect(response.status).toBe(401)
    expect((await readJson(response)).retCode).toBe(10001)
  })
})
