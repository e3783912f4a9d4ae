/**
 * Every bound on what the exchange keeps, in one place: whatever a test (or a hostile client of
 * the admin API) sends, memory stays bounded. The README's "Bounds" table lists them.
 */

/**
 * A store or queue is full: `inject`, `addWithdrawal` and the admin API refuse more (HTTP 413).
 *
 * @since 0.1.0
 * @category errors
 */
export class CapacityError extends RangeError {
  override readonly name = "CapacityError"
}

/**
 * The most faults pending at once.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PENDING_FAULTS = 1000

/**
 * The longest `retMsg` of a `RetCode` fault, `path` of a fault, name or value of its `match` (at
 * most `matchNames` names), in characters, and a `RetCode` fault's `result`/`retExtInfo` as JSON.
 *
 * @since 0.1.0
 * @category constants
 */
export const FAULT_TEXT_LIMITS = { retMsg: 1024, path: 256, match: 256, matchNames: 8, bodyJson: 4096 } as const

/**
 * The most withdrawals an exchange holds (seeded, added and created together).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_WITHDRAWALS = 10_000

/**
 * The longest text field of a withdrawal (`uid`, `chain`, `toAddress`, `tag`, `txID`), in characters.
 *
 * @since 0.1.0
 * @category constants
 */
export const WITHDRAWAL_TEXT_CHARS = 128

/**
 * The largest admin request body, in bytes: its own cap, whatever the exchange's `maxBodyBytes`
 * (an admin body is a fault, a clock move or one withdrawal: well under 1 KiB).
 *
 * @since 0.1.0
 * @category constants
 */
export const ADMIN_MAX_BODY_BYTES = 64 * 1024

/**
 * The most entries one admin list answer holds (`?limit=`, default this; `?offset=` pages on), so
 * no admin answer holds the event loop for long.
 *
 * @since 0.1.0
 * @category constants
 */
export const ADMIN_PAGE_MAX = 1000

/**
 * The most bytes of JSON one page of an admin list holds (at least one item): a page of big,
 * escape-heavy entries is cut here rather than block the event loop while it is written.
 *
 * @since 0.1.0
 * @category constants
 */
export const ADMIN_PAGE_BYTES = 1_048_576

/**
 * The most API keys an exchange holds (seeded and added at run time together).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_ACCOUNTS = 100

/**
 * The longest `Latency` fault, in milliseconds (ten minutes): well under what `setTimeout` holds.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_LATENCY_MS = 600_000
