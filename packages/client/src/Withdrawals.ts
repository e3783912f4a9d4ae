/**
 * Cancel and list withdrawals (Bybit V5 "Cancel Withdrawal" and "Get Withdrawal Records").
 *
 * @since 0.1.0
 */
import { Records, Rules, type Sweep } from "@effect-bybit/core"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { BybitClient, type RateLimitStatus } from "./BybitClient.js"
import type { CancelError, InvalidRequest, ListError } from "./BybitError.js"
import * as internal from "./internal/withdrawals.js"

/**
 * A withdrawal id: 1 to 20 digits, such as `"10197"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalId = Schema.String.check(
  Schema.makeFilter((s: string) => Rules.withdrawalIdProblem(s) ?? true)
).pipe(Schema.brand("WithdrawalId"))

/**
 * A checked withdrawal id.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalId = typeof WithdrawalId.Type

/**
 * A withdrawal status as Bybit spells it, or `"Unknown"`.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalStatus = Records.WithdrawalStatus

/**
 * `SecurityCheck` and `Pending`: a later status answers 131099.
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
 * A row that could not be read: its `index`, its `withdrawId` when readable, the field and rule.
 *
 * @since 0.1.0
 * @category models
 */
export interface MalformedRecord extends Records.MalformedRecord {}

/**
 * One page of records; `nextPageCursor` is `undefined` on the last.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithdrawalPage {
  readonly rows: ReadonlyArray<WithdrawalRecord>
  readonly malformed: ReadonlyArray<MalformedRecord>
  readonly nextPageCursor: string | undefined
  readonly rateLimit: RateLimitStatus | undefined
}

/**
 * The filters of `list`, all optional: `withdrawID`, `txID`, `coin` (upper-cased), `withdrawType`
 * (0 on-chain, the default; 1 off-chain; 2 all), `startTime`/`endTime` (ms, at most 30 days
 * apart; with neither, Bybit lists the last 30 days), `limit` (1..50), `cursor`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery extends Rules.ListQuery {}

/**
 * A successful cancel; `confirmedAfterRetry` when the record (`CancelByUser`) settled it.
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
 * The path of the records endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const listPath: string = internal.listPath

/**
 * Cancels a withdrawal (a bad id: `InvalidRequest`, nothing sent). Retries what is safe; once an
 * attempt may have been handled (no answer, 5xx, unreadable), the withdrawal's record decides
 * (`CancelByUser`: success; none: `CancelOutcomeUnknown`). 131002 with no such record:
 * `WithdrawalNotFound`. Concurrent cancels of one id share one request.
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
 * One page of records (bad filters: `InvalidRequest`); an unreadable row goes to `malformed`.
 *
 * @since 0.1.0
 * @category operations
 */
export const list = (query?: ListQuery): Effect.Effect<WithdrawalPage, ListError, BybitClient> =>
  BybitClient.use((client) => client.list(query))

/**
 * Every record matching the filters, page after page, malformed rows where they stood. A repeated
 * cursor or over 10 empty pages in a row: `UnreadableResponse`.
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
 * Which withdrawals `cancelAllPending` cancels: `coin`, `withdrawType` (default 2, all),
 * `startTime`/`endTime` (as `ListQuery`). A bad or unknown key is `InvalidRequest`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingFilter extends Sweep.PendingFilter {}

/**
 * One withdrawal's outcome: `Cancelled`, `NotCancellable` (`status`), `Failed` (the error; a
 * malformed row is never sent), `Unknown` (`detail`, `howToCheck`) or `NotSent` (stopped first).
 *
 * @since 0.1.0
 * @category models
 */
export type CancelAllOutcome = Sweep.Outcome<CancelError>

/**
 * The last item of `cancelAllPending`: counts per outcome and per coin, and `listError`, if any.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelAllSummary = Sweep.Summary<ListError>

/**
 * What a listing found: cancellable and malformed rows (each id once), and `listError`, if any.
 *
 * @since 0.1.0
 * @category models
 */
export type PendingWithdrawals = Sweep.Found<ListError>

/**
 * The cancellable and malformed rows matching the filter; a listing that stops part way keeps what
 * it found (`listError`). Fails only on a bad filter.
 *
 * @since 0.1.0
 * @category operations
 */
export const findPending = (filter?: PendingFilter): Effect.Effect<PendingWithdrawals, InvalidRequest, BybitClient> =>
  internal.findPending((query) => listAll(query as ListQuery), filter)

/**
 * Cancels what `findPending` found, one at a time, then the summary; never fails. Once `stop` is
 * `true` the rest are `NotSent` (a cancel in flight is never cut off).
 *
 * @since 0.1.0
 * @category operations
 */
export const cancelFound = (
  found: PendingWithdrawals,
  options: { readonly stop?: Effect.Effect<boolean> | undefined } = {}
): Stream.Stream<CancelAllOutcome | CancelAllSummary, never, BybitClient> =>
  internal.cancelFound(cancel, found, options.stop)

/**
 * `findPending` then `cancelFound`: one outcome per withdrawal in `CANCELLABLE_STATUSES` matching
 * the filter, then the summary. Fails only on a bad filter (`InvalidRequest`, nothing sent).
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
  internal.cancelAllPending(findPending(filter), (found) => cancelFound(found, options))
