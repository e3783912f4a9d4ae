/**
 * `@effect-bybit/client`: cancel Bybit withdrawals from Effect 4 programs, with typed errors, safe
 * retries and clock sync.
 *
 * @since 0.1.0
 */

/**
 * The `BybitClient` service, its layers and accessors.
 *
 * @since 0.1.0
 */
export * as BybitClient from "./BybitClient.js"

/**
 * Configuration: credentials, environments, options, `Config`.
 *
 * @since 0.1.0
 */
export * as BybitConfig from "./BybitConfig.js"

/**
 * Every error class and the union of each operation.
 *
 * @since 0.1.0
 */
export * as BybitError from "./BybitError.js"

/**
 * Cancel and list withdrawals.
 *
 * @since 0.1.0
 */
export * as Withdrawals from "./Withdrawals.js"
