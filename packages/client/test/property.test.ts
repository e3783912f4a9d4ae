import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import fc from "fast-check"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

/** A server answer: any status 100-599, any headers, any body, and maybe a body that fails mid-read. */
interface Answer {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: string
  readonly bodyFails: boolean
}

const codes = [0, 10000, 10001, 10002, 10003, 10004, 10005, 10006, 10010, 10016, 33004, 131002, 131099, 131230, 424242]
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,24}$/)
const numberish = fc.oneof(fc.integer().map(String), fc.double().map(String), headerValue)

const envelope = fc.record(
  {
    retCode: fc.oneof(fc.constantFrom(...codes), fc.integer(), fc.string(), fc.constant(null)),
    retMsg: fc.oneof(fc.string(), fc.constant("OK"), fc.integer()),
    result: fc.oneof(
      fc.record(
        { status: fc.oneof(fc.constantFrom(0, 1, 2, -1), fc.string(), fc.constant(null)) },
        { requiredKeys: [] }
      ),
      fc.record({ timeSecond: numberish, timeNano: numberish }, { requiredKeys: [] }),
      fc.anything()
    ),
    retExtInfo: fc.anything(),
    time: fc.oneof(fc.integer(), fc.double(), fc.string())
  },
  { requiredKeys: [] }
)

const body = fc.oneof(
  fc.string(),
  fc.json(),
  envelope.map((e) => JSON.stringify(e)),
  envelope.chain((e) => {
    const json = JSON.stringify(e)
    return fc.nat({ max: json.length }).map((n) => json.slice(0, n)) // truncated
  }),
  fc.constant("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"),
  fc.constant("")
)

const headers = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom("x-bapi-limit", "x-bapi-limit-status", "x-bapi-limit-reset-timestamp", "content-type"),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
    ),
    fc.oneof(numberish, fc.constantFrom("application/json", "text/html"))
  ),
  { maxLength: 6 }
)

const answer: fc.Arbitrary<Answer> = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 200, 403, 404, 429, 500, 502, 503), fc.integer({ min: 100, max: 599 })),
  headers,
  body,
  bodyFails: fc.boolean()
})

/** An HttpClient that answers every request with `next()`; no network, fast. */
const scripted = (next: () => Answer) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.sync(() => {
        const a = next()
        const source = {
          status: a.status,
          headers: new globalThis.Headers(a.headers.map(([k, v]) => [k, v] as [string, string])),
          text: () => (a.bodyFails ? Promise.reject(new Error("socket hang up")) : Promise.resolve(a.body))
        }
        return HttpClientResponse.fromWeb(request, source as unknown as Response)
      })
    )
  )

const knownTags = new Set([
  "AuthenticationFailed",
  "PermissionDenied",
  "TimestampOutsideWindow",
  "RateLimitExceeded",
  "InvalidRequest",
  "WithdrawalNotFound",
  "WithdrawalNotCancellable",
  "CancelFailed",
  "ExchangeUnavailable",
  "TransportError",
  "UnreadableResponse",
  "UnknownApiError"
])

const layerFor = (answers: ReadonlyArray<Answer>, timeSync: boolean) => {
  let i = 0
  return BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("s") }),
    retry: false,
    timeSync
  }).pipe(Layer.provide(scripted(() => answers[i++ % answers.length]!)))
}

const check = (exit: Exit.Exit<unknown, { readonly _tag: string }>) => {
  if (Exit.isSuccess(exit)) return
  expect(Cause.isDie(exit.cause)).toBe(false)
  expect(Cause.isInterrupted(exit.cause)).toBe(false)
  const failures = [...Cause.failures(exit.cause)]
  expect(failures).toHaveLength(1)
  expect(knownTags.has(failures[0]!._tag)).toBe(true)
  expect(failures[0]).toBeInstanceOf(Error)
}

// Hundreds of runs each: on a loaded 2-core machine that can take more than vitest's default 5 s.
const PROPERTY_TIMEOUT = 30_000

describe("whatever the server answers", () => {
  it(
    "cancel ends in success or a typed error, never a defect",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), fc.boolean(), async (answers, timeSync) => {
          const exit = await Effect.runPromiseExit(
            Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerFor(answers, timeSync)))
          )
          check(exit)
        }),
        { numRuns: 400 }
      )
    },
    PROPERTY_TIMEOUT
  )

  it(
    "list and serverTime end in success or a typed error, never a defect",
    async () => {
      await fc.assert(
        fc.asyncProperty(answer, async (a) => {
          const layer = layerFor([a], false)
          check(await Effect.runPromiseExit(Withdrawals.list({ limit: 10 }).pipe(Effect.provide(layer))))
          check(await Effect.runPromiseExit(BybitClient.serverTime.pipe(Effect.provide(layer))))
        }),
        { numRuns: 300 }
      )
    },
    PROPERTY_TIMEOUT
  )

  it(
    "a success is only ever a retCode 0 envelope with result.status 1",
    async () => {
      await fc.assert(
        fc.asyncProperty(answer, async (a) => {
          const exit = await Effect.runPromiseExit(
            Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerFor([a], false)))
          )
          if (Exit.isSuccess(exit)) {
            const parsed = JSON.parse(a.body)
            expect(parsed.retCode).toBe(0)
            expect(parsed.result.status).toBe(1)
            expect(a.status).toBeGreaterThanOrEqual(200)
            expect(a.status).toBeLessThan(300)
          }
        }),
        { numRuns: 300 }
      )
    },
    PROPERTY_TIMEOUT
  )
})
