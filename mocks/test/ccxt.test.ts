/**
 * ccxt, unmodified, against the standalone server: only its API URLs point at the mock. Its fetch
 * goes through ccxt's own `fetchImplementation` hook, which refuses any host but the mock's, so the
 * test can never reach a real exchange (and records what ccxt called).
 */
import { AuthenticationError, BadRequest, bybit } from "ccxt"
import { afterEach, describe, expect, it } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockServer,
  SEED_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_IDS_BY_STATUS,
  startMockServer
} from "../src/index.js"

let server: MockServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A ccxt bybit client whose API URLs are the mock's, and the paths it requested. */
const ccxtAgainst = (url: string, credentials: { apiKey?: string; secret?: string } = {}) => {
  const called: Array<string> = []
  // ccxt's own request throttle (enableRateLimit) only spaces its calls out in real time (a second
  // apart for a cancel): the mock's limits are what these tests meet, so it is off.
  const client = new bybit({ ...credentials, enableRateLimit: false })
  client.urls.api = { spot: url, futures: url, v2: url, public: url, private: url }
  client.fetchImplementation = (input: string | URL | Request, init?: RequestInit) => {
    const target = new URL(typeof input === "string" || input instanceof URL ? input : input.url)
    if (target.origin !== url) throw new Error(`the test refuses a request to ${target.origin}`)
    called.push(`${init?.method ?? "GET"} ${target.pathname}${target.search}`)
    return fetch(input, init)
  }
  return { client, called }
}

describe("ccxt (bybit) against the standalone mock", () => {
  it("fetchTime answers the mock clock", async () => {
    server = await startMockServer()
    const { client } = ccxtAgainst(server.url)
    const time = await client.fetchTime()
    expect(typeof time).toBe("number")
    // The mock's clock runs in real time: the bound leaves room for a slow call on a loaded machine.
    expect(Math.abs((time as number) - server.exchange.clock.now())).toBeLessThan(60_000)
  })

  it("loadMarkets loads every category and, with a key, the coins and their chains", async () => {
    server = await startMockServer()
    const { client, called } = ccxtAgainst(server.url, { apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET })
    const markets = await client.loadMarkets()
    expect(markets["BTC/USDT"]?.spot).toBe(true)
    expect(markets["BTC/USDT:USDT"]?.swap).toBe(true)
    expect(markets["BTC/USD:BTC"]?.inverse).toBe(true)
    expect(markets["BTC/USDC:USDC-261225"]?.future).toBe(true)
    expect(Object.values(markets).some((m) => m?.option === true && m.base === "BTC")).toBe(true)
    expect(client.currencies.USDT?.networks).toBeDefined()
    expect(Object.keys(client.currencies.USDT?.networks ?? {}).length).toBe(2)
    const paths = called.map((c) => c.split("?")[0])
    expect(paths).toContain("GET /v5/market/instruments-info")
    expect(paths).toContain("GET /v5/asset/coin/query-info")
    // Every category ccxt asked for was answered, none with "route not found".
    expect(server.exchange.requests().every((r) => r.retCode === 0)).toBe(true)
  })

  it("fetchWithdrawals lists the account's records with their statuses", async () => {
    server = await startMockServer()
    const { client } = ccxtAgainst(server.url, { apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET })
    const withdrawals = await client.fetchWithdrawals()
    const byId = new Map(withdrawals.map((w) => [w.id, w]))
    expect(byId.get(SEED_WITHDRAWAL_ID)).toMatchObject({ type: "withdrawal", status: "pending", currency: "USDT" })
    expect(byId.get(SEED_WITHDRAWAL_IDS_BY_STATUS.success)?.status).toBe("ok")
    expect(server.exchange.requests().filter((r) => r.path === "/v5/asset/withdraw/query-record")).toHaveLength(1)
  })

  it("privatePostV5AssetWithdrawCancel cancels 10197, then gets 131099 for a repeated cancel", async () => {
    server = await startMockServer()
    const { client } = ccxtAgainst(server.url, { apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET })
    const answer = await client.privatePostV5AssetWithdrawCancel({ id: SEED_WITHDRAWAL_ID })
    expect(answer).toMatchObject({ retCode: 0, retMsg: "success", result: { status: 1 } })
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    await expect(client.privatePostV5AssetWithdrawCancel({ id: SEED_WITHDRAWAL_ID })).rejects.toThrow(/131099/)
  })

  it("files missing auth headers under AuthenticationError and a wrong secret under AuthenticationError", async () => {
    server = await startMockServer()
    // ccxt classifies 10001 by Bybit's message "... openapi sign params error!" (its broad map);
    // its plain fetch sends the request without auth headers.
    const { client } = ccxtAgainst(server.url)
    await expect(client.fetch(`${server.url}/v5/asset/withdraw/query-record`, "GET")).rejects.toBeInstanceOf(
      AuthenticationError
    )
    expect(server.exchange.requests().at(-1)).toMatchObject({ retCode: 10001, httpStatus: 401 })
    const wrong = ccxtAgainst(server.url, { apiKey: MOCK_API_KEY, secret: "wrong-secret" })
    await expect(wrong.client.fetchWithdrawals()).rejects.toBeInstanceOf(AuthenticationError)
  })

  it("files an over-long query-record range under BadRequest (131002)", async () => {
    server = await startMockServer()
    const { client } = ccxtAgainst(server.url, { apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET })
    const since = server.exchange.clock.now() - 40 * 24 * 60 * 60 * 1000
    await expect(client.fetchWithdrawals(undefined, since)).rejects.toBeInstanceOf(BadRequest)
  })
})
