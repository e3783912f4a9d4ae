// Point 1 of issue 10: a 3xx is never followed, on any transport. Two real loopback servers: the
// configured host (127.0.0.1) answers a redirect; another host (127.0.0.2, also loopback on Linux)
// must see no request at all.
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { transports } from "./transports.js"

interface Host {
  readonly url: string
  readonly origin: string
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }>
  respond: (req: IncomingMessage) => { status: number; headers: Record<string, string>; body: string }
  readonly close: () => Promise<void>
}

const startHost = (address: string): Promise<Host> =>
  new Promise((resolve) => {
    const host: Partial<Host> & { requests: Host["requests"] } = { requests: [] }
    const server: Server = createServer((req, res) => {
      host.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers })
      req.resume()
      req.on("end", () => {
        const answer = host.respond!(req)
        res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) })
        res.end(answer.body)
      })
    })
    server.listen(0, address, () => {
      const { port } = server.address() as AddressInfo
      resolve(
        Object.assign(host, {
          url: `http://${address}:${port}`,
          origin: `http://${address}:${port}`,
          respond: () => ({ status: 200, headers: {}, body: "" }),
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections()
              server.close(() => done())
            })
        }) as Host
      )
    })
  })

let bybit: Host
let other: Host
beforeAll(async () => {
  bybit = await startHost("127.0.0.1")
  other = await startHost("127.0.0.2")
  // Were a redirect followed, the other host would take the cancel as done.
  other.respond = () => ({
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: 1 }, time: Date.now() })
  })
})
afterAll(async () => {
  await bybit.close()
  await other.close()
})

const layerOn = (transport: Layer.Layer<HttpClient.HttpClient>, timeSync: boolean) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "redirect-test-key", apiSecret: Redacted.make("redirect-test-secret") }),
    baseUrl: bybit.url,
    timeSync,
    // Retries with no delay: a redirect that were retried would show as more than one request.
    retry: Schedule.recurs(3)
  }).pipe(Layer.provide(transport))

describe("a redirect is never followed", () => {
  for (const [name, transport] of transports) {
    for (const status of [301, 302, 303, 307, 308]) {
      for (const kind of ["absolute", "protocol-relative", "relative"] as const) {
        it.live(`${name}: HTTP ${status} with a ${kind} Location is RedirectRefused, sent nowhere else`, () =>
          Effect.gen(function* () {
            bybit.requests.length = 0
            other.requests.length = 0
            const target =
              kind === "absolute"
                ? `${other.origin}/v5/asset/withdraw/cancel?token=secret-path`
                : kind === "protocol-relative"
                  ? `//${other.origin.slice("http://".length)}/steal?q=1`
                  : "/v5/elsewhere?q=secret-path"
            bybit.respond = () => ({ status, headers: { location: target }, body: "moved" })
            const exit = yield* Effect.exit(
              Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, false)))
            )
            expect(Exit.isFailure(exit)).toBe(true)
            const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
            const expectedOrigin = kind === "relative" ? bybit.origin : other.origin
            expect(error).toMatchObject({ _tag: "RedirectRefused", httpStatus: status, location: expectedOrigin })
            const rendered = `${String(error)} ${JSON.stringify(error)} ${(error as Error).message}`
            expect(rendered).toContain(String(status))
            expect(rendered).toContain(expectedOrigin)
            expect(rendered).not.toMatch(/secret-path|steal|elsewhere|token/)
            // One request, to the configured host; none anywhere else; no retry.
            expect(other.requests).toEqual([])
            expect(bybit.requests.map((r) => r.url)).toEqual(["/v5/asset/withdraw/cancel"])
          })
        )
      }
    }

    it.live(`${name}: a redirect of the server-time request is refused the same way`, () =>
      Effect.gen(function* () {
        bybit.requests.length = 0
        other.requests.length = 0
        bybit.respond = () => ({ status: 307, headers: { location: `${other.origin}/v5/market/time` }, body: "" })
        const error = yield* Effect.flip(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, true)))
        )
        expect(error).toMatchObject({ _tag: "RedirectRefused", httpStatus: 307, location: other.origin })
        expect(other.requests).toEqual([])
        expect(bybit.requests.map((r) => r.url)).toEqual(["/v5/market/time"])
      })
    )

    it.live(`${name}: a Location that is not a URL still ends in RedirectRefused, without one`, () =>
      Effect.gen(function* () {
        other.requests.length = 0
        bybit.respond = () => ({ status: 302, headers: { location: "http://[bad" }, body: "" })
        const error = yield* Effect.flip(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, false)))
        )
        expect(error._tag).toBe("RedirectRefused")
        expect(error).not.toHaveProperty("location")
        expect(other.requests).toEqual([])
      })
    )
  }

  it.live("a caller's own Fetch is still used, with redirect: manual added", () =>
    Effect.gen(function* () {
      other.requests.length = 0
      bybit.respond = () => ({ status: 302, headers: { location: `${other.origin}/x` }, body: "" })
      const inits: Array<RequestInit | undefined> = []
      const callerFetch: typeof fetch = (input, init) => {
        inits.push(init)
        return fetch(input, init)
      }
      const transport = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, callerFetch)))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(
            layerOn(transport, false).pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, callerFetch)))
          )
        )
      )
      expect(error._tag).toBe("RedirectRefused")
      expect(inits.length).toBe(1)
      expect(inits[0]?.redirect).toBe("manual")
      expect(other.requests).toEqual([])
    })
  )
})
