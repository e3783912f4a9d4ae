// Spans and secrets: Withdrawals.cancel is a span with the withdrawal id, and no secret (the API
// secret, the signature, the API key) appears in any span attribute, in errors or in their text.

import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Effect, Layer, Redacted, Tracer } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const NOW = 1_700_000_000_000

/** A tracer that records every span (the native one's spans, so nothing else changes). */
const recording = Effect.map(Effect.tracer, (native) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args: Parameters<Tracer.Tracer["span"]>) => {
      const span = native.span(...args)
      spans.push(span)
      return span
    },
    context: native.context
  })
  return { spans, tracer }
})

const testLayer = (apiSecret = MOCK_API_SECRET, options: Partial<BybitConfig.Options> = {}) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(apiSecret) }),
    ...options
  }).pipe(Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" })))

const textOf = (span: Tracer.Span) =>
  `${span.name} ${JSON.stringify([...span.attributes.entries()], (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`

describe("spans", () => {
  it.effect("Withdrawals.cancel is a span with the id; the http.client spans hold no secret", () =>
    Effect.gen(function* () {
      const { spans, tracer } = yield* recording
      yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }).pipe(Effect.withTracer(tracer))
      const cancel = spans.find((s) => s.name === "Withdrawals.cancel")
      expect(cancel?.attributes.get("bybit.withdrawal.id")).toBe(SEED_WITHDRAWAL_ID)
      expect(cancel?.status._tag).toBe("Ended")
      expect(spans.some((s) => s.name === "GET" || s.name === "POST")).toBe(true)
      const exchange = yield* MockExchange
      const signatures = exchange
        .requests()
        .map((r) => r.headers["x-bapi-sign"])
        .filter((s): s is string => typeof s === "string")
      expect(signatures).toHaveLength(1)
      for (const span of spans) {
        const text = textOf(span)
        expect(text).not.toContain(MOCK_API_SECRET)
        expect(text).not.toContain(MOCK_API_KEY)
        for (const signature of signatures) expect(text).not.toContain(signature)
      }
    }).pipe(Effect.provide(testLayer()))
  )
})

describe("secrets never in errors", () => {
  it.effect("a refused signature (wrong secret): the error, its message, JSON and inspect hold no secret", () =>
    Effect.gen(function* () {
      const wrong = "WrongSecretWrongSecret0123"
      const error = yield* Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      expect(error._tag).toBe("AuthenticationFailed")
      const text = [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 10 })].join("\n")
      for (const secret of [wrong, MOCK_API_KEY]) expect(text).not.toContain(secret)
    }).pipe(Effect.provide(testLayer("WrongSecretWrongSecret0123", { retry: false })))
  )

  it.effect("the client service and its credentials print no secret", () =>
    Effect.gen(function* () {
      const client = yield* BybitClient.BybitClient
      const apiSecret = Redacted.make(MOCK_API_SECRET)
      const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret })
      const text = [inspect(client, { depth: 10 }), JSON.stringify(credentials), String(apiSecret)].join()
      expect(text).not.toContain(MOCK_API_SECRET)
    }).pipe(Effect.provide(testLayer()))
  )
})
