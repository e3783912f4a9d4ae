/**
 * `@effect-bybit/client/testing`: a fresh mock exchange answering `HttpClient.HttpClient` in
 * process (no socket, no MSW), and the exchange itself as the `MockExchange` service.
 *
 * @since 0.1.0
 */
import {
  BYBIT_ORIGINS,
  type Exchange,
  type MockAnswer,
  type MockClock,
  type MockExchangeOptions,
  type MockNetworkError,
  makeExchange
} from "@effect-bybit/mock-exchange/core"
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import type * as TestClock from "effect/testing/TestClock"
import { toClientResponse } from "./internal/testResponse.js"

/**
 * Options of `MockExchange.layer`: those of `makeMockExchange`, plus `clock: "effect"` and `baseUrl`.
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends Omit<MockExchangeOptions, "clock"> {
  /**
   * `"effect"`: the exchange follows Effect's `Clock` (from `now`, if given; `Latency` sleeps on it),
   * so `TestClock.adjust` moves both. A `MockClock` of your own is used as is. Default: frozen at
   * `now`, or `Date.now()`. A `TestClock` at 0 or over 24 hours from the exchange is first set to
   * the exchange's time (the client refuses a server time 24 hours off).
   */
  readonly clock?: MockClock | "effect"
  /** An origin answered besides Bybit's hosts (e.g. `"http://127.0.0.1:4010"`). */
  readonly baseUrl?: string
}

/**
 * The exchange answering `MockExchange.layer`'s `HttpClient`: inject faults, move its clock, read
 * `requests()` and its withdrawals.
 *
 * @example
 * ```ts
 * import { MockExchange } from "@effect-bybit/client/testing"
 *
 * const test = Effect.gen(function* () {
 *   const exchange = yield* MockExchange
 *   exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 })
 *   yield* Withdrawals.cancel({ id: "10197" })
 * }).pipe(Effect.provide(BybitClient.layer({ ... }).pipe(Layer.provideMerge(MockExchange.layer()))))
 * ```
 * @since 0.1.0
 * @category tags
 */
export class MockExchange extends Context.Service<MockExchange, Exchange>()(
  "@effect-bybit/client/testing/MockExchange"
) {
  /**
   * A fresh exchange and the `HttpClient` it answers. Another origin than Bybit's hosts and
   * `baseUrl` fails with an `HttpClientError` (`InvalidUrlError`), an injected network fault with
   * one of reason `TransportError`. Bad options: `Cause.IllegalArgumentError`.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (
    options: LayerOptions = {}
  ): Layer.Layer<HttpClient.HttpClient | MockExchange, Cause.IllegalArgumentError> => layer(options)
}

const DAY_MS = 24 * 60 * 60 * 1000

// TestClock has no type id: it is the Clock that can be set.
const isTestClock = (clock: Clock.Clock): clock is TestClock.TestClock =>
  typeof (clock as Partial<TestClock.TestClock>).setTime === "function"

const followEffectClock = (clock: Clock.Clock, start?: number): MockClock => {
  let offset = start === undefined ? 0 : start - clock.currentTimeMillisUnsafe()
  // Whole ms, as Bybit's times are: a TestClock moved by a jittered sleep sits at a fraction of a ms,
  // and a fractional `X-Bapi-Limit-Reset-Timestamp` is rightly refused by the client.
  const now = () => Math.floor(clock.currentTimeMillisUnsafe() + offset)
  return {
    now,
    set: (ms) => {
      offset = ms - clock.currentTimeMillisUnsafe()
    },
    advance: (ms) => {
      offset += ms
    }
  }
}

const wallSleep = (ms: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    const timer = setTimeout(() => resume(Effect.void), ms)
    return Effect.sync(() => clearTimeout(timer))
  })

const encodeError = (request: HttpClientRequest.HttpClientRequest, description: string) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, description }) })

interface Body {
  readonly body: Uint8Array | string
  /** Set when a streamed body went over the cap and was dropped. */
  readonly bodyBytes?: number
}

/**
 * The request body as raw bytes (or text), the way a transport would put it on the wire. A streamed
 * body is collected up to `cap` bytes; past it, only its size is kept (the core answers 413).
 */
const bodyOf = (
  request: HttpClientRequest.HttpClientRequest,
  cap: number
): Effect.Effect<Body, HttpClientError.HttpClientError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ body: "" })
    case "Uint8Array":
      return Effect.succeed({ body: body.body })
    case "Raw": {
      const raw: unknown = body.body
      if (typeof raw === "string" || raw instanceof Uint8Array) return Effect.succeed({ body: raw })
      if (raw instanceof ArrayBuffer) return Effect.succeed({ body: new Uint8Array(raw) })
      return Effect.fail(encodeError(request, "mock exchange: a Raw body must be a string, Uint8Array or ArrayBuffer"))
    }
    case "FormData":
      return Effect.fail(encodeError(request, "mock exchange: Bybit V5 takes JSON bodies, not FormData"))
    case "Stream":
      return body.stream.pipe(
        Stream.runFold(
          () => ({ chunks: [] as Array<Uint8Array>, size: 0 }),
          (acc, chunk: Uint8Array) => {
            acc.size += chunk.length
            if (acc.size <= cap) acc.chunks.push(chunk)
            else acc.chunks.length = 0
            return acc
          }
        ),
        Effect.map(
          ({ chunks, size }): Body => (size > cap ? { body: "", bodyBytes: size } : { body: Buffer.concat(chunks) })
        ),
        Effect.mapError((cause) =>
          encodeError(
            request,
            `mock exchange: the body stream failed: ${String((cause as { message?: unknown }).message ?? cause)}`
          )
        )
      )
  }
}

const layer = (options: LayerOptions): Layer.Layer<HttpClient.HttpClient | MockExchange, Cause.IllegalArgumentError> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const { clock: clockOption, baseUrl, ...rest } = options
      // Under a TestClock (at 0 in a fresh one, in 1970; elsewhere in one a previous test moved), the
      // program's clock and the exchange's could be years apart, which the client rightly refuses
      // as an implausible server time: start the TestClock where the exchange starts, as the two
      // clocks agree in production.
      const current = yield* Effect.clockWith(Effect.succeed)
      if (isTestClock(current)) {
        const start = typeof clockOption === "object" ? clockOption.now() : (rest.now ?? Date.now())
        const at = current.currentTimeMillisUnsafe()
        if (at === 0 || Math.abs(at - start) > DAY_MS) yield* current.setTime(start)
      }
      const effectClock = clockOption === "effect" ? current : undefined
      const { origins, service } = yield* Effect.try({
        try: () => {
          const origins = new Set(BYBIT_ORIGINS)
          if (baseUrl !== undefined) origins.add(new URL(baseUrl).origin)
          const { now, ...others } = rest
          const exchangeOptions: MockExchangeOptions =
            effectClock !== undefined
              ? { ...others, clock: followEffectClock(effectClock, now) }
              : {
                  ...others,
                  ...(now === undefined ? {} : { now }),
                  ...(clockOption === undefined || clockOption === "effect" ? {} : { clock: clockOption })
                }
          return { origins, service: makeExchange(exchangeOptions) }
        },
        catch: (error) =>
          new Cause.IllegalArgumentError(
            `MockExchange.layer: ${error instanceof Error ? error.message : String(error)}`
          )
      })
      const sleep = effectClock !== undefined ? (ms: number) => Effect.sleep(ms) : wallSleep

      const respond = (
        request: HttpClientRequest.HttpClientRequest,
        url: URL,
        answer: MockAnswer
      ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
        if (answer._tag === "Delay") {
          return Effect.andThen(
            sleep(answer.ms),
            Effect.suspend(() => respond(request, url, answer.resume()))
          )
        }
        // The answer comes on a later turn, as from any real transport: a caller that runs while
        // a request is out (a second cancel of the same id) sees it in flight.
        return Effect.andThen(
          Effect.yieldNow,
          answer._tag === "NetworkError"
            ? networkError(request, answer)
            : Effect.succeed(toClientResponse(request, url, answer))
        )
      }

      const answer = (
        request: HttpClientRequest.HttpClientRequest
      ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
        const built = HttpClientRequest.toUrl(request)
        if (built._tag === "None") {
          return Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.InvalidUrlError({ request, description: "the request's URL is invalid" })
            })
          )
        }
        const url = built.value
        if (!origins.has(url.origin)) {
          return Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.InvalidUrlError({
                request,
                description: `MockExchange.layer answers only Bybit hosts and the configured baseUrl, not ${url.origin}; nothing was sent`
              })
            })
          )
        }
        const answered = Effect.flatMap(bodyOf(request, service.limits.maxBodyBytes), ({ body, bodyBytes }) =>
          respond(
            request,
            url,
            service.handle({
              method: request.method,
              path: url.pathname,
              query: url.search.startsWith("?") ? url.search.slice(1) : "",
              headers: {
                get: (name) => request.headers[name.toLowerCase()],
                forEach: (callback) => {
                  for (const [name, value] of Object.entries(request.headers)) callback(value, name)
                }
              },
              body,
              bodyBytes
            })
          )
        )
        // The span a real transport makes (its name and kind), with the attributes that locate the
        // call; none where `HttpClient.TracerDisabledWhen` says so, as a real transport does (the
        // client turns it off for its own requests and makes its own span).
        return Effect.flatMap(HttpClient.TracerDisabledWhen, (disabled) =>
          disabled(request)
            ? answered
            : Effect.withSpan(answered, request.method, {
                kind: "client",
                attributes: { "http.request.method": request.method, "url.full": url.href },
                captureStackTrace: false
              })
        )
      }
      // Not HttpClient.make: nothing here needs its AbortController or its FinalizationRegistry entry
      // per response (the layer's speed goal is 1/4 of MSW + fetch); the span is kept, lighter.
      const client = HttpClient.makeWith(
        (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(effect, answer),
        Effect.succeed
      )
      return Context.make(MockExchange, service).pipe(
        Context.add(HttpClient.HttpClient, client as HttpClient.HttpClient)
      )
    })
  )

const networkError = (request: HttpClientRequest.HttpClientRequest, _: MockNetworkError) =>
  Effect.fail(
    new HttpClientError.HttpClientError({
      reason: new HttpClientError.TransportError({
        request,
        description: "mock exchange: connection reset (an injected DropConnection or LoseResponse fault)"
      })
    })
  )
