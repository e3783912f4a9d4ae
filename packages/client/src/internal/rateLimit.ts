import type { RateLimitStatus } from "../BybitClient.js"

/** A decimal integer within `[min, max]`; anything else (`0x10`, `-5`, `1e300`, `12abc`) is ignored. */
const integerIn = (value: string | undefined, min: number, max: number): number | undefined => {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined
  const n = Number(value)
  return n >= min && n <= max ? n : undefined
}

/** The most requests per window any endpoint allows (Bybit's are in the tens to hundreds). */
const MAX_LIMIT = 1_000_000
/** A reset time in ms since the epoch: from 2001-09-09 to 2286-11-20 (13 digits). */
const MIN_RESET = 1e12
const MAX_RESET = 1e13 - 1

/**
 * How far from now (server time, either way) a reset time the exchange sends may be: 10 minutes
 * (600,000 ms). Bybit's rate-limit windows are 1 s to 1 min; its IP ban lasts "at least 10 minutes"
 * (V5 "Rate Limit Rules" page). A reset further away is not believed: kept, it would hold or refuse
 * every later request until a restart.
 */
export const MAX_RESET_DISTANCE_MS = 600_000

/** `resetAt` (ms since the epoch, server time) when within `MAX_RESET_DISTANCE_MS` of `now`. */
export const plausibleResetAt = (resetAt: number | undefined, now: number): number | undefined =>
  resetAt !== undefined && Number.isFinite(resetAt) && Math.abs(resetAt - now) <= MAX_RESET_DISTANCE_MS
    ? resetAt
    : undefined

/** The reset timestamp alone (present on 403/429 answers too), when sane and near `now` (server time, ms). */
export const resetAtOf = (headers: Readonly<Record<string, string | undefined>>, now: number): number | undefined =>
  plausibleResetAt(integerIn(headers["x-bapi-limit-reset-timestamp"], MIN_RESET, MAX_RESET), now)

/**
 * Reads the three headers; `undefined` when any is missing or not sane, a reset time further than
 * `MAX_RESET_DISTANCE_MS` from `now` (server time, ms) included (kept state must never be poisoned
 * by one bad answer).
 */
export const fromHeaders = (
  path: string,
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): RateLimitStatus | undefined => {
  const limit = integerIn(headers["x-bapi-limit"], 0, MAX_LIMIT)
  const remaining = integerIn(headers["x-bapi-limit-status"], 0, MAX_LIMIT)
  const resetAt = resetAtOf(headers, now)
  if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined
  return { path, limit, remaining, resetAt }
}
