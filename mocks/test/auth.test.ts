import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_BOUND_IP,
  MOCK_IP_BOUND_API_KEY,
  MOCK_IP_BOUND_API_SECRET,
  MOCK_READONLY_API_KEY,
  MOCK_READONLY_API_SECRET,
  MOCK_RSA_API_KEY,
  SEED_WITHDRAWAL_ID
} from "../src/index.js"
import {
  BASE,
  CANCEL,
  cancel,
  expectEnvelopeShape,
  get,
  hmacKey,
  mswServer,
  NOW,
  QUERY,
  readJson,
  rsaKey
} from "./helpers.js"

const { useExchange } = mswServer()

const signedHeaders = (overrides: Record<string, string | undefined>) => {
  const signed = signRequest({
    method: "POST",
    signer: hmacSigner("mock-api-secret"),
    apiKey: MOCK_API_KEY,
    timestamp: NOW,
    recvWindow: 5000,
    body: { id: SEED_WITHDRAWAL_ID }
  })
  const headers: Record<string, string> = { ...signed.headers, "Content-Type": "application/json" }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name]
    else headers[name] = value
  }
  return { body: signed.body, headers }
}

const send = async (overrides: Record<string, string | undefined>) => {
  const { body, headers } = signedHeaders(overrides)
  const response = await fetch(`${BASE}${CANCEL}`, { method: "POST", body, headers })
  return { status: response.status, headers: response.headers, json: await readJson(response) }
}

describe("1. auth headers", () => {
  it.each([["X-BAPI-API-KEY"], ["X-BAPI-TIMESTAMP"], ["X-BAPI-SIGN"]])(
    "rejects a request without %s with HTTP 401 and 10001",
    async (header) => {
      const exchange = useExchange()
      const res = await send({ [header]: undefined })
      expect(res.status).toBe(401)
      expectEnvelopeShape(res.json)
      expect(res.json.retCode).toBe(10001)
      expect(res.json.retMsg).toMatch(
        /^empty value: apiTimestamp\[\d*\] apiKey\[[\w-]*\] apiSignature\[[0-9a-f]*\]: openapi sign params error!$/
      )
      // Bybit sends null here, not {} (the answer ccxt records for this error).
      expect(res.json.result).toBeNull()
      expect(res.json.retExtInfo).toBeNull()
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    }
  )

  it("rejects a request with no auth headers at all with HTTP 401 and 10001", async () => {
    useExchange()
    const response = await fetch(`${BASE}${CANCEL}`, {
      method: "POST",
      body: '{"id":"10197"}',
      headers: { "Content-Type": "application/json" }
    })
    expect(response.status).toBe(401)
    expect(await readJson(response)).toMatchObject({
      retCode: 10001,
      retMsg: "empty value: apiTimestamp[] apiKey[] apiSignature[]: openapi sign params error!",
      result: null,
      retExtInfo: null
    })
  })

  it.each([
    ["a non-numeric X-BAPI-TIMESTAMP", { "X-BAPI-TIMESTAMP": "yesterday" }],
    ["a fractional X-BAPI-TIMESTAMP", { "X-BAPI-TIMESTAMP": "1700000000000.5" }],
    ["a non-numeric X-BAPI-RECV-WINDOW", { "X-BAPI-RECV-WINDOW": "5s" }],
    ["a zero X-BAPI-RECV-WINDOW", { "X-BAPI-RECV-WINDOW": "0" }]
  ])("rejects %s with HTTP 401 and 10001", async (_, overrides) => {
    useExchange()
    const res = await send(overrides)
    expect(res.status).toBe(401)
    expect(res.json.retCode).toBe(10001)
    expect(res.json.retMsg).toMatch(/^invalid value: X-BAPI-[A-Z-]+\[.*\]: openapi sign params error!$/)
    expect(res.json.result).toBeNull()
    expect(res.json.retExtInfo).toBeNull()
  })

  it("rejects an unknown API key with 10003 and no rate-limit headers", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey("not-a-key", "whatever") })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ retCode: 10003, result: {} })
    expect(res.headers.get("x-bapi-limit")).toBeNull()
  })

  it("rejects a key without the withdraw permission with 10005", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_READONLY_API_KEY, MOCK_READONLY_API_SECRET) })
    expect(res.json.retCode).toBe(10005)
    expect(res.headers.get("x-bapi-limit")).toBe("60")
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("lets a key without the withdraw permission read withdrawal records", async () => {
    useExchange()
    const res = await get(QUERY, {}, { key: hmacKey(MOCK_READONLY_API_KEY, MOCK_READONLY_API_SECRET) })
    expect(res.json.retCode).toBe(0)
  })

  it("rejects an IP-bound key from another IP with 10010", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_IP_BOUND_API_KEY, MOCK_IP_BOUND_API_SECRET) })
    expect(res.json.retCode).toBe(10010)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("accepts an IP-bound key from its bound IP (clientIp option)", async () => {
    useExchange({ clientIp: MOCK_BOUND_IP })
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_IP_BOUND_API_KEY, MOCK_IP_BOUND_API_SECRET) })
    expect(res.json.retCode).toBe(0)
  })

  it("checks the headers before the time window: an unknown key with a stale timestamp gets 10003", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey("nope", "nope"), timestamp: NOW - 3_600_000 })
    expect(res.json.retCode).toBe(10003)
  })
})

describe("2. time window: server_time - recv_window <= timestamp < server_time + 1000", () => {
  it("accepts a timestamp exactly server_time - recv_window", async () => {
    useExchange()
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW - 5000, recvWindow: 5000 })).json.retCode).toBe(0)
  })

  it("rejects a timestamp one ms before server_time - recv_window with 10002", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW - 5001, recvWindow: 5000 })
    expect(res.json.retCode).toBe(10002)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("accepts a timestamp server_time + 999", async () => {
    useExchange()
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW + 999 })).json.retCode).toBe(0)
  })

  it("rejects a timestamp exactly server_time + 1000 with 10002", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW + 1000 })
    expect(res.json.retCode).toBe(10002)
    expect(res.json.retMsg).toContain(`server_timestamp[${NOW}]`)
  })

  it("uses the recv window sent: 20000 accepts a timestamp 15 s old", async () => {
    useExchange()
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW - 15_000, recvWindow: 20_000 })).json.retCode).toBe(0)
  })

  it("defaults the recv window to 5000 when the header is absent (and signs an empty recv window)", async () => {
    useExchange()
    const signer = hmacSigner("mock-api-secret")
    const body = '{"id":"10197"}'
    const at = async (timestamp: number) => {
      const sign = signer.sign(`${timestamp}${MOCK_API_KEY}${body}`)
      const response = await fetch(`${BASE}${CANCEL}`, {
        method: "POST",
        body,
        headers: {
          "X-BAPI-API-KEY": MOCK_API_KEY,
          "X-BAPI-TIMESTAMP": String(timestamp),
          "X-BAPI-SIGN": sign,
          "Content-Type": "application/json"
        }
      })
      return (await readJson(response)).retCode
    }
    expect(await at(NOW - 5001)).toBe(10002)
    expect(await at(NOW - 5000)).toBe(0)
  })

  it("follows the injectable clock: a request valid now is stale after clock.advance", async () => {
    const exchange = useExchange()
    exchange.clock.advance(60_000)
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW })).json.retCode).toBe(10002)
    exchange.clock.set(NOW)
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW })).json.retCode).toBe(0)
  })

  it("uses a clock of your own (clock option)", async () => {
    let t = NOW + 10_000
    const exchange = useExchange({
      follow: true,
      clock: {
        now: () => t,
        set: (ms) => {
          t = ms
        },
        advance: (ms) => {
          t += ms
        }
      }
    })
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW })).json.retCode).toBe(10002)
    t = NOW
    expect(exchange.clock.now()).toBe(NOW)
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: NOW })).json.retCode).toBe(0)
  })

  it("follows Date.now() when no time is given", async () => {
    useExchange({ follow: true })
    expect((await cancel(SEED_WITHDRAWAL_ID, { timestamp: Date.now() })).json.retCode).toBe(0)
  })

  it("checks the time window before the signature: a stale, badly signed request gets 10002", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_API_KEY, "wrong"), timestamp: NOW - 60_000 })
    expect(res.json.retCode).toBe(10002)
  })
})

describe("3. signature", () => {
  it("rejects a request signed with the wrong secret with 10004 and touches nothing", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_API_KEY, "wrong-secret") })
    expect(res.json.retCode).toBe(10004)
    expect(res.json.retMsg).toMatch(
      /^Error sign, please check your signature generation algorithm: origin_string\[\d+mock-api-key5000\{"id":"10197"\}\]$/
    )
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("rejects a body changed after signing with 10004", async () => {
    useExchange()
    const { headers } = signedHeaders({})
    const response = await fetch(`${BASE}${CANCEL}`, { method: "POST", body: '{"id":"10198"}', headers })
    expect((await readJson(response)).retCode).toBe(10004)
  })

  it("rejects a signature that is not hex with 10004", async () => {
    useExchange()
    expect((await send({ "X-BAPI-SIGN": "not-a-signature" })).json.retCode).toBe(10004)
  })

  it("rejects a recv window changed after signing with 10004", async () => {
    useExchange()
    expect((await send({ "X-BAPI-RECV-WINDOW": "6000" })).json.retCode).toBe(10004)
  })

  it("verifies a GET over the raw query string as sent", async () => {
    useExchange()
    const res = await get(QUERY, "coin=USDT&limit=2")
    expect(res.json.retCode).toBe(0)
    const reordered = signRequest({
      method: "GET",
      signer: hmacSigner("mock-api-secret"),
      apiKey: MOCK_API_KEY,
      timestamp: NOW,
      recvWindow: 5000,
      query: "coin=USDT&limit=2"
    })
    const response = await fetch(`${BASE}${QUERY}?limit=2&coin=USDT`, { headers: { ...reordered.headers } })
    expect((await readJson(response)).retCode).toBe(10004)
  })

  it("accepts an RSA key's RSA-SHA256 signature and cancels", async () => {
    const exchange = useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: rsaKey(MOCK_RSA_API_KEY) })
    expect(res.json).toMatchObject({ retCode: 0, result: { status: 1 } })
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
  })

  it("rejects an RSA key signed with HMAC with 10004", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: hmacKey(MOCK_RSA_API_KEY, "mock-api-secret") })
    expect(res.json.retCode).toBe(10004)
  })

  it("rejects an HMAC key signed with RSA with 10004", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_ID, { key: rsaKey(MOCK_API_KEY) })
    expect(res.json.retCode).toBe(10004)
  })

  it("checks the signature before the parameters: a bad id with a bad signature gets 10004", async () => {
    useExchange()
    const res = await cancel(42, { key: hmacKey(MOCK_API_KEY, "wrong") })
    expect(res.json.retCode).toBe(10004)
  })
})
