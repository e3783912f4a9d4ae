/**
 * The rate-limit status Bybit's headers give (`X-Bapi-Limit`, `X-Bapi-Limit-Status`,
 * `X-Bapi-Limit-Reset-Timestamp`; V5 "Rate Limit Rules"). Insane values are ignored, never kept.
 *
 * @since 0.1.0
 */

/**
 * The endpoint's `limit`, requests `remaining` in the window, and `resetAt` (ms since the epoch,
 * server time), with the `path` it belongs to.
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
