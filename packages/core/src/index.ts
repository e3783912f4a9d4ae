/**
 * `@effect-bybit/core`: Bybit V5's rules as plain functions and data, shared by both Effect lines
 * of the client. No Effect.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Answer from "./Answer.js"
/**
 * @since 0.1.0
 */
export * as Errors from "./Errors.js"
/**
 * @since 0.1.0
 */
export * as Pacing from "./Pacing.js"
/**
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * @since 0.1.0
 */
export * as Records from "./Records.js"
/**
 * @since 0.1.0
 */
export * as Rules from "./Rules.js"
/**
 * @since 0.1.0
 */
export * as Scrub from "./Scrub.js"
/**
 * @since 0.1.0
 */
export * as Sweep from "./Sweep.js"
