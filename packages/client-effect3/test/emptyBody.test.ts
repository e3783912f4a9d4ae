// A body-less answer (204, 205, 304: fetch's `Response.body` is null) is classified by its status on
// every transport, as undici and node:http do: 204/205 UnreadableResponse EmptyBody, 304
// RedirectRefused; never a TransportError, never retried.
// Not covered: a 407 on FetchHttpClient. Node's fetch (Node 20) rejects it with "fetch failed" whose
// cause is an `Error` with no message and no code: nothing identifies the 407, so it stays a
// (retried) TransportError there, while undici and node:http give UnknownApiError.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { transports } from "./transports.js"

let server: Server
let baseUrl = ""
let status = 204
let requests = 0
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++
    req.resume()
    req.on("end", () => {
      res.writeHead(status, status === 304 ? { location: "http://127.0.0.2:1/" } : {})
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const expected: ReadonlyArray<readonly [number, Record<string, unknown>]> = [
  [204, { _tag: "UnreadableResponse", reason: "EmptyBody", httpStatus: 204 }],
  [205, { _tag: "UnreadableResponse", reason: "EmptyBody", httpStatus: 205 }],
  [304, { _tag: "RedirectRefused", httpStatus: 304 }]
]

describe("a body-less answer is classified by its status on every transport", () => {
  for (const [name, transport] of transports) {
    for (const [code, error] of expected) {
      it.live(`${name}: HTTP ${code}`, () =>
        Effect.gen(function* () {
          status = code
          requests = 0
          const layer = BybitClient.layer({
            credentials: BybitConfig.hmac({ apiKey: "empty-key", apiSecret: Redacted.make("empty-secret") }),
            baseUrl,
            timeSync: false,
            // Retries with no delay: a TransportError would show as 4 requests.
            retry: Schedule.recurs(3)
          }).pipe(Layer.provide(transport))
          const failure = yield* Effect.flip(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layer)))
          expect(failure).toMatchObject(error)
          expect(requests).toBe(1)
        })
      )
    }
  }
})
