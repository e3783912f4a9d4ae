/**
 * What `list`/`listAll` errors say. A bad filter is `InvalidRequest` naming the field, with a reason that
 * gives the rule and the value's shape but never the value (a caller may paste a secret into the wrong
 * field), and no request is sent. A `nextPageCursor` that the next request could not carry is the
 * server's fault: `UnreadableResponse` (InvalidResult), quoting neither the cursor nor the signature.
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
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
  (error as Error).message,
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

const run = (api: "list" | "listAll", query: unknown, answer: (seen: Seen, n: number) => Scripted) =>
  Effect.gen(function* () {
    const { seen, layer } = scriptedClient(answer)
    const effect: Effect.Effect<unknown, unknown, BybitClient.BybitClient> =
      api === "list"
        ? Effect.suspend(() => Withdrawals.list(query as Withdrawals.ListInput))
        : Stream.runCollect(Withdrawals.listAll(query as Withdrawals.ListInput))
    const exit = yield* Effect.exit(effect.pipe(Effect.provide(scriptedLayer(layer, { retry: false }))))
    return { error: failureOf(exit), seen }
  })

describe("a bad filter's reason says what is wrong without quoting it", () => {
  // [field, value, what the reason must say]
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    // whitespace
    ["txID", `${SECRET} `, /whitespace at position 33/],
    ["txID", ` ${SECRET}`, /whitespace at position 1/],
    ["cursor", `\t${SECRET}`, /whitespace at position 1 of 33/],
    ["cursor", `${SECRET}\n`, /whitespace at position 33 of 33/],
    ["coin", `${SECRET.slice(0, 12)} `, /whitespace at position 13/],
    ["withdrawID", ` ${DIGITS.slice(0, 12)}`, /whitespace/],
    // too long
    ["txID", SECRET.repeat(5), /at most 128 .*160 characters/],
    ["cursor", SECRET.repeat(20), /at most 512 characters \(got 640\)/],
    ["coin", SECRET, /string of 32 characters/],
    ["withdrawID", DIGITS, /at most 20 digits \(got 23 characters\)/],
    // not the pattern
    ["coin", `${SECRET.slice(0, 8)}-${SECRET.slice(8, 16)}`, /a symbol at position 9/],
    ["coin", `${SECRET.slice(0, 10)}é`, /a non-ASCII character at position 11/],
    ["withdrawID", SECRET.slice(0, 16), /only digits/],
    ["withdrawID", "١٢٣٤٥٦٧٨٩٠", /only digits/],
    ["cursor", "", /must not be empty/],
    // the wrong type or range
    ["limit", SECRET, /expected a number, got a string of 32 characters/],
    ["startTime", SECRET, /expected a number, got a string/],
    ["endTime", `${DIGITS}`, /expected a number, got a string of 23 characters/],
    ["withdrawType", SECRET, /expected 0 \| 1 \| 2, got a string/],
    ["withdrawType", 31415926, /expected 0 \| 1 \| 2, got an integer of 8 digits/],
    ["txID", 31415926535, /expected a string, got an integer of 11 digits/],
    ["coin", 27182818284, /expected a string, got an integer/],
    ["limit", 123456789, /between 1 and 50, got an integer of 9 digits/],
    ["limit", 12345678901234567890n, /got a bigint/],
    ["startTime", -98765432, /non-negative.*got a negative integer of 8 digits/],
    ["endTime", 1.2345678901, /expected an integer, got a fractional number/],
    ["startTime", Number.NaN, /got NaN/],
    ["endTime", 1e300, /expected an integer, got a number beyond 2\^53 - 1/],
    ["withdrawID", true, /expected a string, got a boolean/]
  ]
  for (const api of ["list", "listAll"] as const) {
    for (const [field, value, says] of cases) {
      const label = typeof value === "string" ? `a ${value.length}-character string` : typeof value
      it.effect(`${api}, ${field} = ${label} (${says.source})`, () =>
        Effect.gen(function* () {
          const { error, seen } = yield* run(api, { [field]: value }, () => page(""))
          expect(error).toMatchObject({ _tag: "InvalidRequest", field })
          expect((error as { reason: string }).reason).toMatch(says)
          expectQuotesNone(error, String(value))
          expect(seen).toEqual([])
        })
      )
    }
  }
})

describe("a nextPageCursor that could not be sent back is the server's fault", () => {
  // Each built from the first request (whose signature a hostile server may echo in the cursor).
  const hostile: ReadonlyArray<readonly [string, (seen: Seen) => string]> = [
    ["the signature, padded and too long", (s) => ` ${s.headers["x-bapi-sign"]!.toUpperCase()} ${"x".repeat(600)}`],
    ["5000 characters", () => "c".repeat(5000)],
    ["513 characters of a secret", () => SECRET.repeat(17).slice(0, 513)],
    ["a trailing space", () => `${SECRET} `],
    ["a leading tab", () => `\t${SECRET}`],
    ["blank", () => "   "]
  ]
  for (const api of ["list", "listAll"] as const) {
    for (const [label, cursorOf] of hostile) {
      it.effect(`${api}: ${label}`, () =>
        Effect.gen(function* () {
          let cursor = ""
          let signature = ""
          const { error, seen } = yield* run(api, { coin: "USDT" }, (s, n) => {
            if (n === 0) {
              signature = s.headers["x-bapi-sign"]!
              cursor = cursorOf(s)
            }
            return page(n === 0 ? cursor : "")
          })
          expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
          expect((error as { detail: string }).detail).toContain("nextPageCursor")
          expect((error as { detail: string }).detail.length).toBeLessThanOrEqual(300)
          expect(signature).not.toBe("")
          expectQuotesNone(error, signature)
          expectQuotesNone(error, cursor.trim().slice(0, 64))
          // The refused cursor was never sent back.
          expect(seen.length).toBeGreaterThan(0)
          expect(seen.every((s) => !s.search.includes("cursor"))).toBe(true)
        })
      )
    }
  }

  it.effect("a cursor of 512 characters is followed, and sent back as it came", () =>
    Effect.gen(function* () {
      const cursor = SECRET.repeat(16)
      const { seen, layer } = scriptedClient((_, n) => page(n === 0 ? cursor : ""))
      const rows = yield* Stream.runCollect(Withdrawals.listAll({})).pipe(Effect.provide(scriptedLayer(layer)))
      expect(Chunk.size(rows)).toBe(0)
      expect(seen.map((s) => s.search)).toEqual(["", `?cursor=${cursor}`])
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
        const { seen, layer } = scriptedClient((_, n) => (n > 50 ? page("") : page(cursorAt(n))))
        const error = yield* Effect.flip(
          Stream.runCollect(Withdrawals.listAll({ cursor: "start" })).pipe(Effect.provide(scriptedLayer(layer)))
        )
        expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
        expect(String(error)).toMatch(/never end/)
        expect(seen.length).toBeLessThanOrEqual(3)
      })
    )
  }

  it.effect("listAll stops after 10 pages in a row with no rows but a new cursor each time", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient((_, n) => page(`c${n}`))
      const error = yield* Effect.flip(
        Stream.runCollect(Withdrawals.listAll({})).pipe(Effect.provide(scriptedLayer(layer)))
      )
      expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
      expect(String(error)).toMatch(/11 pages in a row had no rows/)
      expect(seen).toHaveLength(11)
    })
  )

  it.effect("listAll follows distinct cursors to the last page", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient((_, n) => page(n < 5 ? `c${n}` : ""))
      yield* Stream.runCollect(Withdrawals.listAll({})).pipe(Effect.provide(scriptedLayer(layer)))
      expect(seen).toHaveLength(6)
    })
  )

  it.effect("list returns a valid cursor with inner spaces as it came", () =>
    Effect.gen(function* () {
      const { layer } = scriptedClient(() => page("a b=c&d"))
      const result = yield* Withdrawals.list({}).pipe(Effect.provide(scriptedLayer(layer)))
      expect(result.nextPageCursor).toBe("a b=c&d")
    })
  )
})

describe("cancel's decode path shares the reasons", () => {
  const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
    [31415926535, /expected a string, got an integer of 11 digits/],
    [31415926535897932384n, /expected a string, got a bigint/]
  ]
  for (const [id, says] of cases) {
    it.effect(`cancel, id = ${typeof id}`, () =>
      Effect.gen(function* () {
        const { seen, layer } = scriptedClient(() => page(""))
        const exit = yield* Effect.exit(
          Withdrawals.cancel({ id } as unknown as { id: string }).pipe(Effect.provide(scriptedLayer(layer)))
        )
        const error = failureOf(exit)
        expect(error).toMatchObject({ _tag: "InvalidRequest", field: "id" })
        expect((error as { reason: string }).reason).toMatch(says)
        expectQuotesNone(error, String(id))
        expect(seen).toEqual([])
      })
    )
  }
})
