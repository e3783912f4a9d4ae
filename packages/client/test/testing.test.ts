// MockExchange.layer (`@effect-bybit/client/testing`): the client against an in-process exchange,
// with no MSW and no socket in this file at all.
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Clock, Effect, Fiber, Layer, Redacted, Stream, Tracer } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const NOW = 1_700_000_000_000
const CANCEL = "/v5/asset/withdraw/cancel"

const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })

/** The client on the test layer; the exchange starts at NOW and moves with the TestClock. */
const testLayer = (options: Partial<BybitConfig.Options> = {}) =>
  BybitClient.layer({ credentials, environment: "testnet", ...options }).pipe(
    Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" }))
  )

describe("MockExchange.layer", () => {
  it.effect("cancels through BybitClient, answered in process by the exchange it provides", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
      expect(result.status).toBe("cancelled")
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
      expect(exchange.requests().map((r) => [r.path, r.retCode])).toEqual([
        ["/v5/market/time", 0],
        [CANCEL, 0]
      ])
      // Signed at the exchange's time: the clock sync read NOW through the layer (TestClock is at 0).
      expect(exchange.requests()[1]?.time).toBe(NOW)
    }).pipe(Effect.provide(testLayer()))
  )

  it.effect("answers on a later turn, as a real transport: concurrent cancels of one id share one request", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const results = yield* Effect.forEach([1, 2, 3], () => Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }), {
        concurrency: "unbounded"
      })
      expect(results.map((r) => r.status)).toEqual(["cancelled", "cancelled", "cancelled"])
      expect(exchange.requests().filter((r) => r.path === CANCEL)).toHaveLength(1)
    }).pipe(Effect.provide(testLayer()))
  )

  it.effect("each layer build is a fresh exchange", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      expect(exchange.requests()).toEqual([])
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    }).pipe(Effect.provide(testLayer()))
  )

  const clocks = Effect.gen(function* () {
    const exchange = yield* MockExchange
    return { local: yield* Clock.currentTimeMillis, exchange: exchange.clock.now() }
  })

  it.effect("an untouched TestClock starts at the exchange's now", () =>
    Effect.gen(function* () {
      const seen = yield* clocks.pipe(Effect.provide(MockExchange.layer({ now: 1_700_000_000_000 })))
      expect(seen).toEqual({ local: 1_700_000_000_000, exchange: 1_700_000_000_000 })
    })
  )

  it.effect("an untouched TestClock followed by the exchange starts at the real time", () =>
    Effect.gen(function* () {
      const before = Date.now()
      const seen = yield* clocks.pipe(Effect.provide(MockExchange.layer({ clock: "effect" })))
      expect(seen.local).toBeGreaterThanOrEqual(before)
      expect(seen.exchange).toBe(seen.local)
    })
  )

  it.effect("a clock following a TestClock at a fraction of a ms reads whole ms, as Bybit's times are", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const start = exchange.clock.now()
      yield* TestClock.adjust("1.7 millis")
      expect(exchange.clock.now()).toBe(start + 1)
      yield* TestClock.adjust("0.4 millis")
      expect(exchange.clock.now()).toBe(start + 2)
      exchange.clock.advance(0.5)
      expect(Number.isInteger(exchange.clock.now())).toBe(true)
    }).pipe(Effect.provide(MockExchange.layer({ clock: "effect", now: 1_700_000_000_000 })))
  )

  it.effect("a TestClock the test has moved within 24 hours of the exchange is left where it is", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000 - 3_600_000)
      const seen = yield* clocks.pipe(Effect.provide(MockExchange.layer({ now: 1_700_000_000_000 })))
      expect(seen).toEqual({ local: 1_700_000_000_000 - 3_600_000, exchange: 1_700_000_000_000 })
    })
  )

  it.effect("a TestClock years from the exchange (a test before this one moved it) is set to its start", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_600_000_000_000)
      const seen = yield* clocks.pipe(Effect.provide(MockExchange.layer({ now: 1_700_000_000_000 })))
      expect(seen).toEqual({ local: 1_700_000_000_000, exchange: 1_700_000_000_000 })
    })
  )

  it.effect("injected faults reach the client: a 502 page is ExchangeUnavailable and the state is untouched", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "ServerErrorHtml", status: 502 }, { path: CANCEL })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      expect(error._tag).toBe("ExchangeUnavailable")
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
      const cancels = exchange.requests().filter((r) => r.path === CANCEL)
      expect(cancels).toHaveLength(1)
      expect(cancels[0]).toMatchObject({ httpStatus: 502, fault: "ServerErrorHtml" })
    }).pipe(Effect.provide(testLayer({ retry: false })))
  )

  it.effect("a lost response is a Transport RequestError to the client, which confirms the cancel on retry", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL })
      const fiber = yield* Effect.forkChild(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      yield* TestClock.adjust("30 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result).toMatchObject({ status: "cancelled", confirmedAfterRetry: true })
      expect(
        exchange
          .requests()
          .filter((r) => r.path === CANCEL)
          .map((r) => r.httpStatus)
      ).toEqual([0, 200])
    }).pipe(Effect.provide(testLayer()))
  )

  it.effect("a 503 outage retried with backoff finishes on the TestClock, the exchange's clock moving along", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: CANCEL, times: 3 })
      const fiber = yield* Effect.forkChild(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      // Without this the backoff sleeps would never end: no real time is waited.
      yield* TestClock.adjust("30 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result.status).toBe("cancelled")
      const cancels = exchange.requests().filter((r) => r.path === CANCEL)
      expect(cancels.map((r) => r.httpStatus)).toEqual([503, 503, 503, 200])
      // Each retry arrived later on the exchange's clock, which follows the TestClock.
      const times = cancels.map((r) => r.time)
      expect(times[0]).toBe(NOW)
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!)
      expect(exchange.clock.now()).toBe(NOW + 30_000)
    }).pipe(Effect.provide(testLayer()))
  )

  it.effect("a Latency fault sleeps on Effect's clock when the exchange follows it", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "Latency", ms: 5_000 }, { path: CANCEL })
      const fiber = yield* Effect.forkChild(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      yield* TestClock.adjust("4 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      expect(result.status).toBe("cancelled")
      // The answer was made after the delay, on the moved clock.
      expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.updateTime).toBe(NOW + 5_000)
    }).pipe(Effect.provide(testLayer({ timeout: "1 hour" })))
  )

  it.effect("a request to a host that is not Bybit's fails loudly, and reaches nothing", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const client = yield* HttpClient.HttpClient
      for (const url of ["https://example.com/v5/market/time", "http://api.bybit.com/v5/market/time"]) {
        const error = yield* Effect.flip(client.get(url))
        expect(error.reason._tag).toBe("InvalidUrlError")
        expect(error.message).toContain("MockExchange.layer answers only Bybit hosts and the configured baseUrl")
        expect(error.message).toContain(new URL(url).origin)
      }
      expect(exchange.requests()).toEqual([])
      // Bybit's hosts are answered (here the unknown-route envelope of the exchange, not the network).
      const response = yield* client.get("https://api.bybit.eu/v5/nothing-here")
      expect(response.status).toBe(404)
      const json = (yield* response.json) as { retCode?: unknown }
      expect(typeof json.retCode === "number" && json.retCode !== 0).toBe(true)
      expect(exchange.requests().map((r) => r.path)).toEqual(["/v5/nothing-here"])
    }).pipe(Effect.provide(MockExchange.layer()))
  )

  it.effect("a configured baseUrl is answered too; the client's own baseUrl then works", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
      expect(result.status).toBe("cancelled")
      expect(exchange.requests()).toHaveLength(2)
    }).pipe(
      Effect.provide(
        BybitClient.layer({ credentials, baseUrl: "http://127.0.0.1:4010" }).pipe(
          Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect", baseUrl: "http://127.0.0.1:4010/" }))
        )
      )
    )
  )

  it.effect("streamed and raw bodies are read as a transport would send them", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const client = yield* HttpClient.HttpClient
      const body = new TextEncoder().encode('{"id":"10197"}')
      const streamed = HttpClientRequest.post("https://api.bybit.com/v5/asset/withdraw/cancel").pipe(
        HttpClientRequest.bodyStream(Stream.make(body.slice(0, 5), body.slice(5)), {
          contentType: "application/json"
        })
      )
      const response = yield* client.execute(streamed)
      // Unsigned, so an auth error (HTTP 401); what matters is that the body arrived whole.
      expect(response.status).toBe(401)
      expect(exchange.requests()[0]?.body).toBe('{"id":"10197"}')
      expect(exchange.requests()[0]?.bodyBytes).toBe(body.length)
    }).pipe(Effect.provide(MockExchange.layer()))
  )

  it.effect("each request is an http.client span of kind client, as with a real transport", () =>
    Effect.gen(function* () {
      const native = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const recording = Tracer.make({
        span: (...args: Parameters<Tracer.Tracer["span"]>) => {
          const span = native.span(...args)
          spans.push(span)
          return span
        },
        context: native.context
      })
      const client = yield* HttpClient.HttpClient
      yield* client.get("https://api.bybit.com/v5/market/time").pipe(Effect.withTracer(recording))
      const span = spans.find((s) => s.name === "GET")
      expect(span?.kind).toBe("client")
      expect(span?.attributes.get("url.full")).toBe("https://api.bybit.com/v5/market/time")
      expect(span?.status._tag).toBe("Ended")
    }).pipe(Effect.provide(MockExchange.layer()))
  )

  it.effect("bodies over maxBodyBytes get 413, streamed ones too, without being kept", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const client = yield* HttpClient.HttpClient
      const url = "https://api.bybit.com/v5/asset/withdraw/cancel"
      const whole = yield* client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyText("x".repeat(65))))
      expect(whole.status).toBe(413)
      const chunk = new Uint8Array(40).fill(0x78)
      const streamed = yield* client.execute(
        HttpClientRequest.post(url).pipe(HttpClientRequest.bodyStream(Stream.make(chunk, chunk, chunk)))
      )
      expect(streamed.status).toBe(413)
      expect(((yield* streamed.json) as { retMsg: string }).retMsg).toContain("120 bytes")
      expect(exchange.requests().map((r) => [r.httpStatus, r.body, r.bodyBytes])).toEqual([
        [413, "", 65],
        [413, "", 120]
      ])
    }).pipe(Effect.provide(MockExchange.layer({ maxBodyBytes: 64 })))
  )

  it.effect("bad options fail the layer with IllegalArgumentError", () =>
    Effect.gen(function* () {
      const badUrl = yield* Effect.flip(Layer.build(MockExchange.layer({ baseUrl: "not a url" })).pipe(Effect.scoped))
      expect(badUrl._tag).toBe("IllegalArgumentError")
      expect(badUrl.message).toContain("MockExchange.layer")
      const badBound = yield* Effect.flip(Layer.build(MockExchange.layer({ maxBodyBytes: -1 })).pipe(Effect.scoped))
      expect(badBound.message).toContain("maxBodyBytes")
    })
  )
})
