// Retry-After may carry an HTTP-date in any of RFC 9110's three forms (§5.6.7): a recipient must
// accept all three. Anything that is not one of them, or not a real date, is no date at all.
import { describe, expect, it } from "vitest"
import { parseHttpDate, retryAfterOf } from "../src/internal/rateLimit.js"

const NOW = Date.parse("2026-12-01T02:20:00Z")

describe("parseHttpDate", () => {
  for (const [form, text] of [
    ["IMF-fixdate", "Tue, 01 Dec 2026 02:20:31 GMT"],
    ["RFC 850", "Tuesday, 01-Dec-26 02:20:31 GMT"],
    ["asctime", "Tue Dec  1 02:20:31 2026"]
  ] as const) {
    it(`reads the ${form} form`, () => {
      expect(parseHttpDate(text, NOW)).toBe(Date.parse("2026-12-01T02:20:31Z"))
    })
  }

  it("reads a two-digit year as the most recent past year when it would be more than 50 years ahead", () => {
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).toBe(Date.parse("1994-11-06T08:49:37Z"))
    expect(parseHttpDate("Monday, 06-Nov-76 08:49:37 GMT", NOW)).toBe(Date.parse("2076-11-06T08:49:37Z"))
    expect(parseHttpDate("Sunday, 06-Nov-77 08:49:37 GMT", NOW)).toBe(Date.parse("1977-11-06T08:49:37Z"))
  })

  it("reads an asctime day of two digits", () => {
    expect(parseHttpDate("Thu Dec 31 23:59:59 2026", NOW)).toBe(Date.parse("2026-12-31T23:59:59Z"))
  })

  for (const text of [
    "Tue, 31 Feb 2026 02:20:31 GMT", // no such day
    "Tue, 01 Dec 2026 24:00:00 GMT", // no such hour
    "Tue, 01 Dec 2026 02:60:00 GMT",
    "Tue, 1 Dec 2026 02:20:31 GMT", // IMF-fixdate pads the day with a zero
    "Tue, 01 dec 2026 02:20:31 GMT", // month names are case-sensitive
    "Tue, 01 Dec 2026 02:20:31 UTC",
    "Tue, 01 Dec 2026 02:20:31",
    "Tues, 01 Dec 2026 02:20:31 GMT",
    "Tuesday, 01-Dec-2026 02:20:31 GMT", // RFC 850 has two digits of year
    "Tue Dec 01 02:20:31 2026 GMT",
    "2026-12-01T02:20:31Z", // ISO 8601 is not an HTTP-date
    " Tue, 01 Dec 2026 02:20:31 GMT"
  ]) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(parseHttpDate(text, NOW)).toBeUndefined()
    })
  }
})

describe("retryAfterOf", () => {
  it("takes each date form, and seconds, when it is near now", () => {
    const at = Date.parse("2026-12-01T02:20:30Z")
    expect(retryAfterOf("Tue, 01 Dec 2026 02:20:30 GMT", NOW)).toBe(at)
    expect(retryAfterOf("Tuesday, 01-Dec-26 02:20:30 GMT", NOW)).toBe(at)
    expect(retryAfterOf("Tue Dec  1 02:20:30 2026", NOW)).toBe(at)
    expect(retryAfterOf("30", NOW)).toBe(at)
  })

  it("ignores a date long past, and reads one far ahead as 10 minutes away, whatever its form", () => {
    expect(retryAfterOf("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).toBeUndefined()
    expect(retryAfterOf("Tue Dec  1 02:20:30 2027", NOW)).toBe(NOW + 600_000)
  })
})
