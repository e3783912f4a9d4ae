import { inspect } from "node:util"
import { Headers } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, Effect, Exit, Logger, Option, Redacted, Tracer } from "effect"
import { BybitConfig, Withdrawals } from "../src/index.js"
import { clientLayer, freshExchange, runMovingClocks, server, useMsw } from "./support.js"

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

      // The tree: Withdrawals.cancel > the platform's http.client spans (one per attempt, as the
      // platform makes them), and the lookup that settled the cancel under Withdrawals.settleCancel.
      const [cancel, ...otherCancels] = byName(spans, "Withdrawals.cancel")
      expect(otherCancels).toHaveLength(0)
      expect(cancel!.attributes.get("bybit.withdrawal.id")).toBe("10197")
      const [settle] = byName(spans, "Withdrawals.settleCancel")
      expect(parentOf(spans, settle!)).toBe(cancel)
      const httpSpans = spans.filter((span) => span.name.startsWith("http.client"))
      const posts = httpSpans.filter((span) => span.name === "http.client POST")
      expect(posts).toHaveLength(2)
      for (const post of posts) expect(parentOf(spans, post)).toBe(cancel)
      const lookups = httpSpans.filter((span) => String(span.attributes.get("url.path")).includes("query-record"))
      expect(lookups).toHaveLength(1)
      expect(parentOf(spans, lookups[0]!)).toBe(settle)
      const signed = httpSpans.filter((span) => span.attributes.has("http.request.header.x-bapi-sign"))
      expect(signed.length).toBe(3) // two cancels and the lookup; the server time is unsigned
      for (const httpSpan of signed) {
        expect(httpSpan.kind).toBe("client")
        expect(httpSpan.attributes.get("http.request.header.x-bapi-sign")).toBe("<redacted>")
        expect(httpSpan.attributes.get("http.request.header.x-bapi-api-key")).toBe("<redacted>")
      }

      // No secret, no API key, no signature (in either case) anywhere in what was recorded.
      expect(signatures).toHaveLength(3)
      const text = serialize(spans)
      expect(text).toContain("http.request.header.x-bapi-sign") // the header attributes were searched
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

  it.effect("logs nothing at the default minimum level (Info)", () =>
    Effect.gen(function* () {
      const { lines, layer } = capture()
      freshExchange()
      yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(clientLayer()), Effect.provide(layer))
      expect(lines).toEqual([])
    })
  )
})
