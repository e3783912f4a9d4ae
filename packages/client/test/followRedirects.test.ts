// A caller who wraps the client's HttpClient with Effect's `HttpClient.followRedirects` would have
// the transport re-send the signed request to whatever a 3xx names, before the client sees any
// answer. The client stops that request before it is sent (RedirectRefused naming the origin,
// `followed: false`), on every transport, traced or not; a wrapper that gets past the stop (its own
// tracer predicate below the client's) has its answer refused (`followed: true`), never a success.
// Two loopback hosts: 127.0.0.1 (the configured one) redirects; 127.0.0.2 answers as if it were Bybit.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient, HttpClient, HttpClientError, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Cause,
  DefaultServices,
  Effect,
  Exit,
  FiberId,
  FiberRef,
  Layer,
  Option,
  Redacted,
  Schedule,
  Tracer
} from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { recordingTracer } from "./recordingTracer.js"
import { transports } from "./transports.js"

interface Host {
  readonly origin: string
  readonly paths: Array<string>
  /** The API key header of each request received (undefined: none). */
  readonly keys: Array<string | undefined>
  location: string
  /** Redirect once only, then answer. */
  once: boolean
  readonly close: () => Promise<void>
}

const OK_CANCEL = JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: 1 } })
const OK_PAGE = JSON.stringify({ retCode: 0, retMsg: "OK", result: { rows: [], nextPageCursor: "" } })

/** A host that redirects everything to `location`, or (no location) answers every path with success. */
const startHost = (address: string): Promise<Host> =>
  new Promise((resolve) => {
    const paths: Array<string> = []
    const keys: Array<string | undefined> = []
    const host = { paths, keys, location: "", once: false } as { -readonly [K in keyof Host]: Host[K] }
    const server: Server = createServer((req, res) => {
      paths.push(req.url ?? "")
      keys.push(req.headers["x-bapi-api-key"] as string | undefined)
      req.resume()
      req.on("end", () => {
        if (host.location !== "") {
          res.writeHead(307, { location: host.location, "content-length": 0 })
          res.end()
          if (host.once) host.location = ""
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

/**
 * `followRedirects` with the tracer settings of the caller's own inside the client's, which silence
 * the predicate check: only the `fetch` check is left to stop the hop (on `FetchHttpClient`).
 */
const silencing: ReadonlyArray<readonly [string, (client: HttpClient.HttpClient) => HttpClient.HttpClient]> = [
  [
    "withTracerDisabledWhen below followRedirects",
    (c) =>
      HttpClient.followRedirects(
        HttpClient.withTracerDisabledWhen(c, () => false),
        3
      )
  ],
  [
    "withTracerDisabledWhen around followRedirects",
    (c) => HttpClient.withTracerDisabledWhen(HttpClient.followRedirects(c, 3), () => true)
  ],
  [
    "withTracerEnabled(false) below followRedirects",
    (c) => HttpClient.followRedirects(HttpClient.transformResponse(c, Effect.withTracerEnabled(false)), 3)
  ],
  [
    "withTracerEnabled(false) around followRedirects",
    (c) => HttpClient.transformResponse(HttpClient.followRedirects(c, 3), Effect.withTracerEnabled(false))
  ]
]

const wrapped = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient
) => Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, wrap)).pipe(Layer.provide(transport))

const layerOn = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  options: {
    readonly timeSync?: boolean
    readonly traceRequests?: boolean
    readonly wrap?: (client: HttpClient.HttpClient) => HttpClient.HttpClient
  } = {}
) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "follow-test-key", apiSecret: Redacted.make("follow-test-secret") }),
    baseUrl: bybit.origin,
    timeSync: options.timeSync ?? false,
    traceRequests: options.traceRequests ?? true,
    // Retries with no delay: a refused answer that were retried would show as more requests.
    retry: Schedule.recurs(3)
  }).pipe(Layer.provide(options.wrap === undefined ? following(transport) : wrapped(transport, options.wrap)))

const failure = <A, E>(exit: Exit.Exit<A, E>): Record<string, unknown> => {
  expect(Exit.isFailure(exit)).toBe(true)
  return (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined) as Record<string, unknown>
}

/** Stopped before anything was sent to `origin`. */
const stopped = <A, E>(exit: Exit.Exit<A, E>, origin: string) => {
  const error = failure(exit)
  expect(error._tag).toBe("RedirectRefused")
  expect(error.location).toBe(origin)
  expect(error.followed).toBe(false)
  expect(error.httpStatus).toBeUndefined()
  expect(String(error.message)).toContain("stopped that request before it was sent")
}

/** Sent to `origin` by a wrapper out of the client's sight, and its answer (`httpStatus`) refused. */
const refused = <A, E>(exit: Exit.Exit<A, E>, origin: string, httpStatus?: number) =>
  expect(failure(exit)).toMatchObject({
    _tag: "RedirectRefused",
    location: origin,
    followed: true,
    ...(httpStatus === undefined ? {} : { httpStatus })
  })

const reset = (location: string, once = false) => {
  bybit.paths.length = 0
  bybit.keys.length = 0
  other.paths.length = 0
  other.keys.length = 0
  bybit.location = location
  bybit.once = once
}

describe("a wrapper's redirect is stopped before it sends anything elsewhere", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: a cancel redirected to another host: RedirectRefused, nothing sent there, not retried`, () =>
      Effect.gen(function* () {
        reset(`${other.origin}/v5/asset/withdraw/cancel`)
        const exit = yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport))))
        stopped(exit, other.origin)
        expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
        expect(other.paths).toEqual([])
      })
    )

    it.live(`${name}: a list redirected to another host (query and all): stopped`, () =>
      Effect.gen(function* () {
        reset(`${other.origin}/v5/asset/withdraw/query-record?coin=USDT&limit=50`)
        const exit = yield* Effect.exit(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layerOn(transport))))
        stopped(exit, other.origin)
        expect(bybit.paths).toHaveLength(1)
        expect(other.paths).toEqual([])
      })
    )

    it.live(`${name}: a redirected server-time request (unsigned, nothing to protect) has its answer refused`, () =>
      Effect.gen(function* () {
        reset(`${other.origin}/v5/market/time`)
        const exit = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, { timeSync: true })))
        )
        refused(exit, other.origin)
        // It went without any credential, and the signed cancel was never sent.
        expect(other.paths).toEqual(["/v5/market/time"])
        expect(other.keys).toEqual([undefined])
        expect(bybit.paths).toEqual(["/v5/market/time"])
      })
    )

    it.live(`${name}: a redirect to another path of the same host is stopped as well`, () =>
      Effect.gen(function* () {
        reset(`${bybit.origin}/v5/asset/withdraw/create?from=redirect`)
        const exit = yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport))))
        stopped(exit, bybit.origin)
        expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
      })
    )

    it.live(`${name}: stopped with traceRequests false, and with the program's tracer disabled`, () =>
      Effect.gen(function* () {
        reset(`${other.origin}/v5/asset/withdraw/cancel`)
        const untraced = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, { traceRequests: false })))
        )
        stopped(untraced, other.origin)
        const tracerOff = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport)), Effect.withTracerEnabled(false))
        )
        stopped(tracerOff, other.origin)
        expect(other.paths).toEqual([])
      })
    )

    it.live(`${name}: a wrapper that re-targets the request (to another host, or adds a query) is stopped`, () =>
      Effect.gen(function* () {
        reset("")
        const rewriting = (f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest) =>
          BybitClient.layer({
            credentials: BybitConfig.hmac({
              apiKey: "follow-test-key",
              apiSecret: Redacted.make("follow-test-secret")
            }),
            baseUrl: bybit.origin,
            timeSync: false
          }).pipe(
            Layer.provide(
              Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(f))).pipe(
                Layer.provide(transport)
              )
            )
          )
        const elsewhere = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(
            Effect.provide(rewriting(HttpClientRequest.setUrl(`${other.origin}/v5/asset/withdraw/cancel`)))
          )
        )
        stopped(elsewhere, other.origin)
        const extraQuery = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(
            Effect.provide(rewriting(HttpClientRequest.appendUrlParam("via", "wrapper")))
          )
        )
        stopped(extraQuery, bybit.origin)
        expect(other.paths).toEqual([])
        expect(bybit.paths).toEqual([])
        // A wrapper that only adds a header changes nothing of where the request goes: it is sent.
        const header = yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(rewriting(HttpClientRequest.setHeader("x-caller", "1")))
        )
        expect(header.status).toBe("cancelled")
        expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
      })
    )

    for (const [wrapper, wrap] of silencing) {
      it.live(`${name}, ${wrapper}: stopped by the fetch check, or else the answer is refused (followed: true)`, () =>
        Effect.gen(function* () {
          reset(`${other.origin}/v5/asset/withdraw/cancel`)
          const exit = yield* Effect.exit(
            Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, { wrap })))
          )
          if (name === "FetchHttpClient.layer") {
            stopped(exit, other.origin)
            expect(other.paths).toEqual([])
          } else {
            // The predicate was never asked: the hop went (the README names these wrappers), and its
            // answer is refused, never a success, never retried.
            refused(exit, other.origin, 200)
            expect(other.paths).toEqual(["/v5/asset/withdraw/cancel"])
          }
          expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
        })
      )
    }

    it.live(`${name}: past the stop, an answer from another path of the same host is refused too`, () =>
      Effect.gen(function* () {
        reset(`${bybit.origin}/v5/asset/withdraw/other?x=1`)
        const exit = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport, { wrap: silencing[0]![1] })))
        )
        if (name === "FetchHttpClient.layer") {
          stopped(exit, bybit.origin)
          expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
        } else {
          // 127.0.0.1 answers 307 to every path: the wrapper follows it three times, then hands over a
          // 307 answered for another request than the client's.
          refused(exit, bybit.origin, 307)
          expect(bybit.paths[0]).toBe("/v5/asset/withdraw/cancel")
          expect(bybit.paths).toHaveLength(4)
        }
      })
    )

    it.live(`${name}: a redirect to the client's own address (same URL, a fragment) is not sent again`, () =>
      Effect.gen(function* () {
        for (const location of [`${bybit.origin}/v5/asset/withdraw/cancel`, "#again", "/v5/asset/withdraw/cancel#x"]) {
          // Redirected once, then the host would answer success: a replay must not become one.
          reset(location, true)
          const exit = yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport))))
          stopped(exit, bybit.origin)
          expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
        }
        reset(`${bybit.origin}/v5/asset/withdraw/query-record?coin=USDT`, true)
        const list = yield* Effect.exit(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layerOn(transport))))
        stopped(list, bybit.origin)
        expect(bybit.paths).toHaveLength(1)
      })
    )

    it.live(`${name}: a Location the wrapper cannot parse is a TransportError Defect, not retried, not a defect`, () =>
      Effect.gen(function* () {
        for (const location of ["http://[", "http://127.0.0.2:99999/v5"]) {
          reset(location)
          const list = yield* Effect.exit(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layerOn(transport))))
          expect(failure(list)).toMatchObject({ _tag: "TransportError", reason: "Defect" })
          expect(String(failure(list).message)).toContain("HttpClient given to the client failed unexpectedly")
          // Sent once (the layer retries up to 3 times what may be retried).
          expect(bybit.paths).toHaveLength(1)
          bybit.paths.length = 0
          const cancel = yield* Effect.exit(
            Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport)))
          )
          expect(Exit.isFailure(cancel) && Cause.isDie(cancel.cause)).toBe(false)
          // The cancel is sent once; the error says its outcome is unknown until checked.
          expect(failure(cancel)).toMatchObject({ _tag: "TransportError", reason: "Defect" })
          expect(bybit.paths.filter((path) => path === "/v5/asset/withdraw/cancel")).toHaveLength(1)
        }
        expect(other.paths).toEqual([])
      })
    )

    it.live(`${name}: a wrapper failing with an error that throws when read is a TransportError, not a defect`, () =>
      Effect.gen(function* () {
        reset("")
        const throwing = new Proxy(
          {},
          {
            get: () => {
              throw new Error("read me not")
            },
            getPrototypeOf: () => {
              throw new Error("read me not")
            }
          }
        )
        const failWith =
          (error: () => Effect.Effect<never, HttpClientError.HttpClientError>) => (c: HttpClient.HttpClient) =>
            HttpClient.transformResponse(c, (effect) => Effect.zipRight(effect, error()))
        const request = HttpClientRequest.get(bybit.origin)
        for (const wrap of [
          failWith(() =>
            Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: throwing }))
          ),
          failWith(() =>
            Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: {
                  get code(): string {
                    throw new Error("read me not")
                  }
                }
              })
            )
          ),
          failWith(() => Effect.die(throwing))
        ]) {
          const exit = yield* Effect.exit(
            Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(layerOn(transport, { wrap })))
          )
          expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(false)
          expect(failure(exit)._tag).toBe("TransportError")
        }
      })
    )

    it.live(
      `${name}: a pass-through middleware made with HttpClient.make works, traced or not, and still stops a replay`,
      () =>
        Effect.gen(function* () {
          const passThrough = (c: HttpClient.HttpClient) => HttpClient.make((request) => c.execute(request))
          for (const traceRequests of [true, false]) {
            reset("")
            const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
              Effect.provide(layerOn(transport, { wrap: passThrough, traceRequests }))
            )
            expect(result.status).toBe("cancelled")
            expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
            // Redirected once to its own address, followed by a wrapper around the middleware.
            reset(`${bybit.origin}/v5/asset/withdraw/cancel`, true)
            const replay = yield* Effect.exit(
              Withdrawals.cancel({ id: "10197" }).pipe(
                Effect.provide(
                  layerOn(transport, { wrap: (c) => HttpClient.followRedirects(passThrough(c), 3), traceRequests })
                )
              )
            )
            stopped(replay, bybit.origin)
            expect(bybit.paths).toEqual(["/v5/asset/withdraw/cancel"])
          }
        })
    )

    it.live(`${name}: a wrapper's own request (a token fetched first) is not the client's to stop`, () =>
      Effect.gen(function* () {
        reset("")
        const tokenFirst = (c: HttpClient.HttpClient) =>
          HttpClient.mapRequestEffect(c, (request) =>
            c.get(`${other.origin}/token`).pipe(
              Effect.flatMap((response) => response.text),
              Effect.as(HttpClientRequest.setHeader(request, "x-proxy-token", "t")),
              Effect.orDie
            )
          )
        const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(layerOn(transport, { wrap: tokenFirst }))
        )
        expect(result.status).toBe("cancelled")
        expect(other.paths).toEqual(["/token"])
        expect(other.keys).toEqual([undefined])
        expect(bybit.keys).toEqual(["follow-test-key"])
        // With the clock synced first (the default): its unsigned request is not the wrapper's either.
        reset("")
        const synced = yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(layerOn(transport, { wrap: tokenFirst, timeSync: true }))
        )
        expect(synced.status).toBe("cancelled")
        expect(other.paths).toEqual(["/token", "/token"])
        expect(bybit.paths).toEqual(["/v5/market/time", "/v5/asset/withdraw/cancel"])
      })
    )

    it.live(
      `${name}: a rewrite that changes the credentials' case or drops the key is still the client's request`,
      () =>
        Effect.gen(function* () {
          reset("")
          for (const mangle of [
            (request: HttpClientRequest.HttpClientRequest) =>
              HttpClientRequest.setHeader(request, "x-bapi-sign", String(request.headers["x-bapi-sign"]).toUpperCase()),
            (request: HttpClientRequest.HttpClientRequest) =>
              HttpClientRequest.post(request.url, {
                // No key, and the signature upper-cased: still the client's signature.
                headers: Object.fromEntries(
                  Object.entries(request.headers)
                    .filter(([header]) => header !== "x-bapi-api-key")
                    .map(([header, value]) => [header, header === "x-bapi-sign" ? value.toUpperCase() : value])
                ),
                body: request.body
              })
          ]) {
            const exit = yield* Effect.exit(
              Withdrawals.cancel({ id: "10197" }).pipe(
                Effect.provide(
                  layerOn(transport, {
                    wrap: (c) =>
                      HttpClient.mapRequest(c, (request) =>
                        HttpClientRequest.setUrl(mangle(request), `${other.origin}/v5/asset/withdraw/cancel`)
                      )
                  })
                )
              )
            )
            stopped(exit, other.origin)
          }
          expect(other.paths).toEqual([])
        })
    )

    it.live(`${name}: with the program's tracer off, spans made inside the HttpClient stay unrecorded`, () =>
      Effect.gen(function* () {
        reset("")
        const recorded = recordingTracer()
        yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(
            layerOn(transport, { wrap: (c) => HttpClient.transformResponse(c, Effect.withSpan("caller.span")) })
          ),
          Effect.withTracer(recorded.tracer),
          Effect.withTracerEnabled(false)
        )
        expect(recorded.spans).toEqual([])
        // With it on, the caller's span is there (and the client's own).
        yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(
            layerOn(transport, { wrap: (c) => HttpClient.transformResponse(c, Effect.withSpan("caller.span")) })
          ),
          Effect.withTracer(recorded.tracer)
        )
        expect(recorded.spans.map((span) => span.name)).toContain("caller.span")
      })
    )

    it.live(
      `${name}: a Location with no origin (javascript:, data:) is named as no location, with or without the wrapper`,
      () =>
        Effect.gen(function* () {
          for (const location of ["javascript:alert(1)", "data:text/plain,x"]) {
            reset(location)
            const withWrapper = failure(
              yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerOn(transport))))
            )
            expect(withWrapper._tag).toBe("RedirectRefused")
            expect(withWrapper.location).toBeUndefined()
          }
        })
    )

    it.live(`${name}: the caller's fiber settings are as before the call, whatever its outcome`, () =>
      Effect.gen(function* () {
        const snapshot = Effect.all([
          FiberRef.get(FiberRef.currentContext),
          FiberRef.get(FiberRef.currentTracerEnabled),
          FiberRef.get(HttpClient.currentTracerDisabledWhen),
          FiberRef.get(DefaultServices.currentServices)
        ])
        for (const [location, outcome] of [
          ["", "Success"],
          [`${other.origin}/v5/asset/withdraw/query-record`, "RedirectRefused"],
          ["http://[", "TransportError"]
        ] as const) {
          reset(location)
          // Compared inside the provided layer: building the node transports' layers changes the context
          // by itself. `list` runs its attempt on the caller's fiber (a cancel, on a fiber of its own).
          yield* Effect.gen(function* () {
            const before = yield* snapshot
            const exit = yield* Effect.exit(Withdrawals.list({ coin: "USDT" }))
            expect(Exit.isSuccess(exit) ? "Success" : failure(exit)._tag).toBe(outcome)
            const after = yield* snapshot
            for (const [i, value] of after.entries()) expect(value).toBe(before[i])
          }).pipe(Effect.provide(layerOn(transport)))
        }
      })
    )

    it.live(`${name}: without a redirect the wrapped client works, and its spans are as the program asked`, () =>
      Effect.gen(function* () {
        reset("")
        const traced = recordingTracer()
        const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(layerOn(transport)),
          Effect.withTracer(traced.tracer)
        )
        expect(result.status).toBe("cancelled")
        expect(traced.spans.filter((span) => span.name === "http.client POST")).toHaveLength(1)
        // The program's own predicate is kept: it drops the http.client span.
        const dropped = recordingTracer()
        yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(layerOn(transport)),
          Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
          Effect.withTracer(dropped.tracer)
        )
        expect(dropped.spans.some((span) => span.name.startsWith("http.client"))).toBe(false)
        expect(dropped.spans.some((span) => span.name === "Withdrawals.cancel")).toBe(true)
        // Tracing off for the program: no span at all, the http.client one included.
        const off = recordingTracer()
        yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(layerOn(transport)),
          Effect.withTracer(off.tracer),
          Effect.withTracerEnabled(false)
        )
        expect(off.spans).toEqual([])
        expect(bybit.paths).toHaveLength(3)
      })
    )
  }
})

describe("on FetchHttpClient, a fetch of the caller's inside the HttpClient", () => {
  const fetchWrapped = (wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient) =>
    layerOn(FetchHttpClient.layer, { wrap })

  it.live("that calls the client's fetch for another address, with header names in any case, is stopped", () =>
    Effect.gen(function* () {
      reset("")
      const upperCased = (headers: RequestInit["headers"]): Record<string, string> =>
        Object.fromEntries(
          Object.entries((headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toUpperCase(), v])
        )
      for (const shape of ["record", "entries", "Headers"] as const) {
        const rewrite = (c: HttpClient.HttpClient) =>
          HttpClient.transformResponse(c, (effect) =>
            Effect.flatMap(Effect.serviceOption(FetchHttpClient.Fetch), (found) => {
              const clientFetch = Option.getOrElse(found, () => globalThis.fetch)
              return Effect.provideService(effect, FetchHttpClient.Fetch, (_input, init) => {
                const headers = upperCased(init?.headers)
                return clientFetch(`${other.origin}/v5/asset/withdraw/cancel`, {
                  ...init,
                  headers:
                    shape === "record" ? headers : shape === "entries" ? Object.entries(headers) : new Headers(headers)
                })
              })
            })
          )
        const exit = yield* Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(fetchWrapped(rewrite))))
        stopped(exit, other.origin)
      }
      expect(other.paths).toEqual([])
    })
  )

  it.live("that follows redirects whatever it is told has its answer refused, never taken as a success", () =>
    Effect.gen(function* () {
      reset(`${other.origin}/v5/asset/withdraw/cancel`)
      const following: typeof globalThis.fetch = (input, init) =>
        globalThis.fetch(input, { ...init, redirect: "follow" })
      // Given where the client is built (the README's place for a custom fetch).
      const exit = yield* Effect.exit(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(
            BybitClient.layer({
              credentials: BybitConfig.hmac({
                apiKey: "follow-test-key",
                apiSecret: Redacted.make("follow-test-secret")
              }),
              baseUrl: bybit.origin,
              timeSync: false
            }).pipe(
              Layer.provide(Layer.succeed(FetchHttpClient.Fetch, following)),
              Layer.provide(FetchHttpClient.layer)
            )
          )
        )
      )
      // It did reach the other host (that fetch's doing), and its answer is refused.
      refused(exit, other.origin, 200)
      expect(other.paths).toEqual(["/v5/asset/withdraw/cancel"])
    })
  )

  it.live("that hands back a redirected answer whose body cannot be cancelled: refused once, not retried", () =>
    Effect.gen(function* () {
      reset("")
      const sent: Array<string> = []
      const odd: typeof globalThis.fetch = async (input) => {
        sent.push(String(input))
        return {
          redirected: true,
          url: `${other.origin}/v5/asset/withdraw/cancel`,
          status: 200,
          type: "basic",
          headers: new Headers(),
          body: {}
        } as unknown as Response
      }
      const exit = yield* Effect.exit(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provideService(FetchHttpClient.Fetch, odd),
          Effect.provide(layerOn(FetchHttpClient.layer, { wrap: (c) => c }))
        )
      )
      refused(exit, other.origin)
      expect(sent).toHaveLength(1)
    })
  )

  it.live("in a browser, an unfollowed redirect (opaqueredirect, status 0) is a RedirectRefused", () =>
    Effect.gen(function* () {
      reset("")
      const browser: typeof globalThis.fetch = async () =>
        ({
          type: "opaqueredirect",
          status: 0,
          redirected: false,
          url: "",
          headers: new Headers(),
          body: null
        }) as unknown as Response
      const exit = yield* Effect.exit(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provideService(FetchHttpClient.Fetch, browser),
          Effect.provide(layerOn(FetchHttpClient.layer, { wrap: (c) => c }))
        )
      )
      const error = failure(exit)
      expect(error._tag).toBe("RedirectRefused")
      expect(error.followed).toBeUndefined()
      expect(String(error.message)).toContain("a redirect")
    })
  )

  it.live("given at the call site is the one used, as the transport would use it", () =>
    Effect.gen(function* () {
      reset("")
      let calls = 0
      const counting: typeof globalThis.fetch = (input, init) => {
        calls++
        return globalThis.fetch(input, init)
      }
      // The layer is built without it; the call runs with it.
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provideService(FetchHttpClient.Fetch, counting),
        Effect.provide(layerOn(FetchHttpClient.layer, { wrap: (c) => c }))
      )
      expect(result.status).toBe("cancelled")
      expect(calls).toBe(1)
    })
  )
})

/** A failure as an exporter records it: every cause rendered, and each error's own properties. */
const asRecorded = (cause: Cause.Cause<unknown>): string =>
  [
    Cause.pretty(cause, { renderErrorCause: true }),
    ...[...Cause.defects(cause), ...Cause.failures(cause)].map((error) =>
      typeof error === "object" && error !== null
        ? Object.getOwnPropertyNames(error)
            .map((key) => String((error as Record<string, unknown>)[key]))
            .join(" ")
        : String(error)
    ),
    // An exporter reads the error again.
    ...[...Cause.defects(cause), ...Cause.failures(cause)].map((error) =>
      error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code)}` : String(error)
    )
  ].join("\n")

describe("a transport failing with the signature in its error's cause chain", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: no span records it, and the call is an ordinary TransportError`, () =>
      Effect.gen(function* () {
        reset("")
        let signature = ""
        const ended: Array<string> = []
        const tracer = Tracer.make({
          span: (...args) => {
            const span = recordingTracer().tracer.span(...args)
            return {
              ...span,
              end: (_time, exit) => {
                ended.push(Exit.isFailure(exit) ? asRecorded(exit.cause) : "ok")
              }
            } as Tracer.Span
          },
          context: (f) => f()
        })
        const failing = (c: HttpClient.HttpClient) =>
          HttpClient.make((request) => {
            const sign = request.headers["x-bapi-sign"]
            if (sign === undefined) return c.execute(request)
            signature = sign
            return Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: new TypeError("fetch failed", { cause: new Error(`inner ${sign}`) })
              })
            )
          })
        const exit = yield* Effect.exit(
          Withdrawals.cancel({ id: "10197" }).pipe(
            Effect.provide(layerOn(transport, { wrap: failing })),
            Effect.withTracer(tracer)
          )
        )
        expect(failure(exit)).toMatchObject({ _tag: "TransportError", reason: "Network" })
        expect(signature).not.toBe("")
        expect(ended.join("\n").toLowerCase()).not.toContain(signature.toLowerCase())
      })
    )
  }
})

describe("a transport that fails on its own", () => {
  for (const [name, transport] of transports) {
    it.live(
      `${name}: a defect quoting the signature reaches no error and no span; an interruption of its own is a Defect`,
      () =>
        Effect.gen(function* () {
          reset("")
          let signature = ""
          const recorded = recordingTracer()
          const ended: Array<string> = []
          const tracer = Tracer.make({
            span: (...args) => {
              const span = recorded.tracer.span(...args)
              return {
                ...span,
                end: (_time, exit) => {
                  // As an exporter records it: every cause rendered, and the errors' own properties.
                  ended.push(Exit.isFailure(exit) ? asRecorded(exit.cause) : "ok")
                }
              } as Tracer.Span
            },
            context: (f) => f()
          })
          const dying = (fault: (signature: string) => Effect.Effect<never>) => (c: HttpClient.HttpClient) =>
            HttpClient.make((request) => {
              const sign = request.headers["x-bapi-sign"]
              if (sign === undefined) return c.execute(request)
              signature = sign
              return fault(sign)
            })
          for (const fault of [
            (sign: string) => Effect.die(new Error(`bad ${sign.toUpperCase()} follow-test-secret`)),
            (sign: string) =>
              Effect.failCause(Cause.parallel(Cause.die(new Error(`p ${sign}`)), Cause.interrupt(FiberId.none))),
            () => Effect.interrupt,
            (sign: string) => Effect.die(new Error("outer", { cause: new Error(`inner ${sign}`) })),
            (sign: string) => Effect.die(Object.assign(new Error("boom"), { code: sign })),
            (sign: string) => Effect.die(new Error(`${"x".repeat(9000)} ${sign}`)),
            // A code an exporter turns into text, and a message that changes once it has been read.
            (sign: string) => Effect.die(Object.assign(new Error("boom"), { code: { toString: () => sign } })),
            (sign: string) => {
              let reads = 0
              const error = new Error("benign")
              Object.defineProperty(error, "message", { get: () => (reads++ < 1 ? "benign" : `late ${sign}`) })
              return Effect.die(error)
            }
          ]) {
            ended.length = 0
            const exit = yield* Effect.exit(
              Withdrawals.cancel({ id: "10197" }).pipe(
                Effect.provide(layerOn(transport, { wrap: dying(fault) })),
                Effect.withTracer(tracer)
              )
            )
            const error = failure(exit)
            expect(error).toMatchObject({ _tag: "TransportError", reason: "Defect" })
            const texts = [String(error), JSON.stringify(error), ...ended].join("\n").toLowerCase()
            expect(signature).not.toBe("")
            expect(texts).not.toContain(signature.toLowerCase())
            expect(texts).not.toContain("follow-test-secret")
          }
        })
    )
  }
})
