// Rate-limit headers and Retry-After: sane values are read, insane ones ignored, never kept.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as RateLimit from "../src/internal/rateLimit.js"

const NOW = Date.parse("2026-12-01T02:20:00Z")
const PATH = "/v5/asset/withdraw/cancel"

const headers = (limit: string | undefined, remaining: string | undefined, reset: string | undefined) => ({
  "x-bapi-limit": limit,
  "x-bapi-limit-status": remaining,
  "x-bapi-limit-reset-timestamp": reset
})

describe("fromHeaders", () => {
  it("reads the three headers", () => {
    expect(RateLimit.fromHeaders(PATH, headers("60", "59", String(NOW + 1)), NOW)).toEqual({
      path: PATH,
      limit: 60,
      remaining: 59,
      resetAt: NOW + 1
    })
  })

  it("reads limit 0 and remaining 0", () => {
    expect(RateLimit.fromHeaders(PATH, headers("0", "0", String(NOW)), NOW)).toMatchObject({ limit: 0, remaining: 0 })
  })

  it("gives nothing when more are left than the limit allows", () => {
    expect(RateLimit.fromHeaders(PATH, headers("60", "61", String(NOW)), NOW)).toBeUndefined()
    expect(RateLimit.fromHeaders(PATH, headers("60", "1000000", String(NOW)), NOW)).toBeUndefined()
    expect(RateLimit.fromHeaders(PATH, headers("60", "60", String(NOW)), NOW)).toMatchObject({ remaining: 60 })
  })

  it("gives nothing when any of the three is missing", () => {
    expect(RateLimit.fromHeaders(PATH, headers(undefined, "59", String(NOW)), NOW)).toBeUndefined()
    expect(RateLimit.fromHeaders(PATH, headers("60", undefined, String(NOW)), NOW)).toBeUndefined()
    expect(RateLimit.fromHeaders(PATH, headers("60", "59", undefined), NOW)).toBeUndefined()
    expect(RateLimit.fromHeaders(PATH, {}, NOW)).toBeUndefined()
  })

  for (const insane of [
    "-1",
    "0x3c",
    "1e300",
    "60.0",
    "6e1",
    " 60",
    "60 ",
    "+60",
    "",
    "Infinity",
    "NaN",
    "٦٠",
    "1000001",
    "12345678901234567"
  ]) {
    it(`ignores the limit ${JSON.stringify(insane)}`, () => {
      expect(RateLimit.fromHeaders(PATH, headers(insane, "59", String(NOW)), NOW)).toBeUndefined()
    })
    it(`ignores the remaining count ${JSON.stringify(insane)}`, () => {
      expect(RateLimit.fromHeaders(PATH, headers("60", insane, String(NOW)), NOW)).toBeUndefined()
    })
  }

  for (const [what, reset] of [
    ["negative", "-1764555600000"],
    ["hex", "0x19AD5A3F200"],
    ["1e300", "1e300"],
    ["in seconds, not ms", String(Math.floor(NOW / 1000))],
    ["a fraction of a ms", `${NOW}.5`],
    ["more than 10 minutes behind", String(NOW - 600_001)],
    ["an HTTP-date", "Tue, 01 Dec 2026 02:20:30 GMT"]
  ] as const) {
    it(`ignores a reset timestamp ${what}`, () => {
      expect(RateLimit.fromHeaders(PATH, headers("60", "0", reset), NOW)).toBeUndefined()
      expect(RateLimit.resetAtOf({ "x-bapi-limit-reset-timestamp": reset }, NOW)).toBeUndefined()
    })
  }

  for (const [what, reset] of [
    ["more than 10 minutes ahead", String(NOW + 600_001)],
    ["a year ahead", String(NOW + 365 * 86_400_000)]
  ] as const) {
    it(`keeps no status with a reset timestamp ${what}, and an error's resetAt is 10 minutes away`, () => {
      expect(RateLimit.fromHeaders(PATH, headers("60", "0", reset), NOW)).toBeUndefined()
      // "Far" stays far: an unknown reset would be retried at once.
      expect(RateLimit.resetAtOf({ "x-bapi-limit-reset-timestamp": reset }, NOW)).toBe(NOW + 600_000)
    })
  }

  it("keeps a reset timestamp exactly 10 minutes away, either way", () => {
    expect(RateLimit.resetAtOf({ "x-bapi-limit-reset-timestamp": String(NOW + 600_000) }, NOW)).toBe(NOW + 600_000)
    expect(RateLimit.resetAtOf({ "x-bapi-limit-reset-timestamp": String(NOW - 600_000) }, NOW)).toBe(NOW - 600_000)
  })

  it("never gives a status whose fields are not sane, whatever the header text (property)", () => {
    const value = fc.oneof(fc.string(), fc.integer({ min: -1e6, max: 2e13 }).map(String), fc.double().map(String))
    fc.assert(
      fc.property(value, value, value, (limit, remaining, reset) => {
        const status = RateLimit.fromHeaders(PATH, headers(limit, remaining, reset), NOW)
        if (status === undefined) return
        expect(Number.isSafeInteger(status.limit) && status.limit >= 0 && status.limit <= 1_000_000).toBe(true)
        expect(
          Number.isSafeInteger(status.remaining) && status.remaining >= 0 && status.remaining <= status.limit
        ).toBe(true)
        expect(Math.abs(status.resetAt - NOW)).toBeLessThanOrEqual(RateLimit.MAX_RESET_DISTANCE_MS)
      }),
      { numRuns: 300 }
    )
  })
})

describe("plausibleResetAt", () => {
  it("refuses undefined, NaN and the infinities", () => {
    expect(RateLimit.plausibleResetAt(undefined, NOW)).toBeUndefined()
    expect(RateLimit.plausibleResetAt(Number.NaN, NOW)).toBeUndefined()
    expect(RateLimit.plausibleResetAt(Number.POSITIVE_INFINITY, NOW)).toBeUndefined()
    expect(RateLimit.plausibleResetAt(Number.NEGATIVE_INFINITY, NOW)).toBeUndefined()
  })

  it("keeps a time within 10 minutes of now", () => {
    expect(RateLimit.plausibleResetAt(NOW + 1, NOW)).toBe(NOW + 1)
    expect(RateLimit.plausibleResetAt(NOW + 600_001, NOW)).toBeUndefined()
  })
})

describe("retryAfterOf", () => {
  for (const [text, seconds] of [
    ["0", 0],
    ["1", 1],
    ["120", 120],
    [" 120 ", 120],
    ["600", 600],
    ["00000030", 30]
  ] as const) {
    it(`reads ${JSON.stringify(text)} as now + ${seconds} s`, () => {
      expect(RateLimit.retryAfterOf(text, NOW)).toBe(NOW + seconds * 1000)
    })
  }

  for (const text of ["601", "3600", "99999999", "999999999"]) {
    it(`reads ${JSON.stringify(text)} as 10 minutes away, the farthest believed (never "unknown")`, () => {
      expect(RateLimit.retryAfterOf(text, NOW)).toBe(NOW + 600_000)
    })
  }

  for (const text of ["-1", "1.5", "1e3", "0x10", "+5", "", "soon", "Infinity"]) {
    it(`ignores ${JSON.stringify(text)}`, () => {
      expect(RateLimit.retryAfterOf(text, NOW)).toBeUndefined()
    })
  }

  it("reads an HTTP-date near now, in each of its three forms", () => {
    const at = Date.parse("2026-12-01T02:25:00Z")
    expect(RateLimit.retryAfterOf("Tue, 01 Dec 2026 02:25:00 GMT", NOW)).toBe(at)
    expect(RateLimit.retryAfterOf("Tuesday, 01-Dec-26 02:25:00 GMT", NOW)).toBe(at)
    expect(RateLimit.retryAfterOf("Tue Dec  1 02:25:00 2026", NOW)).toBe(at)
  })

  it("reads an HTTP-date more than 10 minutes ahead as 10 minutes away, and ignores one that is no date", () => {
    expect(RateLimit.retryAfterOf("Tue, 01 Dec 2026 03:20:00 GMT", NOW)).toBe(NOW + 600_000)
    expect(RateLimit.retryAfterOf("Tue, 31 Feb 2026 02:25:00 GMT", NOW)).toBeUndefined()
    expect(RateLimit.retryAfterOf("2026-12-01T02:25:00Z", NOW)).toBeUndefined()
  })

  it("gives nothing without a header", () => {
    expect(RateLimit.retryAfterOf(undefined, NOW)).toBeUndefined()
  })

  it("never gives a time more than 10 minutes from now (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.date().map((d) => d.toUTCString())
        ),
        (text) => {
          const at = RateLimit.retryAfterOf(text, NOW)
          if (at !== undefined) expect(Math.abs(at - NOW)).toBeLessThanOrEqual(RateLimit.MAX_RESET_DISTANCE_MS)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("DOCUMENTED_LIMITS", () => {
  it("holds Bybit's documented limits: cancel 60/min, records 300/min, create 5/s", () => {
    expect(RateLimit.DOCUMENTED_LIMITS.get("/v5/asset/withdraw/cancel")).toEqual({ limit: 60, windowMs: 60_000 })
    expect(RateLimit.DOCUMENTED_LIMITS.get("/v5/asset/withdraw/query-record")).toEqual({ limit: 300, windowMs: 60_000 })
    expect(RateLimit.DOCUMENTED_LIMITS.get("/v5/asset/withdraw/create")).toEqual({ limit: 5, windowMs: 1_000 })
  })
})
