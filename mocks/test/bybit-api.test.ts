/**
 * bybit-api (the most used Node SDK), unmodified, against the standalone server: only its `baseUrl`
 * points at the mock. Every request it made is checked to have reached the mock.
 */
import { RestClientV5 } from "bybit-api"
import { afterEach, describe, expect, it } from "vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockServer, SEED_WITHDRAWAL_ID, startMockServer } from "../src/index.js"

let server: MockServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const sdk = (url: string, secret = MOCK_API_SECRET) => new RestClientV5({ key: MOCK_API_KEY, secret, baseUrl: url })

describe("bybit-api (RestClientV5) against the standalone mock", () => {
  it("reads the server time, lists withdrawals, cancels 10197 and gets 131099 for a repeated cancel", async () => {
    server = await startMockServer()
    const client = sdk(server.url)
    const time = await client.getServerTime()
    expect(time).toMatchObject({ retCode: 0, retMsg: "OK" })
    const records = await client.getWithdrawalRecords({ withdrawType: 2 })
    expect(records.retCode).toBe(0)
    expect(records.result.rows.map((r) => r.withdrawId)).toContain(SEED_WITHDRAWAL_ID)
    const cancelled = await client.cancelWithdrawal(SEED_WITHDRAWAL_ID)
    expect(cancelled).toMatchObject({ retCode: 0, retMsg: "success", result: { status: 1 } })
    const again = await client.cancelWithdrawal(SEED_WITHDRAWAL_ID)
    expect(again.retCode).toBe(131099)
    expect(server.exchange.requests().map((r) => `${r.method} ${r.path} ${r.retCode}`)).toEqual([
      "GET /v5/market/time 0",
      "GET /v5/asset/withdraw/query-record 0",
      "POST /v5/asset/withdraw/cancel 0",
      "POST /v5/asset/withdraw/cancel 131099"
    ])
  })

  it("gets Bybit's 10004 wording for a wrong secret", async () => {
    server = await startMockServer()
    const answer = await sdk(server.url, "wrong-secret").cancelWithdrawal(SEED_WITHDRAWAL_ID)
    expect(answer.retCode).toBe(10004)
    expect(answer.retMsg).toMatch(/^Error sign, please check your signature generation algorithm: origin_string\[/)
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })
})
