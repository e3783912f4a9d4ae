import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { SEED_WITHDRAWAL_ID } from "../src/index.js"
import { BASE, CANCEL, cancel, expectEnvelopeShape, hmacKey, mswServer, NOW, QUERY, readJson } from "./helpers.js"

const { useExchange } = mswServer()

const rawCancel = (id = SEED_WITHDRAWAL_ID) => {
  const signed = signRequest({
    method: "POST",
    signer: hmacKey().signer,
    apiKey: hmacKey().apiKey,
    timestamp: NOW,
    recvWindow: 5000,
    body: { id }
  })
  return fetch(`${BASE}${CANCEL}`, {
    method: "POST",
    body: signed.body,
    headers: { ...signed.headers, "Content-Type": "application/json" }
  })
}

describe("faults", () => {
  it("ServerErrorHtml: 502 with an HTML page by default, state untouched", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "ServerErrorHtml" })
    const res = await rawCancel()
    expect(res.status).toBe(502)
    expect(res.headers.get("content-type")).toContain("text/html")
    expect(await res.text()).toContain("<html>")
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("ServerErrorHtml with a status", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 })
    const res = await rawCancel()
    expect(res.status).toBe(503)
    expect(await res.text()).toContain("503")
  })

  it("IpBanned: HTTP 403 access too frequent", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "IpBanned" })
    const res = await rawCancel()
    expect(res.status).toBe(403)
    expect(await res.text()).toContain("access too frequent")
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("TooManyRequests: HTTP 429", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "TooManyRequests" })
    expect((await rawCancel()).status).toBe(429)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("NotJson: 200 with a body that does not parse", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "NotJson" })
    const res = await rawCancel()
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("TruncatedBody: 200 with the real answer cut mid-way (the cancel happened)", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "TruncatedBody" })
    const res = await rawCancel()
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text.startsWith('{"retCode":0')).toBe(true)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
  })

  it("MissingFields: 200 envelope without retCode and result", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "MissingFields" })
    const res = await rawCancel()
    const json = await readJson(res)
    expect(res.status).toBe(200)
    expect(json).not.toHaveProperty("retCode")
    expect(json).not.toHaveProperty("result")
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("CancelStatusZero: retCode 0 with result.status 0, the withdrawal stays cancellable", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "CancelStatusZero" })
    const res = await rawCancel()
    const json = await readJson(res)
    expect(res.status).toBe(200)
    expect(json).toMatchObject({ retCode: 0, result: { status: 0 } })
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    const next = await readJson(await rawCancel())
    expect(next).toMatchObject({ retCode: 0, result: { status: 1 } })
  })

  it("Latency: a real delay, then the normal answer", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "Latency", ms: 120 })
    const started = performance.now()
    const res = await cancel(SEED_WITHDRAWAL_ID)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
    expect(res.json.retCode).toBe(0)
  })

  it("DropConnection: a network failure and the state untouched", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "DropConnection" })
    await expect(rawCancel()).rejects.toThrow()
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    expect(exchange.requests()[0]).toMatchObject({ httpStatus: 0, retCode: undefined, fault: "DropConnection" })
  })

  it("LoseResponse: the cancel happens, the client gets a network failure, a retry gets 131099", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "LoseResponse" })
    await expect(rawCancel()).rejects.toThrow()
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    expect(exchange.requests()[0]).toMatchObject({ httpStatus: 0, retCode: 0, fault: "LoseResponse" })
    expect((await cancel(SEED_WITHDRAWAL_ID)).json.retCode).toBe(131099)
  })

  it.each([[10000], [10016], [131230]])("RetCode %i: that error envelope, state untouched", async (retCode) => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "RetCode", retCode })
    const res = await cancel(SEED_WITHDRAWAL_ID)
    expect(res.status).toBe(200)
    expectEnvelopeShape(res.json)
    expect(res.json.retCode).toBe(retCode)
    expect(res.json.time).toBe(NOW)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("RetCode with a message", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "RetCode", retCode: 10016, retMsg: "service restarting" })
    expect((await cancel(SEED_WITHDRAWAL_ID)).json.retMsg).toBe("service restarting")
  })

  it("fails the next 2 calls then answers normally (times)", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "ServerErrorHtml" }, { times: 2 })
    expect((await rawCancel()).status).toBe(502)
    expect((await rawCancel()).status).toBe(502)
    const res = await rawCancel()
    expect(res.status).toBe(200)
    expect((await readJson(res)).retCode).toBe(0)
  })

  it("applies faults in the order injected", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "TooManyRequests" })
    exchange.faults.inject({ _tag: "IpBanned" })
    expect((await rawCancel()).status).toBe(429)
    expect((await rawCancel()).status).toBe(403)
    expect((await rawCancel()).status).toBe(200)
  })

  it("applies a path-scoped fault only to that path", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "ServerErrorHtml" }, { path: CANCEL })
    const query = await fetch(`${BASE}/v5/market/time`)
    expect(query.status).toBe(200)
    expect((await rawCancel()).status).toBe(502)
    expect((await rawCancel()).status).toBe(200)
  })

  it("applies to public endpoints too", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "NotJson" }, { path: "/v5/market/time" })
    const res = await fetch(`${BASE}/v5/market/time`)
    await expect(res.json()).rejects.toThrow()
  })

  it("clear() drops pending faults", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "ServerErrorHtml" }, { times: 5 })
    exchange.faults.clear()
    expect((await rawCancel()).status).toBe(200)
  })

  it("does not count a faulted request against the rate limit", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "TooManyRequests" }, { times: 100 })
    for (let i = 0; i < 100; i++) await rawCancel()
    const res = await cancel(SEED_WITHDRAWAL_ID)
    expect(res.json.retCode).toBe(0)
    expect(res.headers.get("X-Bapi-Limit-Status")).toBe("59")
  })

  it("rejects a non-positive times, a non-5xx ServerErrorHtml and a negative Latency", () => {
    const exchange = useExchange()
    expect(() => exchange.faults.inject({ _tag: "NotJson" }, { times: 0 })).toThrow(RangeError)
    expect(() => exchange.faults.inject({ _tag: "ServerErrorHtml", status: 200 })).toThrow(RangeError)
    expect(() => exchange.faults.inject({ _tag: "Latency", ms: -1 })).toThrow(RangeError)
  })

  it("rejects a Latency past 600,000 ms or not an integer (setTimeout would fire 2**31 after 1 ms)", () => {
    const exchange = useExchange()
    for (const ms of [2 ** 31, Number.POSITIVE_INFINITY, Number.NaN, 600_001, 1.5]) {
      expect(() => exchange.faults.inject({ _tag: "Latency", ms }), String(ms)).toThrow(RangeError)
    }
    expect(exchange.faults.list()).toHaveLength(0)
    exchange.faults.inject({ _tag: "Latency", ms: 600_000 })
    exchange.faults.inject({ _tag: "Latency", ms: 0 })
    expect(exchange.faults.list()).toHaveLength(2)
  })

  it("keeps the faults of one exchange away from another", async () => {
    const a = useExchange()
    a.faults.inject({ _tag: "ServerErrorHtml" }, { times: 10 })
    const b = useExchange()
    const signer = hmacSigner("mock-api-secret")
    const signed = signRequest({ method: "GET", signer, apiKey: "mock-api-key", timestamp: NOW, recvWindow: 5000 })
    const res = await fetch(`${BASE}${QUERY}`, { headers: { ...signed.headers } })
    expect(res.status).toBe(200)
    expect(b.requests()).toHaveLength(1)
    expect(a.requests()).toHaveLength(0)
  })
})
