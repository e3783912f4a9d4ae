/**
 * Bybit's rate-limit headers (`X-Bapi-Limit`, `X-Bapi-Limit-Status`, `X-Bapi-Limit-Reset-Timestamp`)
 * and `Retry-After`, read so that no single bad answer can poison later calls: an insane value is
 * ignored, never kept. Source: Bybit V5 "Rate Limit Rules".
 *
 * @since 0.1.0
 */
import { parseHttpDate } from "./internal/httpDate.js"

/**
 * The rate-limit status of an answer: the endpoint's `limit`, requests `remaining` in the window,
 * and `resetAt` (ms since the epoch, server time), with the `path` it belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStatus {
  readonly path: string
  readonly limit: number
  readonly remaining: number
  readonly resetAt: number
}

/**
 * Headers as the transports give them: lower-case names.
 *
 * @since 0.1.0
 * @category models
 */
export type Headers = Readonly<Record<string, string | undefined>>

/**
 * How far from now (either way) a reset time may be to be believed: 10 minutes. Bybit's windows
 * are 1 s to 1 min and its IP ban lasts "at least 10 minutes"; a reset further away, kept, would
 * hold every later request until a restart.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_RESET_DISTANCE_MS = 600_000

const integerIn = (value: string | undefined, min: number, max: number): number | undefined => {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined
  const n = Number(value)
  return n >= min && n <= max ? n : undefined
}

/**
 * `resetAt` when it is a finite time within `MAX_RESET_DISTANCE_MS` of `now`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const plausibleResetAt = (resetAt: number | undefined, now: number): number | undefined =>
  resetAt !== undefined && Number.isFinite(resetAt) && Math.abs(resetAt - now) <= MAX_RESET_DISTANCE_MS
    ? resetAt
    : undefined

/**
 * The reset timestamp alone (403 and 429 answers may carry it without the others), for an error's
 * `resetAt`: one further ahead than `MAX_RESET_DISTANCE_MS` is that far (a wait no caller takes),
 * never "unknown" (which would be retried at once).
 *
 * @since 0.1.0
 * @category parsing
 */
export const resetAtOf = (headers: Headers, now: number): number | undefined =>
  boundedAhead(integerIn(headers["x-bapi-limit-reset-timestamp"], 1e12, 1e13 - 1), now)

/** A time in the plausible range, a far future one cut to the bound, anything else `undefined`. */
const boundedAhead = (at: number | undefined, now: number): number | undefined => {
  if (at === undefined || !Number.isFinite(at) || at < now - MAX_RESET_DISTANCE_MS) return undefined
  return Math.min(at, now + MAX_RESET_DISTANCE_MS)
}

/**
 * The three headers, or `undefined` when any is missing or not sane.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromHeaders = (path: string, headers: Headers, now: number): RateLimitStatus | undefined => {
  const limit = integerIn(headers["x-bapi-limit"], 0, 1_000_000)
  const remaining = integerIn(headers["x-bapi-limit-status"], 0, 1_000_000)
  const resetAt = plausibleResetAt(integerIn(headers["x-bapi-limit-reset-timestamp"], 1e12, 1e13 - 1), now)
  if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined
  // More left than the limit is no status at all: taken as it is, it would let a whole queue go at once.
  if (remaining > limit) return undefined
  return { path, limit, remaining, resetAt }
}

/**
 * `Retry-After` as a time: whole seconds, or an HTTP-date in any of its three forms (RFC 9110
 * §10.2.3); one further ahead than `MAX_RESET_DISTANCE_MS` is that far; anything else `undefined`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const retryAfterOf = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d{1,12}$/.test(text)) return boundedAhead(now + Number(text) * 1000, now)
  return boundedAhead(parseHttpDate(text, now), now)
}

/**
 * Bybit's documented per-UID limits of the endpoints this client calls (V5 "Rate Limit Rules",
 * asset/withdraw pages): cancel 60/min, withdrawal records 300/min, create 5/s.
 *
 * @since 0.1.0
 * @category constants
 */
export const DOCUMENTED_LIMITS: ReadonlyMap<string, { readonly limit: number; readonly windowMs: number }> = new Map([
  ["/v5/asset/withdraw/cancel", { limit: 60, windowMs: 60_000 }],
  ["/v5/asset/withdraw/query-record", { limit: 300, windowMs: 60_000 }],
  ["/v5/asset/withdraw/create", { limit: 5, windowMs: 1_000 }]
])
