import * as Schema from "effect/Schema"

/**
 * The rate-limit headers of a response: `X-Bapi-Limit`, `X-Bapi-Limit-Status` and
 * `X-Bapi-Limit-Reset-Timestamp`.
 */
export const RateLimitStatus = Schema.Struct({
  /** The request path the status belongs to. */
  path: Schema.String,
  /** The endpoint's limit (`X-Bapi-Limit`). */
  limit: Schema.Number,
  /** Requests left in the current window (`X-Bapi-Limit-Status`). */
  remaining: Schema.Number,
  /** When the limit resets, ms since the epoch, server time (`X-Bapi-Limit-Reset-Timestamp`). */
  resetAt: Schema.Number
}).annotations({ identifier: "RateLimitStatus" })

/** The rate-limit status of a response (a plain, immutable object). */
export interface RateLimitStatus extends Schema.Schema.Type<typeof RateLimitStatus> {}

const toNumber = (value: string | undefined): number | undefined => {
  if (value === undefined || value === "") return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

/** The reset timestamp alone (present on 403/429 answers too). */
export const resetAtOf = (headers: Readonly<Record<string, string | undefined>>): number | undefined =>
  toNumber(headers["x-bapi-limit-reset-timestamp"])

/** Reads the three headers; `undefined` when any is missing or not a number. */
export const fromHeaders = (
  path: string,
  headers: Readonly<Record<string, string | undefined>>
): RateLimitStatus | undefined => {
  const limit = toNumber(headers["x-bapi-limit"])
  const remaining = toNumber(headers["x-bapi-limit-status"])
  const resetAt = toNumber(headers["x-bapi-limit-reset-timestamp"])
  if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined
  return { path, limit, remaining, resetAt }
}
