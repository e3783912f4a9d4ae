/**
 * Bad input never reaches the exchange: a cancel's id and a list's filters are checked first, and a
 * bad one is `InvalidRequest` naming the field and the rule (never quoting the value), with an
 * empty journal. Inputs are read once, own properties only.
 */
import type { RunResult, TestApi } from "../Edition.js"
import { failureOf, run, type Scenarios, successOf } from "../support.js"

const SECRET = "Xq7vR2mK9pL4sT8wY1zB3nC6dF0gH5jA"
const DIGITS = "31415926535897932384626"
const LONE = "\ud800"
const DAY = 86_400_000

/** Every 8-character piece of `value`: none may appear in what the error shows. */
const expectQuotesNone = (t: TestApi, shown: string, value: string) => {
  for (let i = 0; i + 8 <= value.length; i++) {
    t.expect(shown.toLowerCase()).not.toContain(value.slice(i, i + 8).toLowerCase())
  }
}

/** The outcome is InvalidRequest on `field` and nothing reached the exchange. */
const refused = (t: TestApi, result: RunResult, field: string) => {
  const error = failureOf(t, result.outcome)
  t.expect(error).toMatchObject({ _tag: "InvalidRequest", field })
  t.expect(result.exchange.requests()).toEqual([])
  return error
}

const throwing = (key: string): object =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw new Error("boom")
    }
  })

const throwingProxy = (trap: "get" | "getOwnPropertyDescriptor"): object =>
  new Proxy(
    {},
    {
      [trap]: () => {
        throw new Error("trap")
      }
    }
  )

const labelOf = (value: unknown) =>
  typeof value === "string"
    ? JSON.stringify(value.length > 20 ? `${value.slice(0, 5)}...(${value.length})` : value)
    : typeof value

// [field, value, what the reason must say]: one per field, the first of each kind of rule.
const LIST_FILTERS: ReadonlyArray<readonly [string, unknown, RegExp]> = [
  ["txID", `${SECRET} `, /must not start or end with whitespace/],
  ["cursor", `\t${SECRET}`, /must not start or end with whitespace/],
  ["coin", `${SECRET.slice(0, 12)} `, /must be 1 to 20 upper-case letters or digits/],
  ["withdrawID", ` ${DIGITS.slice(0, 12)}`, /must not contain whitespace/],
  ["limit", SECRET, /must be an integer from 1 to 50/],
  ["startTime", SECRET, /must be a non-negative integer of ms since the epoch/],
  ["endTime", DIGITS, /must be a non-negative integer of ms since the epoch/],
  ["withdrawType", SECRET, /must be 0 \(on-chain\), 1 \(off-chain\) or 2 \(all\)/]
]

export const inputScenarios: Scenarios = (edition, t) => {
  t.describe("input: a bad cancel id fails before anything is sent", () => {
    for (const id of ["", "   ", " 10197", "10197 ", "10a97", "-1", "1e5", "010197", "١٠١٩٧", "9".repeat(33)]) {
      t.it(`id ${labelOf(id)}`, async () => {
        refused(t, await run(edition, { operation: { _tag: "cancel", input: { id } } }), "id")
      })
    }

    for (const [id, says] of [
      [10197, /expected a string of digits, got number/],
      [31415926535897932384n, /expected a string of digits, got bigint/],
      [true, /expected a string of digits, got boolean/],
      [DIGITS, /must be at most 20 digits \(got 23 characters\)/],
      [SECRET.slice(0, 16), /must contain only digits 0-9/]
    ] as const) {
      t.it(`id ${labelOf(id)} (${says.source}), the value never quoted`, async () => {
        const error = refused(t, await run(edition, { operation: { _tag: "cancel", input: { id } } }), "id")
        t.expect(String(error.reason)).toMatch(says)
        expectQuotesNone(t, JSON.stringify(error) + error.message, String(id))
      })
    }

    for (const [label, make] of [
      ["a getter that throws", () => throwing("id")],
      ["a Proxy whose get trap throws", () => throwingProxy("get")],
      ["a Proxy whose getOwnPropertyDescriptor trap throws", () => throwingProxy("getOwnPropertyDescriptor")],
      ["an inherited id", () => Object.create({ id: "10197" }) as object],
      ["null", () => null],
      ["a string", () => "10197"],
      ["an array", () => ["10197"]],
      ["no input", () => undefined]
    ] as const) {
      t.it(`input ${label}: InvalidRequest, no defect, no request`, async () => {
        const result = await run(edition, { operation: { _tag: "cancel", input: make() } })
        const error = failureOf(t, result.outcome)
        t.expect(error._tag).toBe("InvalidRequest")
        t.expect(result.exchange.requests()).toEqual([])
      })
    }

    t.it("a getter is read exactly once: the id that is checked is the id that is sent", async () => {
      let reads = 0
      const input = Object.defineProperty({}, "id", {
        enumerable: true,
        get: () => (reads++ === 0 ? "10197" : "../../v5/other")
      })
      const result = await run(edition, { operation: { _tag: "cancel", input } })
      t.expect(successOf(t, result.outcome).id).toBe("10197")
      t.expect(reads).toBe(1)
      t.expect(result.exchange.requests().map((r) => r.body)).toEqual(["", '{"id":"10197"}'])
    })
  })

  t.describe("input: a bad list filter fails before anything is sent", () => {
    for (const [query, field] of [
      [{ limit: 0 }, "limit"],
      [{ limit: 51 }, "limit"],
      [{ limit: 2.5 }, "limit"],
      [{ withdrawID: "abc" }, "withdrawID"],
      [{ withdrawType: 3 }, "withdrawType"],
      [{ startTime: 10, endTime: 5 }, "startTime"],
      [{ coin: "US DT" }, "coin"],
      [{ coin: "USDT-ERC20" }, "coin"],
      [{ coin: "A".repeat(21) }, "coin"],
      [{ startTime: 0, endTime: 30 * DAY + 1 }, "endTime"],
      [{ txID: "ab\uDC00cd" }, "txID"],
      [{ cursor: `${LONE}${SECRET}` }, "cursor"],
      [{ cursor: "" }, "cursor"],
      // A misspelt filter would list every withdrawal: refused by its own name.
      [{ withdrawId: "10197" }, "withdrawId"]
    ] as const) {
      t.it(`list ${JSON.stringify(query)} names ${field}`, async () => {
        refused(t, await run(edition, { operation: { _tag: "list", input: query } }), field)
      })
    }

    for (const [label, input] of [
      ["null", null],
      ["a number", 5]
    ] as const) {
      t.it(`list with ${label} as its query: InvalidRequest, no request`, async () => {
        const result = await run(edition, { operation: { _tag: "list", input } })
        t.expect(failureOf(t, result.outcome)._tag).toBe("InvalidRequest")
        t.expect(result.exchange.requests()).toEqual([])
      })
    }

    for (const api of ["list", "listAll"] as const) {
      for (const [field, value, says] of api === "list" ? LIST_FILTERS : LIST_FILTERS.slice(0, 3)) {
        t.it(`${api}, ${field} = ${labelOf(value)}: the reason gives the rule, never the value`, async () => {
          const result = await run(edition, { operation: { _tag: api, input: { [field]: value } } })
          const error = refused(t, result, field)
          t.expect(String(error.reason)).toMatch(says)
          expectQuotesNone(t, JSON.stringify(error) + error.message, String(value))
        })
      }
    }

    t.it("a span of exactly 30 days is sent", async () => {
      const result = await run(edition, { operation: { _tag: "list", input: { startTime: 0, endTime: 30 * DAY } } })
      successOf(t, result.outcome)
      t.expect(result.exchange.requests().at(-1)?.query).toBe(`startTime=0&endTime=${30 * DAY}`)
    })

    t.it("a lower-case coin is sent upper-cased", async () => {
      const result = await run(edition, { operation: { _tag: "list", input: { coin: "usdt" } } })
      successOf(t, result.outcome)
      t.expect(result.exchange.requests().at(-1)?.query).toBe("coin=USDT")
    })

    // Both lines read an absent option as `??` does: null too (a JavaScript caller's "not set").
    t.it("environment null is the default one (mainnet), as undefined is", async () => {
      const client = { environment: null as unknown as string }
      const result = await run(edition, { client, operation: { _tag: "list", input: { limit: 1 } } })
      successOf(t, result.outcome)
      t.expect(result.exchange.requests().at(-1)?.query).toBe("limit=1")
    })
  })
}
