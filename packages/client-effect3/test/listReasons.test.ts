/**
 * What `list`/`listAll` errors say. A bad filter is `InvalidRequest` naming the field, with a reason that
 * gives the rule but never the value (a caller may paste a secret into the wrong field), and no request
 * is sent. A `nextPageCursor` that the next request could not carry is the server's fault:
 * `UnreadableResponse` (InvalidResult), quoting neither the cursor nor the signature.
 *
 * The rule table runs on `@effect-bybit/core`'s `Rules.checkListQuery` (plain functions, fast); a few
 * cases per field run end to end on one shared client, to show the client applies that rule and sends
 * nothing.
 */
import { inspect } from "node:util"
import { describe, expect, it, layer } from "@effect/vitest"
import { Rules } from "@effect-bybit/core"
import { Cause, Chunk, Effect, Exit, Stream } from "effect"
import { type BybitClient, Withdrawals } from "../src/index.js"
import { type Scripted, type Seen, scriptedClient, scriptedLayer } from "./scripted.js"

const SECRET = "Xq7vR2mK9pL4sT8wY1zB3nC6dF0gH5jA"
const DIGITS = "31415926535897932384626"

/** Every 8-character piece of `value`: none may appear in what the error shows. */
const pieces = (value: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let i = 0; i + 8 <= value.length; i++) out.push(value.slice(i, i + 8))
  return out
}

/** Everything a caller, a logger or a span exporter could print of an error. */
const texts = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  (error as Error).message ?? "",
  inspect(error, { depth: 5 })
]

const expectQuotesNone = (error: unknown, value: string) => {
  for (const text of texts(error)) {
    for (const piece of pieces(value)) expect(text).not.toContain(piece)
    for (const piece of pieces(value.toLowerCase())) expect(text.toLowerCase()).not.toContain(piece)
  }
}

const page = (nextPageCursor: string): Scripted => ({
  status: 200,
  body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { rows: [], nextPageCursor } })
})

const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  expect(Exit.isFailure(exit)).toBe(true)
  if (!Exit.isFailure(exit)) return undefined
  expect(Cause.isDie(exit.cause)).toBe(false)
  return Cause.squash(exit.cause)
}

const COIN_RULE = /must be 1 to 20 upper-case letters or digits/
const TIME_RULE = /must be a non-negative integer of ms since the epoch/
const LONE = "\ud800"

// [field, value, what the reason must say]
const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
  // whitespace
  ["txID", `${SECRET} `, /must not start or end with whitespace/],
  ["txID", ` ${SECRET}`, /must not start or end with whitespace/],
  ["cursor", `\t${SECRET}`, /must not start or end with whitespace/],
  ["cursor", `${SECRET}\n`, /must not start or end with whitespace/],
  ["coin", `${SECRET.slice(0, 12)} `, COIN_RULE],
  ["withdrawID", ` ${DIGITS.slice(0, 12)}`, /must not contain whitespace/],
  // a lone surrogate (cannot be percent-encoded): the field that holds it is named
  ["txID", `${SECRET}${LONE}`, /lone UTF-16 surrogate/],
  ["cursor", `${LONE}${SECRET}`, /lone UTF-16 surrogate/],
  // too long
  ["txID", SECRET.repeat(5), /must be at most 128 characters \(got 160\)/],
  ["cursor", SECRET.repeat(20), /must be at most 512 characters \(got 640\)/],
  ["coin", SECRET, COIN_RULE],
  ["withdrawID", DIGITS, /must be at most 20 digits \(got 23 characters\)/],
  // not the pattern
  ["coin", `${SECRET.slice(0, 8)}-${SECRET.slice(8, 16)}`, COIN_RULE],
  ["coin", `${SECRET.slice(0, 10)}é`, COIN_RULE],
  ["withdrawID", SECRET.slice(0, 16), /must contain only digits 0-9/],
  ["withdrawID", "١٢٣٤٥٦٧٨٩٠", /must contain only digits 0-9/],
  ["cursor", "", /must not be empty/],
  // the wrong type or range
  ["limit", SECRET, /must be an integer from 1 to 50/],
  ["startTime", SECRET, TIME_RULE],
  ["endTime", `${DIGITS}`, TIME_RULE],
  ["withdrawType", SECRET, /must be 0 \(on-chain\), 1 \(off-chain\) or 2 \(all\)/],
  ["withdrawType", 31415926, /must be 0 \(on-chain\), 1 \(off-chain\) or 2 \(all\)/],
  ["txID", 31415926535, /expected a string, got number/],
  ["coin", 27182818284, /expected a string, got number/],
  ["limit", 123456789, /must be an integer from 1 to 50/],
  ["limit", 12345678901234567890n, /must be an integer from 1 to 50/],
  ["startTime", -98765432, TIME_RULE],
  ["endTime", 1.2345678901, TIME_RULE],
  ["startTime", Number.NaN, TIME_RULE],
  ["endTime", 1e300, TIME_RULE],
  ["withdrawID", true, /expected a string of digits, got boolean/]
]

const labelOf = (value: unknown) => (typeof value === "string" ? `a ${value.length}-character string` : typeof value)

describe("Rules.checkListQuery: a bad filter's reason names the field and rule, never the value", () => {
  for (const [field, value, says] of cases) {
    it(`${field} = ${labelOf(value)} (${says.source})`, () => {
      const checked = Rules.checkListQuery({ [field]: value })
      expect(checked).toMatchObject({ _tag: "Invalid", field })
      const reason = checked._tag === "Invalid" ? checked.reason : ""
      expect(reason).toMatch(says)
      expectQuotesNone(reason, String(value))
    })
  }

  it("startTime after endTime, and a span past 30 days, name the field at fault", () => {
    expect(Rules.checkListQuery({ startTime: 2, endTime: 1 })).toMatchObject({ _tag: "Invalid", field: "startTime" })
    expect(Rules.checkListQuery({ startTime: 0, endTime: Rules.MAX_LIST_SPAN_MS + 1 })).toMatchObject({
      _tag: "Invalid",
      field: "endTime"
    })
    expect(Rules.checkListQuery({ startTime: 0, endTime: Rules.MAX_LIST_SPAN_MS })._tag).toBe("Valid")
  })

  it("a lower-case coin is upper-cased, not refused", () => {
    expect(Rules.checkListQuery({ coin: "usdt" })).toEqual({ _tag: "Valid", value: { coin: "USDT" } })
  })
})

describe("a nextPageCursor that could not be sent back is the server's fault", () => {
  // One transport for the describe; each test sets what the server answers.
  let answer: (seen: Seen, n: number) => Scripted = () => page("")
  let first = 0
  const { seen, layer: transport } = scriptedClient((s, n) => answer(s, n - first))
  /** Starts a test: its requests are counted from 0, and `answer` gets that count. */
  const start = (next: (seen: Seen, n: number) => Scripted) =>
    Effect.sync(() => {
      first = seen.length
      answer = next
    })
  const sent = () => seen.slice(first)

  layer(scriptedLayer(transport, { retry: false }))((it) => {
    // Each built from the first request (whose signature a hostile server may echo in the cursor).
    const hostile: ReadonlyArray<readonly [string, (seen: Seen) => string]> = [
      ["the signature, padded and too long", (s) => ` ${s.headers["x-bapi-sign"]!.toUpperCase()} ${"x".repeat(600)}`],
      ["513 characters of a secret", () => SECRET.repeat(17).slice(0, 513)],
      ["a trailing space", () => `${SECRET} `],
      ["a lone surrogate", () => `${SECRET}${LONE}`],
      ["blank", () => "   "]
    ]
    for (const api of ["list", "listAll"] as const) {
      for (const [label, cursorOf] of api === "list" ? hostile : hostile.slice(0, 2)) {
        it.effect(`${api}: ${label}`, () =>
          Effect.gen(function* () {
            let cursor = ""
            let signature = ""
            yield* start((s, n) => {
              if (n === 0) {
                signature = s.headers["x-bapi-sign"]!
                cursor = cursorOf(s)
              }
              return page(n === 0 ? cursor : "")
            })
            const effect: Effect.Effect<unknown, unknown, BybitClient.BybitClient> =
              api === "list"
                ? Withdrawals.list({ coin: "USDT" })
                : Stream.runCollect(Withdrawals.listAll({ coin: "USDT" }))
            const error = failureOf(yield* Effect.exit(effect))
            expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
            expect((error as { detail: string }).detail).toContain("nextPageCursor")
            expect((error as { detail: string }).detail.length).toBeLessThanOrEqual(300)
            expect(signature).not.toBe("")
            expectQuotesNone(error, signature)
            expectQuotesNone(error, cursor.trim().slice(0, 64))
            // The refused cursor was never sent back.
            expect(sent().length).toBe(1)
            expect(sent().every((s) => !s.search.includes("cursor"))).toBe(true)
          })
        )
      }
    }

    it.effect("a cursor of 512 characters is followed, and sent back as it came", () =>
      Effect.gen(function* () {
        const cursor = SECRET.repeat(16)
        yield* start((_, n) => page(n === 0 ? cursor : ""))
        const rows = yield* Stream.runCollect(Withdrawals.listAll({}))
        expect(Chunk.size(rows)).toBe(0)
        expect(sent().map((s) => s.search)).toEqual(["", `?cursor=${cursor}`])
      })
    )

    // A server that sends a cursor again (the same one, or one of a cycle) would page forever.
    for (const [label, cursorAt] of [
      ["the same cursor every time", () => "c1"],
      ["a cycle of two", (n: number) => (n % 2 === 0 ? "c1" : "c2")],
      ["back to the caller's own cursor", (n: number) => (n === 0 ? "c1" : "start")]
    ] as const) {
      it.effect(`listAll stops at a repeated nextPageCursor: ${label}`, () =>
        Effect.gen(function* () {
          yield* start((_, n) => (n > 50 ? page("") : page(cursorAt(n))))
          const error = yield* Effect.flip(Stream.runCollect(Withdrawals.listAll({ cursor: "start" })))
          expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
          expect(String(error)).toMatch(/never end/)
          expect(sent().length).toBeLessThanOrEqual(3)
        })
      )
    }

    it.effect("listAll follows distinct cursors to the last page", () =>
      Effect.gen(function* () {
        yield* start((_, n) => page(n < 5 ? `c${n}` : ""))
        yield* Stream.runCollect(Withdrawals.listAll({}))
        expect(sent()).toHaveLength(6)
      })
    )

    it.effect("list returns a valid cursor with inner spaces as it came", () =>
      Effect.gen(function* () {
        yield* start(() => page("a b=c&d"))
        const result = yield* Withdrawals.list({})
        expect(result.nextPageCursor).toBe("a b=c&d")
      })
    )
  })
})
