import { HttpClient, type HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { BybitClient, BybitConfig } from "../src/index.js"

/** One scripted answer: status, headers and body (sent with its Content-Length). */
export interface Scripted {
  readonly status: number
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** What the scripted transport saw: method, path (no host) and headers of each request. */
export interface Seen {
  readonly method: string
  readonly path: string
  /** The query string, with its `?` (`""` when none). */
  readonly search: string
  readonly headers: Readonly<Record<string, string>>
}

/** A success envelope for the cancel endpoint. */
export const CANCEL_OK: Scripted = {
  status: 200,
  body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: 1 }, time: 1672531200000 })
}

/**
 * An in-process `HttpClient` answering each request with `answer(request, n)` (n from 0), recording
 * every request in `seen`. No network: fast and deterministic (the TestClock alone moves time).
 */
export const scriptedClient = (answer: (seen: Seen, n: number) => Scripted) => {
  const seen: Array<Seen> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request: HttpClientRequest.HttpClientRequest, url) =>
      Effect.sync(() => {
        const s: Seen = { method: request.method, path: url.pathname, search: url.search, headers: request.headers }
        seen.push(s)
        const a = answer(s, seen.length - 1)
        const body = a.body ?? ""
        const status = a.status
        const source = {
          status,
          headers: new globalThis.Headers({
            ...(a.headers ?? {}),
            "content-length": String(new TextEncoder().encode(body).length)
          }),
          body: null,
          text: () => Promise.resolve(body)
        }
        return HttpClientResponse.fromWeb(request, source as unknown as Response)
      })
    )
  )
  return { seen, layer }
}

/** The client over a scripted transport (time sync off unless given). */
export const scriptedLayer = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  options: Partial<BybitConfig.Options> = {}
) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "test-key", apiSecret: Redacted.make("test-secret-0123456789") }),
    baseUrl: "https://api.bybit.com",
    timeSync: false,
    ...options
  }).pipe(Layer.provide(transport))
