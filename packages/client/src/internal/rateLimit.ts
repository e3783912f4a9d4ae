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

/** The reset timestamp alone (present on 403/429 answers too), when sane. */
export const resetAtOf = (headers: Readonly<Record<string, string | undefined>>): number | undefined =>
  integerIn(headers["x-bapi-limit-reset-timestamp"], MIN_RESET, MAX_RESET)

/**
 * Reads the three headers; `undefined` when any is missing or not sane (kept state must never be
 * poisoned by one bad answer).
 */
export const fromHeaders = (
  path: string,
  headers: Readonly<Record<string, string | undefined>>
): RateLimitStatus | undefined => {
  const limit = integerIn(headers["x-bapi-limit"], 0, MAX_LIMIT)
  const remaining = integerIn(headers["x-bapi-limit-status"], 0, MAX_LIMIT)
  const resetAt = resetAtOf(headers)
  if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined
  return { path, limit, remaining, resetAt }
}
