import { hmacSigner, rsaSigner, type Signer, signRequest } from "@effect-bybit/signing"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockExchange,
  type MockExchangeOptions,
  makeMockExchange,
  mockRsaPrivateKeyPem
} from "../src/index.js"

export const BASE = "https://api-testnet.bybit.com"
export const CANCEL = "/v5/asset/withdraw/cancel"
export const QUERY = "/v5/asset/withdraw/query-record"
export const CREATE = "/v5/asset/withdraw/create"
export const NOW = 1_700_000_000_000

/** One MSW server per test file; each test installs its own fresh exchange with `useExchange`. */
export const mswServer = () => {
  const server = setupServer()
  // msw 2 names the option onUnhandledRequest, msw 3 onUnhandledFrame: these tests run under both.
  const strict = { onUnhandledRequest: "error", onUnhandledFrame: "error" } as const
  beforeAll(() => server.listen(strict))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return {
    server,
    /** A fresh exchange with its clock frozen at NOW (`follow: true`: following Date.now()). */
    useExchange: (options: MockExchangeOptions & { readonly follow?: boolean } = {}): MockExchange => {
      const { follow, ...rest } = options
      const exchange = makeMockExchange(follow === true ? rest : { now: NOW, ...rest })
      server.use(...exchange.handlers)
      return exchange
    }
  }
}

export interface Key {
  readonly apiKey: string
  readonly signer: Signer
}

export const hmacKey = (apiKey = MOCK_API_KEY, secret = MOCK_API_SECRET): Key => ({
  apiKey,
  signer: hmacSigner(secret)
})

let rsa: Signer | undefined
export const rsaKey = (apiKey: string): Key => {
  rsa ??= rsaSigner(mockRsaPrivateKeyPem())
  return { apiKey, signer: rsa }
}

export interface SendOptions {
  readonly key?: Key
  readonly timestamp?: number
  readonly recvWindow?: number
  readonly base?: string
  readonly headers?: Record<string, string>
}

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON the tests probe freely
export type Json = any

/** The JSON body of a response, loosely typed. */
export const readJson = (response: Response): Promise<Json> => response.json()

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly json: Json
}

const reply = async (response: Response): Promise<Reply> => ({
  status: response.status,
  headers: response.headers,
  json: await readJson(response)
})

/** A signed POST of `body` (an object is serialized with JSON.stringify, a string sent as is). */
export const post = async (path: string, body: unknown, options: SendOptions = {}): Promise<Reply> => {
  const key = options.key ?? hmacKey()
  const signed = signRequest({
    method: "POST",
    signer: key.signer,
    apiKey: key.apiKey,
    timestamp: options.timestamp ?? NOW,
    recvWindow: options.recvWindow ?? 5000,
    body
  })
  const response = await fetch(`${options.base ?? BASE}${path}`, {
    method: "POST",
    body: signed.body,
    headers: { ...signed.headers, "Content-Type": "application/json", ...options.headers }
  })
  return reply(response)
}

/** A signed GET with `query` (a string is sent and signed as is). */
export const get = async (
  path: string,
  query: Record<string, string | number | undefined> | string = "",
  options: SendOptions = {}
): Promise<Reply> => {
  const key = options.key ?? hmacKey()
  const signed = signRequest({
    method: "GET",
    signer: key.signer,
    apiKey: key.apiKey,
    timestamp: options.timestamp ?? NOW,
    recvWindow: options.recvWindow ?? 5000,
    query
  })
  const qs = signed.queryString === "" ? "" : `?${signed.queryString}`
  const response = await fetch(`${options.base ?? BASE}${path}${qs}`, {
    headers: { ...signed.headers, ...options.headers }
  })
  return reply(response)
}

export const cancel = (id: unknown, options: SendOptions = {}) => post(CANCEL, { id }, options)

export const expectEnvelopeShape = (json: Json): void => {
  if (
    typeof json.retCode !== "number" ||
    typeof json.retMsg !== "string" ||
    typeof json.result !== "object" ||
    typeof json.retExtInfo !== "object" ||
    typeof json.time !== "number"
  ) {
    throw new Error(`not a Bybit envelope: ${JSON.stringify(json)}`)
  }
}
