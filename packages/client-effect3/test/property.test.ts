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

/** Bytes the client pulled from the last body stream (to see that reading stops at the cap). */
let pulled = 0

/** A body as a stream of 16 KiB chunks, counting what is pulled; `fails` errors it after the first chunk. */
const bodyStream = (text: string, fails: boolean): ReadableStream<Uint8Array> => {
  const bytes = new TextEncoder().encode(text)
  let at = 0
  pulled = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fails && at > 0) return controller.error(new Error("socket hang up"))
      if (at >= bytes.length) return fails ? controller.error(new Error("socket hang up")) : controller.close()
      const chunk = bytes.subarray(at, at + 16_384)
      at += chunk.length
      pulled += chunk.length
      controller.enqueue(chunk)
    }
  })
}

/** An HttpClient that answers every request with `next()`; no network, fast. The body is streamed, without a length. */
const scripted = (next: () => Answer) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.sync(() => {
        const a = next()
        const source = {
          status: a.status,
          headers: new globalThis.Headers(a.headers.map(([k, v]) => [k, v] as [string, string])),
          body: bodyStream(a.body, a.bodyFails),
          text: () => (a.bodyFails ? Promise.reject(new Error("socket hang up")) : Promise.resolve(a.body))
        }
        return HttpClientResponse.fromWeb(request, source as unknown as Response)
      })
    )
  )

const knownTags = new Set([
  "AccessForbidden",
  "RedirectRefused",
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
  "UnknownApiError",
  // A cancel that may have been handled, whose lookup failed too.
  "CancelOutcomeUnknown"
])

const layerFor = (answers: ReadonlyArray<Answer>, timeSync: boolean, maxResponseBytes?: number) => {
  let i = 0
  return BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("s") }),
    retry: false,
    timeSync,
    maxResponseBytes
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

// Run counts: each run builds a client layer (a few ms on a shared 2-core machine), so the broad
// answer properties take 100 runs a suite run (a new seed each time); the deep-nesting and cap
// properties keep their full ranges.
describe("whatever the server answers", () => {
  it("cancel ends in success or a typed error, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), fc.boolean(), async (answers, timeSync) => {
        const exit = await Effect.runPromiseExit(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layerFor(answers, timeSync)))
        )
        check(exit)
      }),
      { numRuns: 100 }
    )
  }, 60_000)

  it("list and serverTime end in success or a typed error, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        const layer = layerFor([a], false)
        check(await Effect.runPromiseExit(Withdrawals.list({ limit: 10 }).pipe(Effect.provide(layer))))
        check(await Effect.runPromiseExit(BybitClient.serverTime.pipe(Effect.provide(layer))))
      }),
      { numRuns: 100 }
    )
  }, 60_000)

  it("a success is only ever a retCode 0 envelope with result.status 1", async () => {
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
      { numRuns: 100 }
    )
  }, 60_000)

  it("JSON nested arbitrarily deep, in any field, is a typed error, never a defect", async () => {
    const opener = fc.constantFrom("[", '{"a":', '{"":[', "[[{}, ")
    const nested = fc
      .tuple(opener, fc.integer({ min: 65, max: 150_000 }))
      .map(([open, depth]) => open.repeat(depth) + (open.startsWith("[") && !open.includes("{") ? "]" : "0"))
    const field = fc.constantFrom("result", "retExtInfo", "retMsg", "retCode", "time", "result.rows", "top")
    await fc.assert(
      fc.asyncProperty(nested, field, fc.constantFrom(200, 200, 401, 403, 429, 500), async (deep, where, status) => {
        const body =
          where === "top"
            ? deep
            : where === "result.rows"
              ? `{"retCode":0,"retMsg":"OK","result":{"rows":${deep}}}`
              : `{"retCode":0,"retMsg":"OK","result":{"rows":[]},"${where}":${deep}}`
        const a: Answer = { status, headers: [], body, bodyFails: false }
        // On list: a cancel would look the withdrawal up after an unreadable answer (and end in
        // CancelOutcomeUnknown), hiding the reason this property is about.
        const exit = await Effect.runPromiseExit(Withdrawals.list().pipe(Effect.provide(layerFor([a], false))))
        check(exit)
        expect(Exit.isSuccess(exit)).toBe(false)
        if (status === 200 && Exit.isFailure(exit)) {
          expect([...Cause.failures(exit.cause)][0]).toMatchObject({ _tag: "UnreadableResponse", reason: "TooDeep" })
        }
      }),
      { numRuns: 60 }
    )
  })

  it("a body past the cap is UnreadableResponse TooLarge, and reading stops at the cap", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1024, max: 200_000 }),
        fc.integer({ min: 1, max: 400_000 }),
        async (cap, size) => {
          const body = `{"retCode":0,"retMsg":"${"x".repeat(size)}","result":{"rows":[]}}`
          const a: Answer = { status: 200, headers: [], body, bodyFails: false }
          const exit = await Effect.runPromiseExit(Withdrawals.list().pipe(Effect.provide(layerFor([a], false, cap))))
          check(exit)
          const bytes = new TextEncoder().encode(body).length
          if (bytes > cap) {
            expect(Exit.isFailure(exit) && [...Cause.failures(exit.cause)][0]).toMatchObject({
              _tag: "UnreadableResponse",
              reason: "TooLarge"
            })
            // Reading stopped at the chunk that crossed the cap (the stream pulls at most one chunk ahead).
            expect(pulled).toBeLessThanOrEqual(cap + 2 * 16_384)
          } else {
            expect(Exit.isSuccess(exit)).toBe(true)
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it("the default cap is 1 MiB: 1,048,576 bytes are read, one more is TooLarge", async () => {
    const envelopeOf = (length: number) => {
      const head = '{"retCode":0,"retMsg":"'
      const tail = '","result":{"rows":[]}}'
      return head + "x".repeat(length - head.length - tail.length) + tail
    }
    for (const [length, ok] of [
      [1_048_576, true],
      [1_048_577, false],
      [64 * 1_048_576, false]
    ] as const) {
      const a: Answer = { status: 200, headers: [], body: envelopeOf(length), bodyFails: false }
      const exit = await Effect.runPromiseExit(Withdrawals.list().pipe(Effect.provide(layerFor([a], false))))
      check(exit)
      expect(Exit.isSuccess(exit)).toBe(ok)
      expect(pulled).toBeLessThanOrEqual(1_048_576 + 2 * 16_384)
    }
  })
})

describe("a Content-Length past the cap", () => {
  it("is TooLarge without reading the body past its first chunk", async () => {
    const body = `{"retCode":0,"retMsg":"${"x".repeat(2_000_000)}","result":{"rows":[]}}`
    const a: Answer = {
      status: 200,
      headers: [["content-length", String(body.length)]],
      body,
      bodyFails: false
    }
    const exit = await Effect.runPromiseExit(Withdrawals.list().pipe(Effect.provide(layerFor([a], false))))
    expect(Exit.isFailure(exit) && [...Cause.failures(exit.cause)][0]).toMatchObject({
      _tag: "UnreadableResponse",
      reason: "TooLarge"
    })
    expect(pulled).toBeLessThanOrEqual(2 * 16_384)
  })
})
