// Bybit's rate-limit headers and `Retry-After` (V5 "Rate Limit Rules"), read so that no single bad
// answer can poison later calls: an insane value is ignored, never kept.
import type { Answer } from "../Answer.js"
import type { RateLimitStatus } from "../RateLimit.js"

type Headers = Answer["headers"]

/**
 * How far from now (either way) a reset time is believed. Bybit's windows are 1 s to 1 min and its
 * IP ban lasts "at least 10 minutes"; a reset further away, kept, would hold every later request.
 */
export const MAX_RESET_DISTANCE_MS = 600_000

/** Bybit's documented per-UID limits of the endpoints the client calls (asset/withdraw pages). */
export const DOCUMENTED_LIMITS: ReadonlyMap<string, { readonly limit: number; readonly windowMs: number }> = new Map([
  ["/v5/asset/withdraw/cancel", { limit: 60, windowMs: 60_000 }],
  ["/v5/asset/withdraw/query-record", { limit: 300, windowMs: 60_000 }],
  ["/v5/asset/withdraw/create", { limit: 5, windowMs: 1_000 }]
])

const integerIn = (value: string | undefined, min: number, max: number): number | undefined => {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined
  const n = Number(value)
  return n >= min && n <= max ? n : undefined
}

const resetHeader = (headers: Headers) => integerIn(headers["x-bapi-limit-reset-timestamp"], 1e12, 1e13 - 1)

/** `resetAt` when it is a finite time within `MAX_RESET_DISTANCE_MS` of `now`. */
export const plausibleResetAt = (resetAt: number | undefined, now: number): number | undefined =>
  resetAt !== undefined && Number.isFinite(resetAt) && Math.abs(resetAt - now) <= MAX_RESET_DISTANCE_MS
    ? resetAt
    : undefined

/** A time not in the past beyond the bound; a far future one is cut to the bound, never "unknown". */
const boundedAhead = (at: number | undefined, now: number): number | undefined =>
  at === undefined || !Number.isFinite(at) || at < now - MAX_RESET_DISTANCE_MS
    ? undefined
    : Math.min(at, now + MAX_RESET_DISTANCE_MS)

/** The reset timestamp alone, for an error's `resetAt` (403 and 429 may carry it without the others). */
export const resetAtOf = (headers: Headers, now: number): number | undefined => boundedAhead(resetHeader(headers), now)

/** The three headers, or `undefined` when any is missing or not sane. */
export const fromHeaders = (path: string, headers: Headers, now: number): RateLimitStatus | undefined => {
  const limit = integerIn(headers["x-bapi-limit"], 0, 1_000_000)
  const remaining = integerIn(headers["x-bapi-limit-status"], 0, 1_000_000)
  const resetAt = plausibleResetAt(resetHeader(headers), now)
  // More left than the limit is no status at all: taken as it is, it would let a whole queue go at once.
  if (limit === undefined || remaining === undefined || resetAt === undefined || remaining > limit) return undefined
  return { path, limit, remaining, resetAt }
}

/** `Retry-After` as a time: whole seconds or an HTTP-date (RFC 9110 §10.2.3), bounded as above. */
export const retryAfterOf = (value: string | undefined, now: number): number | undefined => {
  const text = value?.trim()
  if (text === undefined) return undefined
  return boundedAhead(/^\d{1,12}$/.test(text) ? now + Number(text) * 1000 : parseHttpDate(text, now), now)
}

// An HTTP-date (RFC 9110 §5.6.7) in the three forms a recipient must accept:
//   Sun, 06 Nov 1994 08:49:37 GMT     IMF-fixdate
//   Sunday, 06-Nov-94 08:49:37 GMT    RFC 850 (two-digit year)
//   Sun Nov  6 08:49:37 1994          asctime (day padded with a space)
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
const MONTH = `(?<month>${MONTHS.join("|")})`
const TIME = "(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})"
const FORMS = [
  new RegExp(`^${DAY}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  new RegExp(`^${LONG_DAY}, (?<day>\\d{2})-${MONTH}-(?<year>\\d{2}) ${TIME} GMT$`),
  new RegExp(`^${DAY} ${MONTH} (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`)
]

/** Milliseconds since the epoch of an HTTP-date, else `undefined` (also for 31 Feb or hour 24). */
export const parseHttpDate = (text: string, now: number): number | undefined => {
  const date = FORMS.map((form) => form.exec(text)?.groups).find((groups) => groups !== undefined)
  if (date === undefined) return undefined
  const month = MONTHS.indexOf(date.month!)
  const day = Number(date.day)
  let year = Number(date.year)
  if (date.year!.length === 2) {
    // RFC 850: a year more than 50 years ahead is the most recent past year with those digits.
    const nowYear = new Date(now).getUTCFullYear()
    year += nowYear - (nowYear % 100)
    if (year > nowYear + 50) year -= 100
  }
  // 60 is a leap second, as RFC 9110 allows (Date.UTC carries it over); 31 Feb would roll into March.
  if (Number(date.hour) > 23 || Number(date.minute) > 59 || Number(date.second) > 60) return undefined
  if (day < 1 || new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined
  return Date.UTC(year, month, day, Number(date.hour), Number(date.minute), Number(date.second))
}
