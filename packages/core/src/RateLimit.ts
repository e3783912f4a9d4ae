/**
 * The rate-limit status Bybit's headers give (V5 "Rate Limit Rules").
 *
 * @since 0.1.0
 */

/**
 * An endpoint's `X-Bapi-Limit` (`limit`), `X-Bapi-Limit-Status` (`remaining` in the window) and
 * `X-Bapi-Limit-Reset-Timestamp` (`resetAt`, ms since the epoch, server time).
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
