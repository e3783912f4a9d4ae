/**
 * `@effect-bybit/client/testing`: a fresh mock exchange answering `HttpClient.HttpClient` in
 * process, and the exchange itself as the `MockExchange` service.
 *
 * @since 0.1.0
 */
import {
  BYBIT_ORIGINS,
  type Exchange,
  type MockAnswer,
  type MockClock,
  type MockExchangeOptions,
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
   * `"effect"`: the exchange follows Effect's `Clock` from `now` (`TestClock.adjust` moves both,
   * `Latency` sleeps on it). Default: frozen at `now`, or `Date.now()`. A `TestClock` at 0 or a
   * day off is first set to the exchange's time.
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
   * A fresh exchange and the `HttpClient` it answers. Another origin fails with an `HttpClientError`
   * (`InvalidUrlError`), an injected network fault with `TransportError`; bad options with
   * `Cause.IllegalArgumentError`.
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

// Whole ms, as Bybit's times are: a TestClock moved by a jittered sleep sits at a fraction of a ms,
// and a fractional `X-Bapi-Limit-Reset-Timestamp` is rightly refused by the client.
const followEffectClock = (clock: Clock.Clock, start?: number): MockClock => {
  let offset = start === undefined ? 0 : start - clock.currentTimeMillisUnsafe()
  return {
    now: () => Math.floor(clock.currentTimeMillisUnsafe() + offset),
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

const failWith = (
  request: HttpClientRequest.HttpClientRequest,
  Reason:
    | typeof HttpClientError.EncodeError
    | typeof HttpClientError.InvalidUrlError
    | typeof HttpClientError.TransportError,
  description: string
) => Effect.fail(new HttpClientError.HttpClientError({ reason: new Reason({ request, description }) }))

/**
 * The body's raw bytes (or text), as a transport puts them on the wire. A streamed body is
 * collected up to `cap` bytes; past it only its size is kept (the exchange answers 413).
 */
const bodyOf = (
  request: HttpClientRequest.HttpClientRequest,
  cap: number
): Effect.Effect<
  { readonly body: Uint8Array | string; readonly bodyBytes?: number },
  HttpClientError.HttpClientError
> => {
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
      return failWith(
        request,
        HttpClientError.EncodeError,
        "mock exchange: a Raw body must be a string, Uint8Array or ArrayBuffer"
      )
    }
    case "FormData":
      return failWith(request, HttpClientError.EncodeError, "mock exchange: Bybit V5 takes JSON bodies, not FormData")
    case "Stream": {
      const chunks: Array<Uint8Array> = []
      let size = 0
      return Stream.runForEach(body.stream, (chunk: Uint8Array) =>
        Effect.sync(() => {
          size += chunk.length
          if (size <= cap) chunks.push(chunk)
          else chunks.length = 0
        })
      ).pipe(
        Effect.map(() => (size > cap ? { body: "", bodyBytes: size } : { body: Buffer.concat(chunks) })),
        Effect.catch((cause) =>
          failWith(
            request,
            HttpClientError.EncodeError,
            `mock exchange: the body stream failed: ${String((cause as { message?: unknown }).message ?? cause)}`
          )
        )
      )
    }
  }
}

const layer = (options: LayerOptions): Layer.Layer<HttpClient.HttpClient | MockExchange, Cause.IllegalArgumentError> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const { clock: clockOption, baseUrl, ...rest } = options
      // A TestClock (at 0 in a fresh one, or years off in one a previous test moved) starts where
      // the exchange starts, as the two clocks agree in production: the client refuses a server
      // time 24 hours off.
      const current = yield* Effect.clockWith(Effect.succeed)
      if (isTestClock(current)) {
        const start = typeof clockOption === "object" ? clockOption.now() : (rest.now ?? Date.now())
        const at = current.currentTimeMillisUnsafe()
        if (at === 0 || Math.abs(at - start) > DAY_MS) yield* current.setTime(start)
      }
      const { origins, service } = yield* Effect.try({
        try: () => {
          const { now, ...others } = rest
          const service = makeExchange(
            clockOption === "effect"
              ? { ...others, clock: followEffectClock(current, now) }
              : { ...rest, ...(clockOption === undefined ? {} : { clock: clockOption }) }
          )
          return {
            origins: new Set([...BYBIT_ORIGINS, ...(baseUrl === undefined ? [] : [new URL(baseUrl).origin])]),
            service
          }
        },
        catch: (error) =>
          new Cause.IllegalArgumentError(
            `MockExchange.layer: ${error instanceof Error ? error.message : String(error)}`
          )
      })
      const sleep = clockOption === "effect" ? (ms: number) => Effect.sleep(ms) : wallSleep

      const respond = (
        request: HttpClientRequest.HttpClientRequest,
        url: URL,
        answer: MockAnswer
      ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
        answer._tag === "Delay"
          ? Effect.andThen(
              sleep(answer.ms),
              Effect.suspend(() => respond(request, url, answer.resume()))
            )
          : // On a later turn, as from any real transport: a second cancel of the same id sees the first in flight.
            Effect.andThen(
              Effect.yieldNow,
              answer._tag === "NetworkError"
                ? failWith(
                    request,
                    HttpClientError.TransportError,
                    "mock exchange: connection reset (an injected DropConnection or LoseResponse fault)"
                  )
                : Effect.succeed(toClientResponse(request, url, answer))
            )

      const answer = (
        request: HttpClientRequest.HttpClientRequest
      ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
        const built = HttpClientRequest.toUrl(request)
        if (built._tag === "None") {
          return failWith(request, HttpClientError.InvalidUrlError, "the request's URL is invalid")
        }
        const url = built.value
        if (!origins.has(url.origin)) {
          return failWith(
            request,
            HttpClientError.InvalidUrlError,
            `MockExchange.layer answers only Bybit hosts and the configured baseUrl, not ${url.origin}; nothing was sent`
          )
        }
        const answered = Effect.flatMap(bodyOf(request, service.limits.maxBodyBytes), ({ body, bodyBytes }) =>
          respond(
            request,
            url,
            service.handle({
              method: request.method,
              path: url.pathname,
              query: url.search.slice(1),
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
        // The span a real transport makes, unless `HttpClient.TracerDisabledWhen` says not to (the
        // client does so for its own requests and makes its own span).
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
      // Not HttpClient.make: no AbortController or FinalizationRegistry entry per response is needed
      // here (the layer's speed goal is 1/4 of MSW + fetch).
      const client = HttpClient.makeWith(
        (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(effect, answer),
        Effect.succeed
      )
      return Context.make(MockExchange, service).pipe(
        Context.add(HttpClient.HttpClient, client as HttpClient.HttpClient)
      )
    })
  )
