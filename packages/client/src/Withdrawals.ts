/**
 * Cancel and list withdrawals (Bybit V5 "Cancel Withdrawal", `POST /v5/asset/withdraw/cancel`, and
 * "Get Withdrawal Records", `GET /v5/asset/withdraw/query-record`).
 *
 * @since 0.1.0
 */
import { Records, Rules } from "@effect-bybit/core"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { BybitClient, type RateLimitStatus } from "./BybitClient.js"
import type { CancelError, ListError } from "./BybitError.js"
import * as internal from "./internal/withdrawals.js"

/**
 * A withdrawal id: 1 to 20 digits (Bybit's ids are numeric strings such as `"10197"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalId = Schema.String.check(
  Schema.makeFilter((s: string) => Rules.withdrawalIdProblem(s) ?? true)
).pipe(Schema.brand("WithdrawalId"))

/**
 * A validated withdrawal id.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalId = typeof WithdrawalId.Type

/**
 * A withdrawal status, as Bybit spells it; one this client does not know is `"Unknown"`.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalStatus = Records.WithdrawalStatus

/**
 * The statuses that can be cancelled: `SecurityCheck` and `Pending` (before the hot wallet; any
 * other answers 131099).
 *
 * @since 0.1.0
 * @category constants
 */
export const CANCELLABLE_STATUSES: ReadonlyArray<WithdrawalStatus> = Records.CANCELLABLE_STATUSES

/**
 * One withdrawal record; times in ms since the epoch, amounts as decimal strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithdrawalRecord extends Records.WithdrawalRecord {}

/**
 * A row that could not be read: its index on the page, its `withdrawId` when readable, and the
 * field and rule it breaks. Reported, never dropped.
 *
 * @since 0.1.0
 * @category models
 */
export interface MalformedRecord extends Records.MalformedRecord {}

/**
 * One page of withdrawal records.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithdrawalPage {
  readonly rows: ReadonlyArray<WithdrawalRecord>
  /** Rows that could not be read, each with its index and reason. */
  readonly malformed: ReadonlyArray<MalformedRecord>
  /** The cursor of the next page; `undefined` on the last one. */
  readonly nextPageCursor: string | undefined
  readonly rateLimit: RateLimitStatus | undefined
}

/**
 * The filters of `list`, all optional: `withdrawID`, `txID`, `coin` (lower case is upper-cased),
 * `withdrawType` (0 on-chain, Bybit's default; 1 off-chain; 2 all), `startTime`/`endTime` (ms, at
 * most 30 days apart), `limit` (1..50), `cursor`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery extends Rules.ListQuery {}

/**
 * A successful cancel. `confirmedAfterRetry` is `true` when an attempt may have been handled and the
 * exchange's record (`CancelByUser`) settled it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CancelResult {
  readonly id: string
  readonly status: "cancelled"
  readonly confirmedAfterRetry: boolean
  readonly rateLimit: RateLimitStatus | undefined
}

/**
 * The path of the cancel endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const cancelPath: string = internal.cancelPath

/**
 * The path of the withdrawal records endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const listPath: string = internal.listPath

/**
 * Cancels a withdrawal. The id is checked first (`InvalidRequest` names the field and rule; nothing
 * is sent). Retries what is safe (transport failures, outages, rate limits after their reset, 10002
 * after a clock re-sync). Once an attempt may have been handled (no answer, 5xx, unreadable), the
 * verdict comes from the withdrawal's record: `CancelByUser` is success; if the record cannot be read
 * either, `CancelOutcomeUnknown`. 131002 is `WithdrawalNotFound` when the account has no such
 * withdrawal. Concurrent cancels of one id on one client share one request.
 *
 * @example
 * ```ts
 * Withdrawals.cancel({ id: "10197" }).pipe(
 *   Effect.catchTags({
 *     WithdrawalNotCancellable: (e) => Console.log(`too late: ${e.status ?? "status unknown"}`),
 *     RateLimitExceeded: (e) => Console.log(`slow down until ${e.resetAt}`)
 *   })
 * )
 * ```
 * @since 0.1.0
 * @category operations
 */
export const cancel = (input: { readonly id: string }): Effect.Effect<CancelResult, CancelError, BybitClient> =>
  BybitClient.use((client) => client.cancel(input))

/**
 * One page of withdrawal records. The filters are checked first; rows are decoded one by one, and
 * one that cannot be read is in `malformed`, never hiding the others.
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (query?: ListQuery): Effect.Effect<WithdrawalPage, ListError, BybitClient> =>
  BybitClient.use((client) => client.list(query))

/**
 * Every record matching the filters, page after page, with each malformed row (`_tag:
 * "MalformedRecord"`) where it stood. Fails with `UnreadableResponse` if the server repeats a cursor
 * or sends more than 10 empty pages in a row.
 *
 * @since 0.1.0
 * @category operations
 */
export const listAll = (
  query: ListQuery = {}
): Stream.Stream<WithdrawalRecord | MalformedRecord, ListError, BybitClient> => internal.listAll(list, query)

/**
 * Whether a `listAll` item is a malformed row.
 *
 * @since 0.1.0
 * @category guards
 */
export const isMalformedRecord = (item: WithdrawalRecord | MalformedRecord): item is MalformedRecord =>
  "_tag" in item && item._tag === "MalformedRecord"
