/**
 * Withdrawals: cancel one (`POST /v5/asset/withdraw/cancel`), list them
 * (`GET /v5/asset/withdraw/query-record`), and the schemas of both.
 *
 * @since 0.1.0
 */
import type { QueryParams } from "@effect-bybit/signing"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import { BybitClient, RateLimitStatus } from "./BybitClient.js"
import {
  type CancelError,
  CancelFailed,
  InvalidRequest,
  type ListError,
  type RequestError,
  UnreadableResponse,
  WithdrawalNotCancellable,
  WithdrawalNotFound
} from "./BybitError.js"
import { mayHaveBeenHandled } from "./internal/classify.js"
import { invalidInput } from "./internal/invalidInput.js"
import * as SingleFlight from "./internal/singleFlight.js"

// The longest withdrawal id, in digits. Bybit documents the id as a string only; every id in its
// pages and in the records clients show is a decimal integer ("9976", "8839035", "131629076"), and
// 20 digits hold any unsigned 64-bit integer.
const WITHDRAWAL_ID_MAX_DIGITS = 20

const WITHDRAWAL_ID = /^\d{1,20}$/

/** Why a string is not a withdrawal id (`true` when it is one). */
const withdrawalIdCheck = (s: string): true | string => {
  if (WITHDRAWAL_ID.test(s)) return true
  if (s.length === 0) return "must not be empty"
  if (s.trim().length === 0) return "must not be blank"
  if (/\s/.test(s)) return "must not contain whitespace"
  if (s.length > WITHDRAWAL_ID_MAX_DIGITS) {
    return `must be at most ${WITHDRAWAL_ID_MAX_DIGITS} digits (got ${s.length} characters)`
  }
  return "must contain only digits 0-9"
}

/**
 * A withdrawal id: 1 to 20 digits (Bybit's ids are numeric strings such as `"10197"`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalId = Schema.String.pipe(
  Schema.filter(withdrawalIdCheck),
  Schema.brand("WithdrawalId"),
  Schema.annotations({ identifier: "WithdrawalId" })
)

/**
 * A validated withdrawal id.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalId = typeof WithdrawalId.Type

/**
 * The statuses of a withdrawal, as Bybit spells them. Only `SecurityCheck` and `Pending` can be
 * cancelled.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalStatus = Schema.Literal(
  "SecurityCheck",
  "Pending",
  "success",
  "CancelByUser",
  "Reject",
  "Fail",
  "BlockchainConfirmed",
  "MoreInformationRequired",
  "Unknown"
)

/**
 * A withdrawal status.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalStatus = typeof WithdrawalStatus.Type

/**
 * The statuses a user can cancel: the withdrawal has not left the exchange (Bybit's Cancel
 * Withdrawal page; any other status answers 131099).
 *
 * @since 0.1.0
 * @category constants
 */
export const CANCELLABLE_STATUSES: ReadonlyArray<WithdrawalStatus> = ["SecurityCheck", "Pending"]

const isStatus = Schema.is(WithdrawalStatus)

/**
 * A status as sent by the exchange: a status this client does not know becomes `"Unknown"`
 * instead of failing the whole page.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WithdrawalStatusFromString = Schema.transform(Schema.String, WithdrawalStatus, {
  strict: true,
  decode: (s) => (isStatus(s) ? s : "Unknown"),
  encode: (s) => s
})

const MillisFromString = Schema.NumberFromString.pipe(Schema.int())
const optionalText = Schema.optionalWith(Schema.String, { default: () => "" })

/**
 * One row of `GET /v5/asset/withdraw/query-record`. Times are ms since the epoch.
 *
 * @since 0.1.0
 * @category schemas
 */
export class WithdrawalRecord extends Schema.Class<WithdrawalRecord>("WithdrawalRecord")({
  withdrawId: WithdrawalId,
  /** The transaction hash; `""` when cancelled, failed or not yet sent. */
  txID: optionalText,
  /** 0 on-chain, 1 off-chain (internal transfer). */
  withdrawType: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  coin: Schema.String,
  chain: optionalText,
  amount: Schema.String,
  withdrawFee: optionalText,
  status: WithdrawalStatusFromString,
  toAddress: optionalText,
  tag: optionalText,
  createTime: MillisFromString,
  updateTime: MillisFromString
}) {}

/**
 * A page of withdrawals and the cursor of the next one.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithdrawalPage {
  readonly rows: ReadonlyArray<WithdrawalRecord>
  /** The cursor of the next page; `undefined` on the last one. */
  readonly nextPageCursor: string | undefined
  /** The rate-limit status of the answer, when sent. */
  readonly rateLimit: RateLimitStatus | undefined
}

// The longest cursor sent back. Bybit documents no bound (its cursors are short opaque tokens);
// 512 leaves them room while keeping a query, and any error about one, small.
const CURSOR_MAX_LENGTH = 512

/**
 * Why a string cannot be sent as `cursor` (`true` when it can). One rule for the caller's cursor and
 * the server's `nextPageCursor`, which the next page sends back as `cursor`. The messages describe
 * the value (length, position of the whitespace), never quote it.
 */
const cursorCheck = (s: string): true | string => {
  if (s.length === 0) return "must not be empty"
  if (s.length > CURSOR_MAX_LENGTH) return `must be at most ${CURSOR_MAX_LENGTH} characters (got ${s.length})`
  if (/^\s/.test(s)) return `must not start or end with whitespace (whitespace at position 1 of ${s.length})`
  if (/\s$/.test(s)) return `must not start or end with whitespace (whitespace at position ${s.length} of ${s.length})`
  return true
}

const Cursor = Schema.String.pipe(Schema.filter(cursorCheck))

// A page whose cursor could not be sent back is refused when it is read (`UnreadableResponse`, the
// server's fault), not when the next request is built (that would blame the caller).
const PageResult = Schema.Struct({
  rows: Schema.Array(WithdrawalRecord),
  /** `""` on the last page. */
  nextPageCursor: Schema.optionalWith(
    Schema.String.pipe(
      Schema.filter((s) => s === "" || cursorCheck(s)),
      Schema.annotations({ identifier: "NextPageCursor" })
    ),
    // `exact`: no `undefined` member, whose failure would quote the server's text.
    { default: () => "", exact: true }
  )
}).annotations({ identifier: "WithdrawalPageResult" })
const decodePageResult = Schema.decodeUnknownEither(PageResult)

const Millis = Schema.Int.pipe(Schema.nonNegative())

/**
 * The filters of `list`: all optional; `limit` 1..50 (the exchange's default is 50).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListQuery = Schema.Struct({
  withdrawID: Schema.optional(WithdrawalId),
  txID: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(128))),
  coin: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9]{1,20}$/))),
  /** 0 on-chain (default), 1 off-chain, 2 all. */
  withdrawType: Schema.optional(Schema.Literal(0, 1, 2)),
  startTime: Schema.optional(Millis),
  endTime: Schema.optional(Millis),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 50))),
  cursor: Schema.optional(Cursor)
}).pipe(
  Schema.filter((q) =>
    q.startTime !== undefined && q.endTime !== undefined && q.startTime > q.endTime
      ? { path: ["startTime"], message: "startTime must not be after endTime" }
      : true
  )
)

/**
 * The filters of `list`.
 *
 * @since 0.1.0
 * @category models
 */
export type ListQuery = typeof ListQuery.Type

/**
 * What `list` takes: the encoded form of `ListQuery` (plain strings and numbers).
 *
 * @since 0.1.0
 * @category models
 */
export type ListInput = typeof ListQuery.Encoded

/**
 * What `cancel` takes: the withdrawal id.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CancelInput = Schema.Struct({ id: WithdrawalId })

/**
 * Schema of a successful cancel. `confirmedAfterRetry` is `true` when an attempt's answer was lost and the
 * cancel was confirmed by looking the withdrawal up (status `CancelByUser`).
 *
 * @since 0.1.0
 * @category models
 */
export const CancelResult = Schema.Struct({
  id: WithdrawalId,
  status: Schema.Literal("cancelled"),
  confirmedAfterRetry: Schema.Boolean,
  rateLimit: Schema.UndefinedOr(RateLimitStatus)
}).annotations({ identifier: "CancelResult" })

/**
 * A successful cancel (a plain, immutable object).
 *
 * @since 0.1.0
 * @category models
 */
export interface CancelResult extends Schema.Schema.Type<typeof CancelResult> {}

const CancelResponseResult = Schema.Struct({ status: Schema.Literal(0, 1) })
const decodeCancelResponse = Schema.decodeUnknownEither(CancelResponseResult)

const decodeCancelInput = Schema.decodeUnknownEither(CancelInput)
const decodeListQuery = Schema.decodeUnknownEither(ListQuery)

const listKeys = ["withdrawID", "txID", "coin", "withdrawType", "startTime", "endTime", "limit", "cursor"] as const

/** `typeof` never runs a trap (even on a revoked `Proxy`); every input field is a string or a number. */
const isPrimitive = (value: unknown): boolean =>
  value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol")

/**
 * Copies the caller's input: each named key read once, own properties only (an inherited or
 * `Object.prototype` value is not the caller's), into a fresh object with no prototype that
 * nothing else can change. Everything the caller gave is inspected inside the guard: a getter or a
 * `Proxy` trap that throws (a revoked proxy's `Array.isArray` included) is the caller's
 * `InvalidRequest`, never a defect; a field that is not a primitive is refused here, so no hostile
 * object ever reaches Schema's decoder or its formatter.
 */
const readOwn = (
  input: unknown,
  keys: ReadonlyArray<string>,
  what: string
): Either.Either<Record<string, unknown>, InvalidRequest> => {
  let field = what
  try {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return Either.left(
        new InvalidRequest({
          field: what,
          reason: `expected an object, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}`
        })
      )
    }
    // No prototype: a polluted `Object.prototype` cannot supply a missing key to the decoder.
    const copy: Record<string, unknown> = Object.create(null)
    for (const key of keys) {
      field = key
      const descriptor = Object.getOwnPropertyDescriptor(input, key)
      if (descriptor === undefined) continue
      const value = descriptor.get !== undefined ? descriptor.get.call(input) : descriptor.value
      if (value === undefined) continue
      if (!isPrimitive(value)) {
        return Either.left(
          new InvalidRequest({ field: key, reason: `expected a string or a number, got ${typeof value}` })
        )
      }
      copy[key] = value
    }
    return Either.right(copy)
  } catch {
    return Either.left(new InvalidRequest({ field, reason: "could not be read (a getter or proxy threw)" }))
  }
}

/** The decoded query's own fields only (a decoded object inherits from a maybe polluted `Object.prototype`). */
const ownQuery = (query: ListQuery): QueryParams => {
  const params: Record<string, string | number> = Object.create(null)
  for (const key of listKeys) {
    if (!Object.hasOwn(query, key)) continue
    const value = (query as Readonly<Record<string, string | number | undefined>>)[key]
    if (value !== undefined) params[key] = value
  }
  return params
}

/**
 * The path of the cancel endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const cancelPath = "/v5/asset/withdraw/cancel"

/**
 * The path of the withdrawal records endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const listPath = "/v5/asset/withdraw/query-record"

// The cancel endpoint's retCodes with a meaning of their own (Bybit's asset error codes): 131099
// the status does not allow cancelling; 131002 the asset service's parameter error, which for a
// cancel (one parameter, a valid id) is what an id that is not the account's withdrawal gets. Bybit
// does not document that message, so "not found" is decided by looking the id up, not by wording.
const CancelRetCodes = { notCancellable: 131099, parameterError: 131002 } as const

/** The cancel endpoint's own retCodes. */
const cancelCodes =
  (id: WithdrawalId) =>
  (retCode: number, retMsg: string, httpStatus: number): WithdrawalNotCancellable | undefined =>
    retCode === CancelRetCodes.notCancellable
      ? new WithdrawalNotCancellable(httpStatus === 200 ? { id, retCode, retMsg } : { id, retCode, retMsg, httpStatus })
      : undefined

const listRequest = (client: BybitClient["Type"], query: ListQuery) =>
  client.request({
    method: "GET",
    path: listPath,
    signed: true,
    query: ownQuery(query),
    decodeResult: decodePageResult
  })

const toPage = (response: {
  readonly result: typeof PageResult.Type
  readonly rateLimit: RateLimitStatus | undefined
}): WithdrawalPage => ({
  rows: response.result.rows,
  nextPageCursor: response.result.nextPageCursor === "" ? undefined : response.result.nextPageCursor,
  rateLimit: response.rateLimit
})

/**
 * After a lost or unreadable answer: did an earlier attempt cancel it? `CancelByUser` is success;
 * anything else fails with `otherwise` (given the status found, if any).
 */
const confirm = (
  client: BybitClient["Type"],
  id: WithdrawalId,
  otherwise: (status: WithdrawalStatus | undefined) => CancelError
): Effect.Effect<CancelResult, CancelError> =>
  client.retrying(listRequest(client, { withdrawID: id, withdrawType: 2 })).pipe(
    Effect.flatMap((response): Effect.Effect<CancelResult, CancelError> => {
      const row = response.result.rows.find((r) => r.withdrawId === id)
      if (row?.status === "CancelByUser") {
        return Effect.succeed({
          id: row.withdrawId,
          status: "cancelled",
          confirmedAfterRetry: true,
          rateLimit: response.rateLimit
        } satisfies CancelResult)
      }
      return Effect.fail(otherwise(row?.status))
    }),
    Effect.withSpan("Withdrawals.confirmCancel", { attributes: { "bybit.withdrawal.id": id } })
  )

/**
 * After 131002 on a cancel: the id is not found when the account's records (all types, looked up by
 * id) do not list it; otherwise, or when the lookup fails, the exchange's answer stands.
 */
const notFoundOr = (
  client: BybitClient["Type"],
  id: WithdrawalId,
  invalid: InvalidRequest
): Effect.Effect<never, CancelError> =>
  client.retrying(listRequest(client, { withdrawID: id, withdrawType: 2 })).pipe(
    Effect.matchEffect({
      onFailure: () => Effect.fail(invalid),
      onSuccess: (response) =>
        Effect.fail(
          response.result.rows.some((r) => r.withdrawId === id)
            ? invalid
            : new WithdrawalNotFound({
                id,
                ...(invalid.retCode !== undefined ? { retCode: invalid.retCode } : {}),
                ...(invalid.retMsg !== undefined ? { retMsg: invalid.retMsg } : {}),
                ...(invalid.httpStatus !== undefined ? { httpStatus: invalid.httpStatus } : {})
              })
        )
    }),
    Effect.withSpan("Withdrawals.lookUpUnknownId", { attributes: { "bybit.withdrawal.id": id } })
  )

/**
 * Cancels a withdrawal. The id is validated first (no request is made for an invalid one). Safe to
 * retry: transport failures, exchange outages, rate limits and a skewed clock are retried per the
 * configured schedule; if an earlier attempt's answer was lost and the retry is told the withdrawal
 * cannot be cancelled, its status is looked up, and `CancelByUser` counts as success. A 131002
 * answer is `WithdrawalNotFound` when a lookup by id (`GET /v5/asset/withdraw/query-record`) finds
 * no such withdrawal on the account, and stays `InvalidRequest` otherwise. Concurrent
 * cancels of the same id (on one client) share one request and all get its outcome; a cancel after
 * that one has ended sends a new request.
 *
 * @example
 * ```ts
 * const program = Withdrawals.cancel({ id: "10197" }).pipe(
 *   Effect.catchTags({
 *     WithdrawalNotCancellable: (e) => Console.log(`too late: ${e.status ?? "unknown status"}`),
 *     RateLimitExceeded: (e) => Console.log(`slow down until ${e.resetAt}`)
 *   })
 * )
 * ```
 * @since 0.1.0
 * @category operations
 */
export const cancel = (input: { readonly id: string }): Effect.Effect<CancelResult, CancelError, BybitClient> => {
  // A span without `Effect.fn`, whose call-site capture (a stack trace per call) is a measurable
  // part of this hot path (see bench/). `withSpan` captures one too, always of this very line:
  // captured on the first call and reused. The id goes on the span as `bybit.withdrawal.id`.
  cancelSpan ??= Effect.withSpan("Withdrawals.cancel")
  return cancelSpan(Effect.suspend(() => cancelInput(input)))
}

let cancelSpan:
  | (<A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, Tracer.ParentSpan>>)
  | undefined

const cancelInput = (input: { readonly id: string }): Effect.Effect<CancelResult, CancelError, BybitClient> => {
  // Written as a plain pipeline rather than a generator: this is the hot path (see bench/).
  // The common case (a valid id string) skips the Schema decode; anything else gets its message.
  // The id is read once, as an own property, and only that value is used from then on.
  const own = readOwn(input, ["id"], "input")
  if (Either.isLeft(own)) return Effect.fail(own.left)
  const raw = own.right.id
  let id: WithdrawalId
  if (typeof raw === "string" && withdrawalIdCheck(raw) === true) id = raw as WithdrawalId
  else {
    const decoded = decodeCancelInput(own.right)
    if (Either.isLeft(decoded)) return Effect.fail(invalidInput(decoded.left, "id"))
    id = decoded.right.id
  }
  return Effect.zipRight(
    Effect.annotateCurrentSpan("bybit.withdrawal.id", id),
    Effect.flatMap(BybitClient, (client) => cancelsInFlight(client).run(id, cancelWith(client, id)))
  )
}

/** Per client, one cancel in flight per withdrawal id: concurrent calls share its request and outcome. */
const flights = new WeakMap<BybitClient["Type"], SingleFlight.SingleFlight<WithdrawalId>>()
const cancelsInFlight = (client: BybitClient["Type"]): SingleFlight.SingleFlight<WithdrawalId> => {
  let flight = flights.get(client)
  if (flight === undefined) {
    flight = SingleFlight.make()
    flights.set(client, flight)
  }
  return flight
}

const cancelWith = (client: BybitClient["Type"], id: WithdrawalId): Effect.Effect<CancelResult, CancelError> => {
  // Set when an attempt may have reached the exchange without its answer reaching us.
  let uncertain = false
  const attempt = Effect.tapError(
    client.request({
      method: "POST",
      path: cancelPath,
      signed: true,
      body: { id },
      decodeResult: decodeCancelResponse,
      mapRetCode: cancelCodes(id)
    }),
    (error) => {
      // Decided by the same classification as the answer itself: a lost, exchange-failed or
      // unreadable answer may follow a cancel that happened; a refusal shows it did not.
      if (mayHaveBeenHandled(error)) uncertain = true
      return Effect.void
    }
  )
  return client.retrying(attempt).pipe(
    Effect.flatMap((response) =>
      response.result.status === 1
        ? Effect.succeed({
            id,
            status: "cancelled",
            confirmedAfterRetry: false,
            rateLimit: response.rateLimit
          } satisfies CancelResult)
        : Effect.fail(new CancelFailed({ id, retCode: 0, retMsg: response.retMsg }))
    ),
    Effect.catchIf(
      (error): error is WithdrawalNotCancellable => uncertain && error._tag === "WithdrawalNotCancellable",
      (refused) =>
        confirm(client, id, (status) =>
          status === undefined ? refused : new WithdrawalNotCancellable({ ...refused, status })
        )
    ),
    Effect.catchIf(
      (error): error is InvalidRequest =>
        error._tag === "InvalidRequest" && error.retCode === CancelRetCodes.parameterError,
      (invalid) => notFoundOr(client, id, invalid)
    ),
    // The last answer could not be read: look the withdrawal up before reporting an unknown outcome.
    Effect.catchIf(
      (error): error is UnreadableResponse => error._tag === "UnreadableResponse" && mayHaveBeenHandled(error),
      (unreadable) =>
        Effect.catchAll(
          confirm(client, id, () => unreadable),
          () => Effect.fail(unreadable)
        )
    ),
    Effect.tap((result) => Effect.annotateCurrentSpan("bybit.confirmed_after_retry", result.confirmedAfterRetry)),
    Effect.tapError((error) =>
      "retCode" in error && error.retCode !== undefined
        ? Effect.annotateCurrentSpan("bybit.ret_code", error.retCode)
        : Effect.void
    )
  )
}

/**
 * Lists withdrawals (one page). The query is validated first; rows are typed, an unknown status
 * becomes `"Unknown"`.
 *
 * @example
 * ```ts
 * const page = yield* Withdrawals.list({ coin: "USDT", limit: 20 })
 * ```
 * @since 0.1.0
 * @category operations
 */
export const list: (
  query?: {
    readonly [K in keyof typeof ListQuery.Encoded]?: (typeof ListQuery.Encoded)[K]
  }
) => Effect.Effect<WithdrawalPage, ListError, BybitClient> = Effect.fn("Withdrawals.list")(function* (
  query: ListInput = {}
) {
  const own = readOwn(query, listKeys, "query")
  if (Either.isLeft(own)) return yield* own.left
  const decoded = decodeListQuery(own.right)
  if (Either.isLeft(decoded)) return yield* invalidInput(decoded.left, "query")
  const client = yield* BybitClient
  const response = yield* client.retrying(listRequest(client, decoded.right))
  return toPage(response)
})

/**
 * Every withdrawal matching the query, following `nextPageCursor` page by page.
 *
 * @since 0.1.0
 * @category operations
 */
export const listAll = (query: ListInput = {}): Stream.Stream<WithdrawalRecord, ListError, BybitClient> =>
  // Lazy: nothing of the caller's is touched until the stream runs (a hostile input fails it then).
  Stream.suspend(() => listAllOf(query))

/** The most pages in a row without a row that `listAll` follows (a real history has none). */
const MAX_EMPTY_PAGES = 10

const listAllOf = (query: ListInput): Stream.Stream<WithdrawalRecord, ListError, BybitClient> => {
  // Read once, here: the pages below use the copy, never the caller's object again.
  const own = readOwn(query, listKeys, "query")
  if (Either.isLeft(own)) return Stream.fail(own.left)
  const first = own.right as ListInput
  // Every cursor followed so far: a server that sends one again would have the stream page forever.
  const followed = new Set<string>(first.cursor === undefined ? [] : [first.cursor])
  // Pages in a row with no rows but a next cursor: a server that never gives a row would too.
  let emptyInARow = 0
  return Stream.paginateChunkEffect(
    first.cursor,
    (
      cursor
    ): Effect.Effect<
      readonly [Chunk.Chunk<WithdrawalRecord>, Option.Option<string | undefined>],
      RequestError,
      BybitClient
    > =>
      Effect.flatMap(list(cursor === undefined ? first : { ...first, cursor }), (page) => {
        const next = page.nextPageCursor
        if (next === undefined) return Effect.succeed([Chunk.fromIterable(page.rows), Option.none()] as const)
        if (followed.has(next)) {
          return Effect.fail(
            new UnreadableResponse({
              reason: "InvalidResult",
              detail: `nextPageCursor repeats a cursor already followed (after ${followed.size} of them): paging would never end`
            })
          )
        }
        emptyInARow = page.rows.length === 0 ? emptyInARow + 1 : 0
        if (emptyInARow > MAX_EMPTY_PAGES) {
          return Effect.fail(
            new UnreadableResponse({
              reason: "InvalidResult",
              detail: `${emptyInARow} pages in a row had no rows but a nextPageCursor: paging would never end`
            })
          )
        }
        followed.add(next)
        return Effect.succeed([Chunk.fromIterable(page.rows), Option.some(next)] as const)
      })
  )
}
