/**
 * `@effect-bybit/core`: Bybit V5's rules as plain functions and data, shared by both Effect lines
 * of the client. No Effect.
 *
 * @since 0.1.0
 */

/**
 * What an answer means: classification into a success or a failure family.
 *
 * @since 0.1.0
 */
export * as Answer from "./Answer.js"
/**
 * The messages of the client lines' errors.
 *
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"
/**
 * When the next request to an endpoint may go.
 *
 * @since 0.1.0
 */
export * as Pacing from "./Pacing.js"
/**
 * Rate-limit headers and `Retry-After`.
 *
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * Withdrawal statuses and records, decoded row by row.
 *
 * @since 0.1.0
 */
export * as Records from "./Records.js"
/**
 * The rules of every input: ids, filters, coins, credentials, base URLs.
 *
 * @since 0.1.0
 */
export * as Rules from "./Rules.js"
/**
 * The one scrubber for server text.
 *
 * @since 0.1.0
 */
export * as Scrub from "./Scrub.js"
/**
 * Cancelling every pending withdrawal: filter, outcomes, summary, exit codes.
 *
 * @since 0.1.0
 */
export * as Sweep from "./Sweep.js"
