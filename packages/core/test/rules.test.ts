// Input rules: each refusal names its field and rule, never quotes the value, and never throws.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Rules from "../src/Rules.js"

const DAY = 86_400_000
const T0 = Date.parse("2026-11-01T00:00:00Z")

const refused = (checked: Rules.Checked<unknown>): Rules.Invalid => {
  if (checked._tag !== "Invalid") throw new Error(`expected Invalid, got ${JSON.stringify(checked)}`)
  return checked
}

describe("checkCancelInput", () => {
  it("accepts { id } of 1 to 20 digits", () => {
    expect(Rules.checkCancelInput({ id: "10197" })).toEqual({ _tag: "Valid", value: "10197" })
    expect(Rules.checkCancelInput({ id: "1".repeat(20) })).toEqual({ _tag: "Valid", value: "1".repeat(20) })
  })

  for (const [what, input] of [
    ["undefined", undefined],
    ["null", null],
    ["a string", "10197"],
    ["a number", 10197],
    ["an array", ["10197"]]
  ] as const) {
    it(`refuses ${what} as the input, on the field "input"`, () => {
      const invalid = refused(Rules.checkCancelInput(input))
      expect(invalid.field).toBe("input")
      expect(invalid.reason).toMatch(/^expected an object, got /)
    })
  }

  for (const [what, input, reason] of [
    ["a missing id", {}, "expected a string of digits, got undefined"],
    [
      "an id inherited from the prototype",
      Object.create({ id: "10197" }),
      "expected a string of digits, got undefined"
    ],
    ["a numeric id", { id: 10197 }, "expected a string of digits, got number"],
    ["a null id", { id: null }, "expected a string of digits, got null"],
    ["an empty id", { id: "" }, "must not be empty"],
    ["an id with whitespace", { id: " 10197" }, "must not contain whitespace"],
    ["an id with a trailing newline", { id: "10197\n" }, "must not contain whitespace"],
    ["an id of 21 digits", { id: "1".repeat(21) }, "must be at most 20 digits (got 21 characters)"],
    ["an id with a letter", { id: "10197a" }, "must contain only digits 0-9"],
    ["an id with Arabic-Indic digits", { id: "١٠١٩٧" }, "must contain only digits 0-9"],
    ["a negative id", { id: "-1" }, "must contain only digits 0-9"]
  ] as const) {
    it(`refuses ${what} on the field "id"`, () => {
      expect(Rules.checkCancelInput(input)).toEqual({ _tag: "Invalid", field: "id", reason })
    })
  }

  it("refuses an input whose id getter throws, on the field id, without throwing", () => {
    const input = {
      get id(): string {
        throw new Error("boom")
      }
    }
    expect(Rules.checkCancelInput(input)).toEqual({
      _tag: "Invalid",
      field: "id",
      reason: "could not be read (a getter or a Proxy threw)"
    })
  })

  it("refuses a Proxy whose traps throw, without throwing", () => {
    const input = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error("boom")
        },
        get() {
          throw new Error("boom")
        }
      }
    )
    expect(refused(Rules.checkCancelInput(input)).field).toBe("id")
  })

  it("reads a getter once", () => {
    let reads = 0
    const input = {
      get id(): string {
        reads += 1
        return reads === 1 ? "10197" : "not digits"
      }
    }
    expect(Rules.checkCancelInput(input)).toEqual({ _tag: "Valid", value: "10197" })
    expect(reads).toBe(1)
  })

  it("never throws, whatever the input (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ id: fc.anything() })), (input) => {
        const checked = Rules.checkCancelInput(input)
        if (checked._tag === "Valid") expect(checked.value).toMatch(/^\d{1,20}$/)
      }),
      { numRuns: 300 }
    )
  })
})

describe("checkListQuery", () => {
  it("refuses a key that is not a filter by name, so a misspelt filter never widens the listing", () => {
    for (const key of ["withdrawId", "coins", "ignored"]) {
      const invalid = refused(Rules.checkListQuery({ [key]: "1" }))
      expect(invalid.field).toBe(key)
      expect(invalid.reason).toMatch(
        /^is not a filter \(expected one of withdrawID, txID, coin, withdrawType, startTime, endTime, limit, cursor\)$/
      )
    }
    expect(Rules.checkListQuery({ withdrawID: "1" })._tag).toBe("Valid")
  })

  it("accepts no query at all, or an empty one", () => {
    expect(Rules.checkListQuery()).toEqual({ _tag: "Valid", value: {} })
    expect(Rules.checkListQuery({})).toEqual({ _tag: "Valid", value: {} })
  })

  it("returns every filter in a fixed key order, undefined ones left out", () => {
    const checked = Rules.checkListQuery({
      cursor: "abc",
      limit: 50,
      endTime: T0 + DAY,
      startTime: T0,
      withdrawType: 2,
      coin: "usdt",
      txID: "0xabc",
      withdrawID: "10197"
    })
    expect(checked._tag).toBe("Valid")
    const value = (checked as Extract<Rules.Checked<Record<string, string | number>>, { _tag: "Valid" }>).value
    expect(Object.keys(value)).toEqual([
      "withdrawID",
      "txID",
      "coin",
      "withdrawType",
      "startTime",
      "endTime",
      "limit",
      "cursor"
    ])
    expect(value.coin).toBe("USDT")
    expect(Rules.checkListQuery({ coin: undefined, limit: undefined })).toEqual({ _tag: "Valid", value: {} })
  })

  it("upper-cases the coin: usdt becomes USDT", () => {
    expect(Rules.checkListQuery({ coin: "usdt" })).toEqual({ _tag: "Valid", value: { coin: "USDT" } })
    expect(Rules.checkListQuery({ coin: "1inch" })).toEqual({ _tag: "Valid", value: { coin: "1INCH" } })
  })

  for (const coin of ["US-DT", "US DT", "", "A".repeat(21), "ＵＳＤＴ", "UЅDT", "ß", "uſdt", "ﬀ"]) {
    it(`refuses the coin ${JSON.stringify(coin)} on the field "coin"`, () => {
      const invalid = refused(Rules.checkListQuery({ coin }))
      expect(invalid.field).toBe("coin")
      expect(invalid.reason).toContain("upper-case letters or digits")
    })
  }

  for (const field of ["txID", "cursor"] as const) {
    it(`refuses a lone surrogate in ${field}, saying so`, () => {
      for (const text of ["\uD800", "abc\uDBFF", "\uDC00abc"]) {
        const invalid = refused(Rules.checkListQuery({ [field]: text }))
        expect(invalid.field).toBe(field)
        expect(invalid.reason).toContain("surrogate")
      }
    })

    it(`accepts a well-formed surrogate pair in ${field}`, () => {
      expect(Rules.checkListQuery({ [field]: "a😀b" })._tag).toBe("Valid")
    })

    it(`refuses an empty ${field}, one with surrounding whitespace, and one that is not a string`, () => {
      expect(refused(Rules.checkListQuery({ [field]: "" }))).toEqual({
        _tag: "Invalid",
        field,
        reason: "must not be empty"
      })
      expect(refused(Rules.checkListQuery({ [field]: " x" })).reason).toBe("must not start or end with whitespace")
      expect(refused(Rules.checkListQuery({ [field]: "x\n" })).reason).toBe("must not start or end with whitespace")
      expect(refused(Rules.checkListQuery({ [field]: 5 }))).toEqual({
        _tag: "Invalid",
        field,
        reason: "expected a string, got number"
      })
    })
  }

  it("bounds txID to 128 characters and cursor to 512", () => {
    expect(Rules.checkListQuery({ txID: "a".repeat(128) })._tag).toBe("Valid")
    expect(refused(Rules.checkListQuery({ txID: "a".repeat(129) })).reason).toBe(
      "must be at most 128 characters (got 129)"
    )
    expect(Rules.checkListQuery({ cursor: "a".repeat(512) })._tag).toBe("Valid")
    expect(refused(Rules.checkListQuery({ cursor: "a".repeat(513) })).field).toBe("cursor")
  })

  it("refuses a withdrawID that is not 1 to 20 digits, on the field withdrawID", () => {
    expect(refused(Rules.checkListQuery({ withdrawID: "abc" }))).toEqual({
      _tag: "Invalid",
      field: "withdrawID",
      reason: "must contain only digits 0-9"
    })
    expect(refused(Rules.checkListQuery({ withdrawID: 10197 })).field).toBe("withdrawID")
  })

  for (const withdrawType of [3, -1, 0.5, "0", null]) {
    it(`refuses withdrawType ${JSON.stringify(withdrawType)} on the field withdrawType`, () => {
      expect(refused(Rules.checkListQuery({ withdrawType })).field).toBe("withdrawType")
    })
  }

  for (const field of ["startTime", "endTime"] as const) {
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1764555600000", 2 ** 53]) {
      it(`refuses ${field} ${String(value)} on the field ${field}`, () => {
        expect(refused(Rules.checkListQuery({ [field]: value }))).toEqual({
          _tag: "Invalid",
          field,
          reason: "must be a non-negative integer of ms since the epoch"
        })
      })
    }
  }

  it("refuses startTime after endTime, on startTime", () => {
    expect(refused(Rules.checkListQuery({ startTime: T0 + 1, endTime: T0 }))).toEqual({
      _tag: "Invalid",
      field: "startTime",
      reason: "must not be after endTime"
    })
    expect(Rules.checkListQuery({ startTime: T0, endTime: T0 })._tag).toBe("Valid")
  })

  it("refuses a span over 30 days, on endTime, and accepts exactly 30 days", () => {
    expect(Rules.checkListQuery({ startTime: T0, endTime: T0 + 30 * DAY })._tag).toBe("Valid")
    expect(refused(Rules.checkListQuery({ startTime: T0, endTime: T0 + 30 * DAY + 1 }))).toEqual({
      _tag: "Invalid",
      field: "endTime",
      reason: "must be at most 30 days after startTime"
    })
  })

  for (const limit of [0, 51, 1.5, -1, "10", Number.NaN]) {
    it(`refuses limit ${String(limit)} on the field limit`, () => {
      expect(refused(Rules.checkListQuery({ limit }))).toEqual({
        _tag: "Invalid",
        field: "limit",
        reason: "must be an integer from 1 to 50"
      })
    })
  }

  it("accepts limit 1 and 50", () => {
    expect(Rules.checkListQuery({ limit: 1 })._tag).toBe("Valid")
    expect(Rules.checkListQuery({ limit: 50 })._tag).toBe("Valid")
  })

  it("takes no filter, and no id, from a polluted Object.prototype", () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.coin = "BTC"
    proto.limit = 0
    proto.id = "10197"
    try {
      expect(Rules.checkListQuery({})).toEqual({ _tag: "Valid", value: {} })
      expect(Rules.checkCancelInput({})._tag).toBe("Invalid")
    } finally {
      for (const key of ["coin", "limit", "id"]) Reflect.deleteProperty(proto, key)
    }
  })

  it("refuses a query that is not an object, on the field query", () => {
    expect(refused(Rules.checkListQuery(null)).field).toBe("query")
    expect(refused(Rules.checkListQuery("coin=USDT")).field).toBe("query")
    expect(refused(Rules.checkListQuery([])).field).toBe("query")
  })

  it("refuses a query whose getter throws, on that field, without throwing", () => {
    const query = {
      coin: "USDT",
      get limit(): number {
        throw new Error("boom")
      }
    }
    expect(Rules.checkListQuery(query)).toEqual({
      _tag: "Invalid",
      field: "limit",
      reason: "could not be read (a getter or a Proxy threw)"
    })
  })

  it("never throws, and a valid query can always be percent-encoded (property)", () => {
    const field = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.integer(), fc.double(), fc.anything())
    fc.assert(
      fc.property(
        fc.record(
          {
            withdrawID: field,
            txID: field,
            coin: field,
            withdrawType: fc.oneof(fc.constantFrom(0, 1, 2), field),
            startTime: fc.oneof(fc.nat(), field),
            endTime: fc.oneof(fc.nat(), field),
            limit: fc.oneof(fc.integer({ min: 0, max: 60 }), field),
            cursor: field
          },
          { requiredKeys: [] }
        ),
        (query) => {
          const checked = Rules.checkListQuery(query)
          if (checked._tag === "Valid") {
            for (const value of Object.values(checked.value)) expect(() => encodeURIComponent(value)).not.toThrow()
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("credentialProblem", () => {
  const KEY = "XyZ123abcDEF456ghiJ"

  it("accepts letters, digits, _ and -", () => {
    expect(Rules.credentialProblem(KEY)).toBeUndefined()
    expect(Rules.credentialProblem("a_b-c")).toBeUndefined()
  })

  it("refuses an empty value and one over 256 characters", () => {
    expect(Rules.credentialProblem("")).toBe("must not be empty")
    expect(Rules.credentialProblem("a".repeat(257))).toBe("must be at most 256 characters (got 257)")
    expect(Rules.credentialProblem("a".repeat(256))).toBeUndefined()
  })

  for (const [what, value, code, position] of [
    ["double quotes", `"${KEY}"`, "0022", 1],
    ["single quotes", `'${KEY}'`, "0027", 1],
    ["a shell variable $NAME", "$BYBIT_API_KEY", "0024", 1],
    ["NAME=value", `BYBIT_API_KEY=${KEY}`, "003D", 14],
    ["a trailing newline", `${KEY}\n`, "000A", 20],
    ["a CRLF", `${KEY}\r\n`, "000D", 20],
    ["a literal \\n", `${KEY}\\n`, "005C", 20],
    ["a space", `${KEY.slice(0, 5)} ${KEY.slice(5)}`, "0020", 6],
    ["a Cyrillic look-alike (а)", `${KEY.slice(0, 3)}\u0430${KEY.slice(3)}`, "0430", 4],
    ["a zero-width space", `${KEY}\u200B`, "200B", 20],
    ["a BOM", `\uFEFF${KEY}`, "FEFF", 1],
    ["a fullwidth letter", `${KEY.slice(0, 2)}Ａ${KEY.slice(2)}`, "FF21", 3],
    ["an emoji", `${KEY}😀`, "1F600", 20],
    ["a lone surrogate", `${KEY}\uD800`, "D800", 20]
  ] as const) {
    it(`refuses ${what}, giving the code point and position, never the value`, () => {
      const reason = Rules.credentialProblem(value)
      expect(reason).toBeDefined()
      expect(reason).toContain(`U+${code} at position ${position} of ${value.length}`)
      expect(reason).not.toContain(KEY)
      expect(reason).not.toContain(value)
      expect(reason).not.toContain(KEY.slice(0, 8))
    })
  }
})

describe("checkBaseUrl", () => {
  for (const [input, value] of [
    ["https://api.bybit.com", "https://api.bybit.com"],
    ["https://api.bybit.com/", "https://api.bybit.com"],
    ["https://api-testnet.bybit.com///", "https://api-testnet.bybit.com"],
    ["HTTPS://API.BYBIT.COM", "https://api.bybit.com"],
    ["https://proxy.example/bybit/", "https://proxy.example/bybit"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.255.0.9", "http://127.255.0.9"],
    ["http://localhost:3000/", "http://localhost:3000"],
    ["http://[::1]:3000", "http://[::1]:3000"]
  ] as const) {
    it(`accepts ${input} as ${value}`, () => {
      expect(Rules.checkBaseUrl(input)).toEqual({ _tag: "Valid", value })
    })
  }

  for (const [what, input, reason] of [
    ["plain http off loopback", "http://api.bybit.com", /must use https/],
    ["plain http on a host that only starts like loopback", "http://127.0.0.1.nip.io", /must use https/],
    ["plain http on localhost with a trailing dot", "http://localhost.", /must use https/],
    ["another scheme", "ftp://api.bybit.com", /must use https, not ftp/],
    ["a ws URL", "wss://stream.bybit.com", /must use https, not wss/],
    ["credentials", "https://user:pass@api.bybit.com", /must not contain credentials/],
    ["a user name alone", "https://key@api.bybit.com", /must not contain credentials/],
    ["a query", "https://api.bybit.com?x=1", /must not contain a query or a fragment/],
    ["a fragment", "https://api.bybit.com#x", /must not contain a query or a fragment/],
    [
      "a backslash",
      "https://api.bybit.com\\v5",
      /read by the URL parser as https:\/\/api\.bybit\.com\/v5, not as written/
    ],
    ["a backslash before the host", "https:\\\\evil.example", /read by the URL parser as https:\/\/evil\.example/],
    ["a fullwidth host", "https://ａｐｉ.bybit.com", /read by the URL parser as https:\/\/api\.bybit\.com/],
    ["a percent-encoded host", "https://api%2Ebybit.com", /read by the URL parser as/],
    ["dot segments", "https://api.bybit.com/v5/../x", /read by the URL parser as https:\/\/api\.bybit\.com\/x/],
    ["an encoded dot segment", "https://api.bybit.com/v5/%2e%2e/x", /read by the URL parser as/],
    ["a loopback address in another notation", "http://0x7f.0.0.1", /read by the URL parser as http:\/\/127\.0\.0\.1/],
    ["a tab", "https://api.bybit.com\t", /whitespace or a control character \(at position 22\)/],
    ["a leading space", " https://api.bybit.com", /at position 1/],
    ["a zero-width no-break space", "https://api.bybit.com\u00A0", /whitespace or a control character/],
    ["a line separator", "https://api.bybit.com\u2028", /whitespace or a control character/],
    ["a relative URL", "/v5", /is not an absolute URL/],
    ["a host without scheme", "api.bybit.com", /is not an absolute URL/],
    ["an empty string", "", /is not an absolute URL/]
  ] as const) {
    it(`refuses ${what}, on the field baseUrl`, () => {
      const invalid = refused(Rules.checkBaseUrl(input))
      expect(invalid.field).toBe("baseUrl")
      expect(invalid.reason).toMatch(reason)
    })
  }

  it("never quotes credentials written in the URL", () => {
    const invalid = refused(Rules.checkBaseUrl("https://apikey123456:secret987654321@api.bybit.com"))
    expect(invalid.reason).not.toContain("apikey123456")
    expect(invalid.reason).not.toContain("secret987654321")
  })
})

describe("no reason quotes the value (property)", () => {
  // Strings of 12+ characters, with the characters the rules refuse mixed in, so that every rule
  // gets to refuse.
  const char = fc.oneof(
    fc.constantFrom(..."aZ09_-$=\"' \n\\.:/@?#%\u0430\u200B\uD800ＡA"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.char()
  )
  const long = fc.array(char, { minLength: 12, maxLength: 300 }).map((cs) => cs.join(""))
  const urlish = fc
    .tuple(
      fc.constantFrom("https://", "http://", "ftp://", "https:\\\\", "https://user:", ""),
      long,
      fc.constantFrom("", "/", "/../x", "?q", "#f", "\\v5")
    )
    .map(([a, b, c]) => `${a}${b}${c}`)

  const reasons = (value: string): ReadonlyArray<string> => {
    const out: Array<string> = []
    const push = (checked: Rules.Checked<unknown>) => {
      if (checked._tag === "Invalid") out.push(checked.field, checked.reason)
    }
    push(Rules.checkCancelInput({ id: value }))
    for (const key of ["withdrawID", "txID", "coin", "cursor", "withdrawType", "startTime", "endTime", "limit"]) {
      push(Rules.checkListQuery({ [key]: value }))
    }
    const credential = Rules.credentialProblem(value)
    if (credential !== undefined) out.push(credential)
    for (const problem of [Rules.withdrawalIdProblem(value), Rules.cursorProblem(value)]) {
      if (problem !== undefined) out.push(problem)
    }
    return out
  }

  it("no rule's reason contains the value when it has 12 or more characters", () => {
    fc.assert(
      fc.property(long, (value) => {
        for (const reason of reasons(value)) expect(reason.includes(value)).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it("checkBaseUrl's reason never contains the URL it refuses, when it has 12 or more characters", () => {
    fc.assert(
      fc.property(urlish, (value) => {
        const checked = Rules.checkBaseUrl(value)
        if (checked._tag === "Invalid") expect(checked.reason.includes(value)).toBe(false)
      }),
      { numRuns: 500 }
    )
  })
})

describe("readOptions", () => {
  it("copies the options and their credentials into plain objects, read once", () => {
    let reads = 0
    const credentials = {
      _tag: "Hmac",
      get apiKey() {
        reads++
        return "k"
      }
    }
    const read = Rules.readOptions({ credentials, timeout: 5 })
    expect(read).toMatchObject({ _tag: "Valid", value: { timeout: 5, credentials: { _tag: "Hmac", apiKey: "k" } } })
    expect(reads).toBe(1)
  })

  it("names the option whose getter or Proxy threw, by its dotted path; a non-object is 'options'", () => {
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error("boom")
        }
      }
    )
    expect(Rules.readOptions({ credentials: throwing })).toMatchObject({ _tag: "Invalid", field: "credentials._tag" })
    expect(Rules.readOptions(throwing)).toMatchObject({ _tag: "Invalid", field: "credentials" })
    expect(Rules.readOptions(null)).toMatchObject({ _tag: "Invalid", field: "options" })
  })
})
