// One core, three adapters: the same request gets the same answer (status, content type, body)
// from the core itself, the MSW handlers and the node:http server. (The Effect test layers live in
// the client packages, each with its own test that it answers as the core does.)
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { http, passthrough } from "msw"
import { setupServer } from "msw/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Fault,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockExchange as MswExchange,
  makeMockExchange,
  SEED_WITHDRAWAL_ID,
  startMockServer
} from "../src/index.js"

const NOW = 1_700_000_000_000
const BASE = "https://api.bybit.com"
const signer = hmacSigner(MOCK_API_SECRET)

interface Case {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly query?: string
  readonly body?: string
  readonly headers: Record<string, string>
  readonly fault?: Fault
}

const signedPost = (path: string, body: string, secret = signer): Omit<Case, "name"> => ({
  method: "POST",
  path,
  body,
  headers: {
    ...signRequest({ method: "POST", signer: secret, apiKey: MOCK_API_KEY, timestamp: NOW, recvWindow: 5000, body })
      .headers,
    "content-type": "application/json"
  }
})
const signedGet = (path: string, query: string): Omit<Case, "name"> => ({
  method: "GET",
  path,
  query,
  headers: {
    ...signRequest({ method: "GET", signer, apiKey: MOCK_API_KEY, timestamp: NOW, recvWindow: 5000, query }).headers
  }
})

const CANCEL = "/v5/asset/withdraw/cancel"
const cancelBody = JSON.stringify({ id: SEED_WITHDRAWAL_ID })
const CASES: ReadonlyArray<Case> = [
  { name: "a verified cancel", ...signedPost(CANCEL, cancelBody) },
  { name: "a wrong signature", ...signedPost(CANCEL, cancelBody, hmacSigner("wrong")) },
  { name: "a query-record page", ...signedGet("/v5/asset/withdraw/query-record", "coin=USDT&limit=2") },
  { name: "the server time", method: "GET", path: "/v5/market/time", headers: {} },
  { name: "an unknown route", method: "GET", path: "/v5/nope", headers: {} },
  { name: "a wrong method", method: "GET", path: CANCEL, headers: {} },
  { name: "a RetCode fault", ...signedPost(CANCEL, cancelBody), fault: { _tag: "RetCode", retCode: 10016 } },
  { name: "a 503 page", ...signedPost(CANCEL, cancelBody), fault: { _tag: "ServerErrorHtml", status: 503 } },
  { name: "a truncated body", ...signedPost(CANCEL, cancelBody), fault: { _tag: "TruncatedBody" } }
]

interface Seen {
  readonly status: number
  readonly contentType: string | undefined
  readonly body: string
}

const url = (base: string, c: Case) => `${base}${c.path}${c.query === undefined ? "" : `?${c.query}`}`

const viaCore = (c: Case): Seen => {
  const exchange = makeMockExchange({ now: NOW })
  if (c.fault !== undefined) exchange.faults.inject(c.fault)
  const answer = exchange.handle({
    method: c.method,
    path: c.path,
    query: c.query ?? "",
    headers: new Headers(c.headers),
    body: c.body ?? ""
  })
  if (answer._tag !== "Response") throw new Error(`not a response: ${answer._tag}`)
  return { status: answer.status, contentType: answer.headers["content-type"], body: answer.body }
}

const viaFetch = async (base: string, c: Case): Promise<Seen> => {
  const response = await fetch(url(base, c), {
    method: c.method,
    headers: c.headers,
    ...(c.body === undefined ? {} : { body: c.body })
  })
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? undefined,
    body: await response.text()
  }
}

const msw = setupServer()
beforeAll(() => msw.listen({ onUnhandledRequest: "error" }))
afterAll(() => msw.close())

const viaMsw = async (c: Case): Promise<Seen> => {
  const exchange: MswExchange = makeMockExchange({ now: NOW })
  if (c.fault !== undefined) exchange.faults.inject(c.fault)
  msw.resetHandlers(...exchange.handlers)
  return viaFetch(BASE, c)
}

const viaServer = async (c: Case): Promise<Seen> => {
  const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }) })
  // MSW (listening for viaMsw) must let this one reach the real loopback server.
  msw.resetHandlers(http.all(`${server.url}/*`, () => passthrough()))
  try {
    if (c.fault !== undefined) server.exchange.faults.inject(c.fault)
    return await viaFetch(server.url, c)
  } finally {
    await server.close()
  }
}

describe("the same request through every adapter", () => {
  for (const c of CASES) {
    it(`${c.name}: the core, MSW and node:http answer alike`, async () => {
      const core = viaCore(c)
      expect(core.body.length).toBeGreaterThan(0)
      expect(await viaMsw(c)).toEqual(core)
      expect(await viaServer(c)).toEqual(core)
    })
  }

  it("network faults: MSW and fetch see a TypeError, the server resets the socket", async () => {
    const fault: Fault = { _tag: "DropConnection" }
    const c: Case = { name: "drop", ...signedPost(CANCEL, cancelBody), fault }
    const exchange = makeMockExchange({ now: NOW })
    exchange.faults.inject(fault)
    expect(
      exchange.handle({ method: "POST", path: CANCEL, query: "", headers: new Headers(c.headers), body: cancelBody })
    ).toEqual({
      _tag: "NetworkError"
    })
    await expect(viaMsw(c)).rejects.toThrow(TypeError)
    await expect(viaServer(c)).rejects.toThrow(TypeError)
  })

  it("a Latency fault is a Delay answer from the core; resume() gives the normal answer", () => {
    const exchange = makeMockExchange({ now: NOW })
    exchange.faults.inject({ _tag: "Latency", ms: 250 }, { path: "/v5/market/time" })
    const answer = exchange.handle({
      method: "GET",
      path: "/v5/market/time",
      query: "",
      headers: new Headers(),
      body: ""
    })
    expect(answer).toMatchObject({ _tag: "Delay", ms: 250 })
    if (answer._tag !== "Delay") return
    expect(exchange.requests()).toEqual([])
    expect(answer.resume()).toMatchObject({ _tag: "Response", status: 200 })
    expect(exchange.requests()).toEqual([expect.objectContaining({ path: "/v5/market/time", fault: "Latency" })])
  })
})
