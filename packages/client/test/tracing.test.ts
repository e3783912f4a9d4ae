import { inspect } from "node:util"
import { Headers } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, Effect, Exit, Logger, LogLevel, Option, Redacted, Tracer } from "effect"
import { BybitConfig, Withdrawals } from "../src/index.js"
import { clientLayer, freshExchange, hmacCredentials, runMovingClocks, server, useMsw } from "./support.js"

useMsw()

const CANCEL = "/v5/asset/withdraw/cancel"

/** One ended span as a tracer sees it: every attribute, every event, and how it ended. */
interface Recorded {
  readonly name: string
  readonly spanId: string
  readonly parentId: string | undefined
  readonly kind: Tracer.SpanKind
  readonly attributes: ReadonlyMap<string, unknown>
  readonly events: ReadonlyArray<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }>
  readonly exit: Exit.Exit<unknown, unknown>
}

/** A tracer that keeps every span it is given (the real span tree of the program, not a summary). */
const makeRecordingTracer = () => {
  const spans: Array<Recorded> = []
  let ids = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const events: Array<Recorded["events"][number]> = []
      const spanId = `span-${++ids}`
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          spans.push({
            name,
            spanId,
            parentId: Option.isSome(parent) ? parent.value.spanId : undefined,
            kind,
            attributes,
            events,
            exit
          })
        },
        attribute: (key, value) => {
          attributes.set(key, value)
        },
        event: (eventName, _time, eventAttributes) => {
          events.push({ name: eventName, attributes: eventAttributes })
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/**
 * Everything a tracer could export of the spans: names, every attribute and event (as JSON and as
 * `inspect` shows them) and, for a failed span, its cause as text (what exporters record).
 */
const serialize = (spans: ReadonlyArray<Recorded>): string =>
  spans
    .map((span) =>
      [
        span.name,
        JSON.stringify([...span.attributes]),
        inspect([...span.attributes], { depth: 10 }),
        JSON.stringify(span.events),
        inspect(span.events, { depth: 10 }),
        Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : ""
      ].join("\n")
    )
    .join("\n")

/** Captures the `X-BAPI-SIGN` of every request that reached the mock (what was really sent). */
const captureSignatures = (): Array<string> => {
  const signatures: Array<string> = []
  server.events.on("request:start", ({ request }) => {
    const sign = request.headers.get("x-bapi-sign")
    if (sign !== null) signatures.push(sign)
  })
  return signatures
}

const byName = (spans: ReadonlyArray<Recorded>, name: string) => spans.filter((span) => span.name === name)
const parentOf = (spans: ReadonlyArray<Recorded>, span: Recorded) => spans.find((s) => s.spanId === span.parentId)

describe("tracing", () => {
  it.effect("records the span tree of a cancel whose answer was lost, with every credential header redacted", () =>
    Effect.gen(function* () {
      const { spans, tracer } = makeRecordingTracer()
      const signatures = captureSignatures()
      const exchange = freshExchange()
      // Attempt 1 cancels but its answer is lost; attempt 2 hears 131099; the lookup confirms.
      exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL, times: 1 })
      const { exit } = yield* runMovingClocks(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(clientLayer({ timeout: "1 hour" })),
          Effect.withTracer(tracer)
        ),
        exchange
      )
      server.events.removeAllListeners()
      expect(Exit.isSuccess(exit) && exit.value.confirmedAfterRetry).toBe(true)

      // The tree: Withdrawals.cancel > BybitClient.request (one per attempt) > http.client.
      const [cancel, ...otherCancels] = byName(spans, "Withdrawals.cancel")
      expect(otherCancels).toHaveLength(0)
      expect(cancel!.attributes.get("bybit.withdrawal.id")).toBe("10197")
      expect(cancel!.attributes.get("bybit.confirmed_after_retry")).toBe(true)

      const attempts = byName(spans, "BybitClient.request")
      const cancelAttempts = attempts.filter((span) => span.attributes.get("url.path") === CANCEL)
      expect(cancelAttempts.map((span) => span.attributes.get("bybit.attempt"))).toEqual([1, 2])
      for (const attempt of cancelAttempts) {
        expect(parentOf(spans, attempt)).toBe(cancel)
        expect(attempt.attributes.get("http.request.method")).toBe("POST")
      }
      // Attempt 1: no answer reached the client. Attempt 2: HTTP 200 with retCode 131099.
      expect(cancelAttempts[0]!.attributes.has("http.response.status_code")).toBe(false)
      expect(Exit.isFailure(cancelAttempts[0]!.exit)).toBe(true)
      expect(cancelAttempts[1]!.attributes.get("http.response.status_code")).toBe(200)
      expect(cancelAttempts[1]!.attributes.get("bybit.ret_code")).toBe(131099)
      expect(cancelAttempts[1]!.attributes.get("bybit.rate_limit.limit")).toBe(60)
      expect(typeof cancelAttempts[1]!.attributes.get("bybit.rate_limit.remaining")).toBe("number")

      // The lookup that confirmed the cancel: GET query-record, retCode 0, under confirmCancel.
      const [confirm] = byName(spans, "Withdrawals.confirmCancel")
      expect(parentOf(spans, confirm!)).toBe(cancel)
      const lookup = attempts.find((span) => span.attributes.get("url.path") === "/v5/asset/withdraw/query-record")
      expect(parentOf(spans, lookup!)).toBe(confirm)
      expect(lookup!.attributes.get("http.request.method")).toBe("GET")
      expect(lookup!.attributes.get("bybit.ret_code")).toBe(0)
      expect(lookup!.attributes.get("bybit.attempt")).toBe(1)

      // The platform's http.client spans are kept: one per attempt, under it; a retry's carries
      // its number too (a first attempt's only on its parent).
      const httpSpans = spans.filter((span) => span.name.startsWith("http.client"))
      expect(httpSpans.length).toBe(attempts.length)
      for (const httpSpan of httpSpans) {
        const parent = parentOf(spans, httpSpan)
        expect(parent?.name).toBe("BybitClient.request")
        expect(httpSpan.kind).toBe("client")
        expect(httpSpan.attributes.get("bybit.attempt") ?? 1).toBe(parent!.attributes.get("bybit.attempt"))
      }
      expect(httpSpans.filter((span) => span.attributes.get("bybit.attempt") === 2)).toHaveLength(1)
      const signed = httpSpans.filter((span) => span.attributes.has("http.request.header.x-bapi-sign"))
      expect(signed.length).toBe(3) // two cancels and the lookup; the server time is unsigned
      for (const httpSpan of signed) {
        expect(httpSpan.attributes.get("http.request.header.x-bapi-sign")).toBe("<redacted>")
        expect(httpSpan.attributes.get("http.request.header.x-bapi-api-key")).toBe("<redacted>")
        // Every header value is redacted (a server may echo anything under any name); what one
        // checks on a 10002 is on the attempt's own span, from the values the client signed.
        expect(httpSpan.attributes.get("http.request.header.x-bapi-timestamp")).toBe("<redacted>")
        const parent = parentOf(spans, httpSpan)!
        expect(String(parent.attributes.get("bybit.timestamp"))).toMatch(/^\d{13}$/)
        expect(parent.attributes.get("bybit.recv_window")).toBe(5000)
      }

      // No secret, no API key, no signature (in either case) anywhere in what was recorded.
      expect(signatures).toHaveLength(3)
      const text = serialize(spans)
      expect(text).toContain("http.request.header.x-bapi-sign") // the header attributes were searched
      expect(text).toContain("TransportError") // and the failed attempt's cause
      for (const needle of [MOCK_API_SECRET, MOCK_API_KEY, ...signatures]) {
        expect(text).not.toContain(needle)
        expect(text.toLowerCase()).not.toContain(needle.toLowerCase())
        expect(text.toUpperCase()).not.toContain(needle.toUpperCase())
      }
    })
  )

  it.effect("redacts an RSA key's signature (base64) the same way", () =>
    Effect.gen(function* () {
      const { spans, tracer } = makeRecordingTracer()
      const signatures = captureSignatures()
      freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(
          clientLayer({
            credentials: BybitConfig.rsa({
              apiKey: MOCK_RSA_API_KEY,
              rsaPrivateKey: Redacted.make(mockRsaPrivateKeyPem())
            })
          })
        ),
        Effect.withTracer(tracer)
      )
      server.events.removeAllListeners()
      expect(result.confirmedAfterRetry).toBe(false)
      expect(byName(spans, "Withdrawals.cancel")[0]!.attributes.get("bybit.confirmed_after_retry")).toBe(false)
      expect(signatures).toHaveLength(1)
      expect(signatures[0]).toMatch(/^[A-Za-z0-9+/]+=*$/)
      const text = serialize(spans)
      expect(text).toContain("'http.request.header.x-bapi-sign', '<redacted>'")
      for (const needle of [MOCK_RSA_API_KEY, ...signatures]) {
        expect(text).not.toContain(needle)
        expect(text.toLowerCase()).not.toContain(needle.toLowerCase())
      }
      // A fragment of the signature is not there either (a truncated attribute would still leak).
      expect(text).not.toContain(signatures[0]!.slice(0, 24))
    })
  )

  it.effect("keeps the redaction names the program already had, and adds to them", () =>
    Effect.gen(function* () {
      const { spans, tracer } = makeRecordingTracer()
      freshExchange()
      yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(clientLayer()),
        Effect.withTracer(tracer),
        // The program redacts content-type too (any header it considers private).
        Effect.locally(Headers.currentRedactedNames, ["content-type"])
      )
      const [httpSpan] = spans.filter((span) => span.name === "http.client POST")
      expect(httpSpan!.attributes.get("http.request.header.content-type")).toBe("<redacted>")
      expect(httpSpan!.attributes.get("http.request.header.x-bapi-sign")).toBe("<redacted>")
      expect(httpSpan!.attributes.get("http.request.header.x-bapi-api-key")).toBe("<redacted>")
    })
  )
})

describe("traceRequests: false", () => {
  it.effect("keeps only the operation spans (no span per attempt, no http.client span)", () =>
    Effect.gen(function* () {
      const { spans, tracer } = makeRecordingTracer()
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: CANCEL, times: 1 })
      const { exit } = yield* runMovingClocks(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(clientLayer({ traceRequests: false, timeout: "1 hour" })),
          Effect.withTracer(tracer)
        ),
        exchange
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(exchange.requests().filter((r) => r.path === CANCEL)).toHaveLength(2)
      expect(spans.map((span) => span.name)).toEqual(["Withdrawals.cancel"])
      expect(spans[0]!.attributes.get("bybit.confirmed_after_retry")).toBe(false)
      expect(spans[0]!.attributes.has("bybit.attempt")).toBe(false)
    })
  )
})

describe("request logging", () => {
  const capture = () => {
    const lines: Array<{ readonly level: string; readonly message: string; readonly annotations: string }> = []
    const logger = Logger.make(({ annotations, logLevel, message }) => {
      lines.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message.join(" ") : String(message),
        annotations: inspect([...annotations], { depth: 5 })
      })
    })
    return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
  }

  it.effect("logs one Debug line per attempt (method, path, status, retCode, ms) when Debug is enabled", () =>
    Effect.gen(function* () {
      const { lines, layer } = capture()
      const signatures = captureSignatures()
      freshExchange()
      yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(clientLayer()),
        Effect.provide(layer),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      server.events.removeAllListeners()
      const requests = lines.filter((line) => line.message.startsWith("Bybit "))
      expect(requests.map((line) => line.message.replace(/\d+ ms/, "N ms"))).toEqual([
        "Bybit GET /v5/market/time: HTTP 200, retCode 0, N ms",
        `Bybit POST ${CANCEL}: HTTP 200, retCode 0, N ms`
      ])
      expect(requests.every((line) => line.level === "DEBUG")).toBe(true)
      expect(requests[1]!.annotations).toContain("'bybit.duration_ms'")
      expect(requests[1]!.annotations).toContain(`'url.path', '${CANCEL}'`)
      const text = inspect(lines, { depth: 10 })
      for (const needle of [MOCK_API_SECRET, MOCK_API_KEY, ...signatures]) expect(text).not.toContain(needle)
      expect(text.toLowerCase()).not.toContain("x-bapi")
    })
  )

  it.effect("logs every attempt with traceRequests: false too, each with its own answer", () =>
    Effect.gen(function* () {
      const { lines, layer } = capture()
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "DropConnection" }, { path: CANCEL, times: 1 })
      const { exit } = yield* runMovingClocks(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(clientLayer({ traceRequests: false, timeout: "1 hour" })),
          Effect.provide(layer),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        ),
        exchange
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      // The failed attempt is reported once, by the client: not again as an "unhandled" fiber error.
      expect(lines.map((line) => line.message)).not.toContain("Fiber terminated with an unhandled error")
      const requests = lines.filter((line) => line.message.startsWith("Bybit POST"))
      expect(requests.map((line) => line.message.replace(/\d+ ms/, "N ms"))).toEqual([
        `Bybit POST ${CANCEL}: no HTTP answer, N ms (TransportError)`,
        `Bybit POST ${CANCEL}: HTTP 200, retCode 0, N ms`
      ])
    })
  )

  it.effect("names the error of a failed attempt", () =>
    Effect.gen(function* () {
      const { lines, layer } = capture()
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "RetCode", retCode: 10005 }, { path: CANCEL })
      yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(clientLayer({ timeSync: false, credentials: hmacCredentials() })),
          Effect.provide(layer),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      expect(lines.map((line) => line.message.replace(/\d+ ms/, "N ms"))).toContain(
        `Bybit POST ${CANCEL}: HTTP 200, retCode 10005, N ms (PermissionDenied)`
      )
    })
  )

  it.effect("logs nothing at the default minimum level (Info)", () =>
    Effect.gen(function* () {
      const { lines, layer } = capture()
      freshExchange()
      yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(clientLayer()), Effect.provide(layer))
      expect(lines).toEqual([])
    })
  )
})
