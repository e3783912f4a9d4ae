import { inspect } from "node:util"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { defaultSeed, MOCK_UID } from "@effect-bybit/mock-exchange"
import { Cause, Effect, Exit, Layer, Logger, LogLevel, Redacted, Tracer } from "effect"
import { HttpResponse, http } from "msw"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { alignTestClock, BASE_URL, freshExchange, runMovingClocks, server, useMsw } from "./support.js"

useMsw()

const SECRET = "S3cr3t-Value-For-The-Leak-Test-0123456789"
const KEY = "leak-test-key"
const CANCEL = "/v5/asset/withdraw/cancel"

/** Everything the program could show a person: log lines (with causes), span attributes and events. */
const makeSinks = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    lines.push(
      `${logLevel.label} ${inspect(message, { depth: 10 })} ${inspect([...annotations], { depth: 10 })} ${Cause.pretty(cause)}`
    )
  })
  const spans: Array<string> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, _startTime, kind) => {
      const attributes = new Map<string, unknown>()
      let ids = 0
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${++ids}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime: 0n },
        attributes,
        links,
        sampled: true,
        kind,
        // What a tracer exports of an ended span: its attributes and, for a failure, the cause as
        // text (a success's value, e.g. the platform's response object, is not exported).
        end: (_end, exit) => {
          const outcome = Exit.isSuccess(exit) ? "ok" : Cause.pretty(exit.cause)
          spans.push(`${name} ${inspect([...attributes], { depth: 10 })} ${outcome}`)
        },
        attribute: (key, value) => {
          attributes.set(key, value)
        },
        event: (eventName, _time, attrs) => {
          spans.push(`${name} event ${eventName} ${inspect(attrs, { depth: 10 })}`)
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { lines, spans, logger, tracer }
}

/** Every way an error can be rendered. */
const renderings = (error: unknown): Array<string> => [
  JSON.stringify(error),
  String(error),
  inspect(error, { depth: 10, showHidden: true }),
  Cause.pretty(Cause.fail(error)),
  error instanceof Error ? `${error.message}\n${error.stack}` : ""
]

describe("secrets", () => {
  it.effect("neither the secret nor any signature appears in errors, logs or spans", () => {
    const sinks = makeSinks()
    return Effect.gen(function* () {
      const exchange = freshExchange({
        accounts: [
          // The exchange knows another secret for this key: every request fails with 10004 first.
          { uid: MOCK_UID, apiKey: KEY, secret: "the-exchange-side-secret", permissions: { withdraw: true } },
          { uid: MOCK_UID, apiKey: "right-key", secret: SECRET, permissions: { withdraw: true } }
        ],
        withdrawals: defaultSeed().withdrawals
      })
      const signatures: Array<string> = []
      const tapped = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(
          HttpClient.HttpClient,
          HttpClient.tapRequest((request) =>
            Effect.sync(() => {
              const sign = request.headers["x-bapi-sign"]
              if (sign !== undefined) signatures.push(sign)
            })
          )
        )
      ).pipe(Layer.provide(FetchHttpClient.layer))
      const layerFor = (apiKey: string) =>
        BybitClient.layer({
          credentials: BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(SECRET) }),
          baseUrl: BASE_URL,
          timeout: "1 hour"
        }).pipe(Layer.provide(Layer.merge(tapped, alignTestClock)))

      const outcomes: Array<unknown> = []
      const run = <A, E>(effect: Effect.Effect<A, E, BybitClient.BybitClient>, apiKey = "right-key") =>
        Effect.gen(function* () {
          const { exit } = yield* runMovingClocks(
            effect.pipe(
              Effect.tapErrorCause((cause) => Effect.logError("call failed", cause)),
              Effect.provide(layerFor(apiKey))
            ),
            exchange
          )
          outcomes.push(Exit.isSuccess(exit) ? exit.value : Cause.squash(exit.cause))
          outcomes.push(exit)
        })

      // 10004 (wrong secret): the exchange echoes the string it signed.
      yield* run(Withdrawals.cancel({ id: "10197" }), KEY)
      // Every fault, each on the cancel endpoint, with retries and logs.
      for (const fault of [
        { _tag: "ServerErrorHtml" },
        { _tag: "IpBanned" },
        { _tag: "TooManyRequests" },
        { _tag: "NotJson" },
        { _tag: "TruncatedBody" },
        { _tag: "MissingFields" },
        { _tag: "DropConnection" },
        { _tag: "LoseResponse" },
        { _tag: "RetCode", retCode: 10002 },
        { _tag: "RetCode", retCode: 131230 },
        { _tag: "RetCode", retCode: 424242 }
      ] as const) {
        exchange.faults.inject(fault, { path: CANCEL, times: 5 })
        yield* run(Withdrawals.cancel({ id: "10198" }))
        exchange.faults.clear()
      }
      yield* run(Withdrawals.cancel({ id: "10203" })) // not cancellable
      yield* run(Withdrawals.cancel({ id: "777" })) // not found
      yield* run(Withdrawals.cancel({ id: "bad id" })) // invalid
      yield* run(Withdrawals.list({ limit: 500 })) // invalid query
      yield* run(Withdrawals.list({ limit: 5 }))
      yield* run(BybitClient.serverTime)
      yield* run(Withdrawals.cancel({ id: "10199" })) // success

      expect(signatures.length).toBeGreaterThan(20)
      const rendered = [
        ...outcomes.flatMap(renderings),
        ...sinks.lines,
        ...sinks.spans,
        inspect(BybitConfig.hmac({ apiKey: KEY, apiSecret: Redacted.make(SECRET) })),
        JSON.stringify(BybitConfig.hmac({ apiKey: KEY, apiSecret: Redacted.make(SECRET) })),
        String(Redacted.make(SECRET)),
        `${Redacted.make(SECRET)}`
      ].join("\n")
      expect(sinks.lines.length).toBeGreaterThan(10)
      expect(sinks.spans.length).toBeGreaterThan(10)
      expect(rendered).toContain("Withdrawals.cancel") // the sinks did capture the calls
      expect(rendered).toContain("AuthenticationFailed")
      expect(rendered).toContain("origin_string") // the exchange's 10004 echo is among what was searched
      expect(rendered).toContain("bybit.withdrawal.id") // span attributes too
      // (The client writes no retry log lines of its own any more: the lines are the calls' failures.)
      expect(rendered).not.toContain(SECRET)
      for (const signature of signatures) expect(rendered).not.toContain(signature)
      // The `http.client` span names the header, with its value redacted; nothing else names it.
      expect(rendered).toContain("[ 'http.request.header.x-bapi-sign', '<redacted>' ]")
      expect(
        rendered.toLowerCase().replaceAll("[ 'http.request.header.x-bapi-sign', '<redacted>' ]", "")
      ).not.toContain("x-bapi-sign")
    }).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, sinks.logger)),
      Effect.withTracer(sinks.tracer),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
  })

  it.effect("scrubs the signature and the secret from a retMsg that echoes them", () =>
    Effect.gen(function* () {
      freshExchange()
      let sent = ""
      server.use(
        http.post("*/v5/asset/withdraw/cancel", ({ request }) => {
          sent = request.headers.get("x-bapi-sign") ?? ""
          return HttpResponse.json({
            retCode: 10004,
            retMsg: `error sign! sign[${sent}] secret[${SECRET}]`,
            result: {},
            retExtInfo: {},
            time: 0
          })
        })
      )
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(sent).toMatch(/^[0-9a-f]{64}$/)
      const rendered = renderings(error).join("\n")
      expect(rendered).toContain("error sign!")
      expect(rendered).not.toContain(sent)
      expect(rendered).not.toContain(SECRET)
    }).pipe(
      Effect.provide(
        BybitClient.layer({
          credentials: BybitConfig.hmac({ apiKey: KEY, apiSecret: Redacted.make(SECRET) }),
          baseUrl: BASE_URL,
          retry: false,
          timeSync: false
        }).pipe(Layer.provide(FetchHttpClient.layer))
      )
    )
  )
})
