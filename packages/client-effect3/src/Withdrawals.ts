/**
 * Cancel and list withdrawals (Bybit V5 "Cancel Withdrawal", `POST /v5/asset/withdraw/cancel`, and
 * "Get Withdrawal Records", `GET /v5/asset/withdraw/query-record`).
 *
 * @since 0.1.0
 */
import { Records, Rules, type Sweep } from "@effect-bybit/core"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { BybitClient, type RateLimitStatus } from "./BybitClient.js"
import type { CancelError, InvalidRequest, ListError } from "./BybitError.js"
import * as sweep from "./internal/sweep.js"
import * as internal from "./internal/withdrawals.js"

/**
 * A withdrawal id: 1 to 20 digits (Bybit's ids are numeric strings such as `"10197"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalId = Schema.String.pipe(
  Schema.filter((s) => Rules.withdrawalIdProblem(s) ?? true),
  Schema.brand("WithdrawalId")
)

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
  Effect.flatMap(BybitClient, (client) => client.cancel(input))

/**
 * One page of withdrawal records. The filters are checked first; rows are decoded one by one, and
 * one that cannot be read is in `malformed`, never hiding the others.
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (query?: ListQuery): Effect.Effect<WithdrawalPage, ListError, BybitClient> =>
  Effect.flatMap(BybitClient, (client) => client.list(query))

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

/**
 * Which withdrawals `cancelAllPending` cancels, all optional: `coin` (upper-case letters and digits,
 * as Bybit names coins; lower case is upper-cased, anything else is `InvalidRequest` naming `coin`),
 * `withdrawType` (0 on-chain, 1 off-chain, 2 all; default 2), `startTime`/`endTime` (ms since the
 * epoch, at most 30 days apart; with neither, Bybit lists the last 30 days). Any other key is
 * `InvalidRequest` naming it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingFilter extends Sweep.PendingFilter {}

/**
 * The outcome of one withdrawal of `cancelAllPending`: `Cancelled` (`confirmedAfterRetry` when the
 * record settled it); `NotCancellable` with the `status` found; `Failed` with the typed error (a
 * malformed row: `UnreadableResponse`, no cancel sent); `Unknown` with `detail` and `howToCheck`;
 * `NotSent` when the sweep was stopped first.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelAllOutcome = Sweep.Outcome<CancelError>

/**
 * The last item of `cancelAllPending`: counts of each outcome, what was found per coin (count and
 * exact total), rows skipped as past cancelling, and `listError` when the listing stopped early.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelAllSummary = Sweep.Summary<ListError>

/**
 * What a listing found to cancel: cancellable rows and malformed rows (each id once), the count of
 * rows past cancelling, and `listError` when the listing stopped early.
 *
 * @since 0.1.0
 * @category models
 */
export type PendingWithdrawals = Sweep.Found<ListError>

/**
 * Lists every withdrawal matching the filter, page after page, and keeps those still cancellable
 * (`CANCELLABLE_STATUSES`) and the malformed rows. A listing that fails part way is not a failure:
 * what was found is kept, with the error as `listError`. Fails only on a bad filter.
 *
 * @since 0.1.0
 * @category operations
 */
export const findPending = (filter?: PendingFilter): Effect.Effect<PendingWithdrawals, InvalidRequest, BybitClient> =>
  sweep.findPending((query) => listAll(query as ListQuery), filter)

/**
 * Cancels what `findPending` found, one request per id, in turn (the client paces them and settles
 * a lost answer from the record), and ends with the summary; never fails. `stop` is asked before
 * each cancel: once it is `true` the rest are `NotSent` (a cancel in flight is never cut off, and
 * interrupting the stream waits for it too).
 *
 * @since 0.1.0
 * @category operations
 */
export const cancelFound = (
  found: PendingWithdrawals,
  options: { readonly stop?: Effect.Effect<boolean> | undefined } = {}
): Stream.Stream<CancelAllOutcome | CancelAllSummary, never, BybitClient> =>
  sweep.cancelFound(cancel, found, options.stop)

/**
 * Cancels every withdrawal still cancellable that matches the filter: the statuses in
 * `CANCELLABLE_STATUSES`, `SecurityCheck` and `Pending` (Bybit's Cancel Withdrawal page lists none;
 * any status past them answers 131099, "Hot wallet status can cancel the withdraw", in Bybit's
 * error table; see `@effect-bybit/core`'s `Records`). `findPending` then `cancelFound`: a `Stream`
 * of one outcome per withdrawal found (every id once, malformed rows included), then the summary.
 * Fails only on a bad filter (`InvalidRequest` naming the field and rule, before any request).
 *
 * @example
 * ```ts
 * Withdrawals.cancelAllPending({ coin: "USDT" }).pipe(
 *   Stream.runForEach((item) => Console.log(item._tag === "Summary" ? item : `${item.id}: ${item._tag}`))
 * )
 * ```
 * @since 0.1.0
 * @category operations
 */
export const cancelAllPending = (
  filter?: PendingFilter,
  options: { readonly stop?: Effect.Effect<boolean> | undefined } = {}
): Stream.Stream<CancelAllOutcome | CancelAllSummary, InvalidRequest, BybitClient> =>
  sweep.cancelAllPending(findPending(filter), (found) => cancelFound(found, options))
