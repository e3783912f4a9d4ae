// A caller who wraps the client's HttpClient with Effect's `HttpClient.followRedirects` lets the
// transport follow a redirect before the client sees the answer. The client cannot stop that, but
// an answer whose request went to another origin than the base URL's is refused (RedirectRefused
// naming that origin, `followed: true`), never a success, never retried. Two loopback hosts:
// 127.0.0.1 (the configured one) redirects; 127.0.0.2 answers as if it were Bybit.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { transports } from "./transports.js"

interface Host {
  readonly origin: string
  readonly paths: Array<string>
  location: string
  readonly close: () => Promise<void>
}

const OK_CANCEL = JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: 1 } })
const OK_PAGE = JSON.stringify({ retCode: 0, retMsg: "OK", result: { rows: [], nextPageCursor: "" } })

/** A host that redirects everything to `location`, or (no location) answers every path with success. */
const startHost = (address: string): Promise<Host> =>
  new Promise((resolve) => {
    const paths: Array<string> = []
    const host = { paths, location: "" } as { -readonly [K in keyof Host]: Host[K] }
    const server: Server = createServer((req, res) => {
      paths.push(req.url ?? "")
      req.resume()
      req.on("end", () => {
        if (host.location !== "") {
          res.writeHead(307, { location: host.location, "content-length": 0 })
          res.end()
          return
        }
        const now = Date.now()
        const body = req.url?.startsWith("/v5/market/time")
          ? JSON.stringify({
              retCode: 0,
              retMsg: "OK",
              result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }
            })
          : req.url?.includes("query-record")
            ? OK_PAGE
            : OK_CANCEL
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
        res.end(body)
      })
    })
    server.listen(0, address, () => {
      host.origin = `http://${address}:${(server.address() as AddressInfo).port}`
      host.close = () =>
        new Promise<void>((done) => {
          server.closeAllConnections()
          server.close(() => done())
        })
      resolve(host)
    })
  })

let bybit: Host
let other: Host
beforeAll(async () => {
  bybit = await startHost("127.0.0.1")
  other = await startHost("127.0.0.2")
})
afterAll(async () => {
  await bybit.close()
  await other.close()
})

/** The caller's transport, wrapped with `followRedirects` (what the README warns against). */
const following = (transport: Layer.Layer<HttpClient.HttpClient>) =>
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, HttpClient.followRedirects(3))).pipe(
    Layer.provide(transport)
  )

const layerOn = (transport: Layer.Layer<HttpClient.HttpClient>, timeSync = false) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "follow-test-key", apiSecret: Redacted.make("follow-test-secret") }),
    baseUrl: bybit.origin,
    timeSync,
    // Retries with no delay: a refused answer that were retried would show as more requests.
    retry: Schedule.recurs(3)
  }).pipe(Layer.provide(following(transport)))

const refused = <A, E>(exit: Exit.Exit<A, E>) => {
  expect(Exit.isFailure(exit)).toBe(true)
  const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
  expect(error).toMatchObject({ _tag: "RedirectRefused", location: other.origin, followed: true, httpStatus: 200 })
  expect((error as Error).message).toContain("followRedirects")
}

describe("an answer from another origin is refused, whatever wrapper followed to it", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: a cancel redirected to another host is RedirectRefused, not retried`, () =>
      Effect.gen(function* () {
        bybit.paths.length = 0
        other.paths.length = 0
        bybit.location = `${other.origin}/v5/asset/withdraw/cancel`
        const exit = yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport))))
        refused(exit)
        // The wrapper followed once (that cannot be stopped); nothing was sent again.
        expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
        expect(other.paths).toEqual(["/v5/asset/withdraw/cancel"])
      })
    )

    it.live(`${name}: a list redirected to another host is RedirectRefused`, () =>
      Effect.gen(function* () {
        other.paths.length = 0
        bybit.location = `${other.origin}/v5/asset/withdraw/query-record`
        const exit = yield* Effect.exit(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layerOn(transport))))
        refused(exit)
        expect(other.paths).toHaveLength(1)
      })
    )

    it.live(`${name}: a redirected server-time request is RedirectRefused`, () =>
      Effect.gen(function* () {
        bybit.location = `${other.origin}/v5/market/time`
        const exit = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, true)))
        )
        refused(exit)
      })
    )

    it.live(`${name}: without a redirect the same wrapped client works`, () =>
      Effect.gen(function* () {
        bybit.location = ""
        const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport)))
        expect(result.status).toBe("cancelled")
      })
    )
  }
})
