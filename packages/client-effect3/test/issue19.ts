/**
 * Helpers of the issue 19 acceptance tests (nothingLost, sharedKey, malformedRows, errorWords):
 * the in-process mock exchange on Effect's clock, a driver of virtual time, pending withdrawals,
 * and a transport wrapper that lets an attempt be handled by the exchange while its answer is
 * lost in ways the mock's own faults do not model (a timeout, a 5xx after the cancel was applied).
 * Public API only: `../src/index.js` and the mock.
 */
import { HttpClient, HttpClientError, type HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_UID, type MockExchangeOptions, type MockWithdrawal } from "@effect-bybit/mock-exchange"
import { Chunk, Context, Effect, Fiber, Layer, TestClock } from "effect"
import { BybitClient, type BybitConfig } from "../src/index.js"
import { alignTestClock, BASE_URL, hmacCredentials, NOW, settle } from "./support.js"

export { BASE_URL, NOW }

export const CANCEL = "/v5/asset/withdraw/cancel"
export const QUERY = "/v5/asset/withdraw/query-record"
export const TIME = "/v5/market/time"

/** A `Pending` withdrawal of the mock's default UID. */
export const pending = (withdrawId: string): MockWithdrawal => ({
  withdrawId,
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "0.1",
  status: "Pending",
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  txID: "",
  createTime: NOW - 60_000,
  updateTime: NOW - 60_000,
  withdrawType: 0
})

/** `count` consecutive ids from `from`, as strings. */
export const ids = (from: number, count: number): ReadonlyArray<string> =>
  Array.from({ length: count }, (_, i) => String(from + i))

/**
 * What the transport does with one request, decided just before it is sent:
 * - `pass`: the mock answers it;
 * - `hang`: the mock handles it (state changes), then no answer ever comes (the client's timeout);
 * - `reset`: the mock handles it, then the connection is reset (no answer);
 * - `5xx`: the mock handles it, then a gateway answers 502 with an HTML page instead;
 * - `fail`: it never reaches the exchange: the transport fails with `description` (e.g. a TLS error).
 * `after` runs once the mock has handled the request (e.g. to inject the faults of later attempts).
 */
export interface Step {
  readonly mode: "pass" | "hang" | "reset" | "5xx" | "fail"
  readonly description?: string
  readonly after?: () => void
}

/** Decides each request's `Step` (called once per request, in the order they are sent). */
export type Script = (request: { readonly path: string; readonly query: string; readonly body: string }) => Step

const GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  if (body._tag === "Uint8Array") return Buffer.from(body.body).toString("utf8")
  if (body._tag === "Raw" && typeof body.body === "string") return body.body
  return ""
}

/** Requests sent through `exchangeLayer`'s transport so far (what `runVirtual` watches for activity). */
const activity = { requests: 0 }

const scripted = (inner: HttpClient.HttpClient, script: Script): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const step = script({ path: url.pathname, query: url.search.replace(/^\?/, ""), body: bodyText(request) })
      activity.requests++
      if (step.mode === "fail") {
        return Effect.fail(
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            description: step.description ?? "test transport: the connection failed"
          })
        )
      }
      // `after` runs once the exchange has handled the request, whatever the transport answered.
      const handled = Effect.ensuring(
        inner.execute(request),
        Effect.sync(() => step.after?.())
      )
      switch (step.mode) {
        case "pass":
          return handled
        case "hang":
          return Effect.zipRight(handled, Effect.never)
        case "reset":
          return Effect.zipRight(
            handled,
            Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                description: "test transport: connection reset after the exchange handled the request"
              })
            )
          )
        case "5xx":
          return Effect.as(
            handled,
            HttpClientResponse.fromWeb(
              request,
              new Response(GATEWAY, { status: 502, headers: { "content-type": "text/html" } })
            )
          )
      }
    })
  )

/**
 * A fresh in-process mock exchange on Effect's clock (`clock: "effect"`, starting at `NOW`) and its
 * `HttpClient`, optionally wrapped by `script`.
 */
const pass: Script = () => ({ mode: "pass" })

export const exchangeLayer = (
  options: Omit<MockExchangeOptions, "clock" | "now"> = {},
  script?: Script
): Layer.Layer<HttpClient.HttpClient | MockExchange> => {
  const mock = MockExchange.layer({ now: NOW, clock: "effect", baseUrl: BASE_URL, ...options }).pipe(
    Layer.provide(alignTestClock)
  )
  const wrapped = Layer.effectContext(
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const inner = yield* HttpClient.HttpClient
      return Context.make(MockExchange, exchange).pipe(
        Context.add(HttpClient.HttpClient, scripted(inner, script ?? pass))
      )
    })
  ).pipe(Layer.provide(mock))
  return Layer.orDie(wrapped)
}

/** The client's options for these tests: the mock's key, a base URL the mock answers. */
export const clientOptions = (options: Partial<BybitConfig.Options> = {}): BybitConfig.Options => ({
  credentials: hmacCredentials(),
  baseUrl: BASE_URL,
  ...options
})

/** One client (its own `BybitClient.layer`) on a fresh mock exchange, and the exchange. */
export const testLayer = (
  client: Partial<BybitConfig.Options> = {},
  exchange: Omit<MockExchangeOptions, "clock" | "now"> = {},
  script?: Script
) => BybitClient.layer(clientOptions(client)).pipe(Layer.provideMerge(exchangeLayer(exchange, script)))

/**
 * Runs `effect` in a fiber; whenever every fiber waits on the TestClock and nothing changes (no new
 * request, no new sleep) for a few turns of the event loop, moves the TestClock (which the exchange
 * follows) to the earliest wake-up (or `minStep` on). Returns the exit.
 */
export const runVirtual = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: {
    /**
     * Move the clock at least this far each time (ms), waking every sleeper due by then in one move:
     * far fewer moves (each `TestClock.adjust` costs milliseconds of real time) where the exact
     * instants do not matter. Default 0: to the earliest wake-up exactly.
     */
    readonly minStep?: number
  } = {}
) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    let quiet = 0
    let seen = -1
    for (let step = 0; step < 1_000_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return done.value
      yield* settle
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const state = activity.requests * 1_000 + sleeps.length
      quiet = sleeps.length > 0 && state === seen ? quiet + 1 : 0
      seen = state
      if (quiet < 2) continue
      const now = yield* TestClock.currentTimeMillis
      const delta = Math.max(options.minStep ?? 0, Math.ceil(Math.min(...sleeps) - now))
      yield* TestClock.adjust(delta)
      quiet = 0
    }
    return yield* Effect.die("runVirtual: too many steps")
  })

/** The `_tag` of a failure, whatever its class (some tags are new in issue 19). */
export const tagOf = (error: unknown): string => (error as { readonly _tag: string })._tag

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
