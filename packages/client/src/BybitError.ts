/**
 * Every failure a caller may handle, and one union per operation. No error carries a secret, a
 * signature or a header.
 *
 * @since 0.1.0
 */
import { Errors } from "@effect-bybit/core"
import type * as Cause from "effect/Cause"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The mark of this package's errors (see `isBybitError`).
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-bybit/client/BybitError")

/** What the exchange answered: its envelope's `retCode` and `retMsg`, and the HTTP status. */
type ApiFields = {
  readonly retCode: Schema.optional<typeof Schema.Number>
  readonly retMsg: Schema.optional<typeof Schema.String>
  readonly httpStatus: Schema.optional<typeof Schema.Number>
}

const optionalString = Schema.optional(Schema.String)
const optionalNumber = Schema.optional(Schema.Number)
const apiFields: ApiFields = { retCode: optionalNumber, retMsg: optionalString, httpStatus: optionalNumber }
const api = <F extends Schema.Struct.Fields>(fields: F): ApiFields & F => ({ ...apiFields, ...fields })

const messageOf = {
  get(this: Errors.Fields) {
    return Errors.messageOf(this)
  }
}

/** An error class of the package, as `Schema.TaggedError` makes it. */
type TaggedError<Self, Tag extends string, F extends Schema.Struct.Fields> = Schema.Class<
  Self,
  Schema.TaggedStruct<Tag, F>,
  Cause.YieldableError
>

/** A base class with the mark and the message (`@effect-bybit/core`'s, shared by both lines) on its prototype. */
const marked = <Self, Tag extends string, F extends Schema.Struct.Fields>(
  Base: TaggedError<Self, Tag, F>
): TaggedError<Self, Tag, F> => {
  Object.defineProperty(Base.prototype, TypeId, { value: TypeId })
  Object.defineProperty(Base.prototype, "message", messageOf)
  return Base
}

/**
 * The key or its signature was refused (retCode 10003, 10004, 10007, 33004; HTTP 401). Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationFailed extends marked(
  Schema.TaggedError<AuthenticationFailed>()("AuthenticationFailed", apiFields)
) {}

/**
 * The key lacks the permission, or is bound to other IPs (retCode 10005, 10010). Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class PermissionDenied extends marked(Schema.TaggedError<PermissionDenied>()("PermissionDenied", apiFields)) {}

/**
 * The timestamp (ms) fell outside the receive window (retCode 10002). Sent again once after a clock
 * re-sync.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimestampOutsideWindow extends marked(
  Schema.TaggedError<TimestampOutsideWindow>()(
    "TimestampOutsideWindow",
    api({ timestamp: optionalNumber, recvWindow: optionalNumber })
  )
) {}

/**
 * A rate limit (Bybit's "Rate Limit Rules"): per UID (retCode 10006), system protection (HTTP 429),
 * the IP ban (HTTP 403 "access too frequent", not retried). Retried after `resetAt` (server ms, from
 * `X-Bapi-Limit-Reset-Timestamp` or `Retry-After`) within `maxRateLimitWait`. With `detail`: not
 * sent, the client's pace would have waited longer.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends marked(
  Schema.TaggedError<RateLimitExceeded>()(
    "RateLimitExceeded",
    api({ resetAt: optionalNumber, path: optionalString, detail: optionalString })
  )
) {}

/**
 * Refused before sending (`field`, the rule in `reason`), or by the exchange (retCode 10001, 131002).
 * Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends marked(
  Schema.TaggedError<InvalidRequest>()("InvalidRequest", api({ field: optionalString, reason: Schema.String }))
) {}

/**
 * No withdrawal with this id exists for the account (131002, and no record). Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class WithdrawalNotFound extends marked(
  Schema.TaggedError<WithdrawalNotFound>()("WithdrawalNotFound", api({ id: Schema.String }))
) {}

/**
 * The withdrawal's status does not allow cancelling (retCode 131099); `status` once looked up. Not
 * retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class WithdrawalNotCancellable extends marked(
  Schema.TaggedError<WithdrawalNotCancellable>()(
    "WithdrawalNotCancellable",
    api({ id: Schema.String, status: optionalString })
  )
) {}

/**
 * The exchange answered `result.status: 0`: the cancel failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class CancelFailed extends marked(
  Schema.TaggedError<CancelFailed>()("CancelFailed", api({ id: Schema.String }))
) {}

/**
 * The exchange is unavailable (retCode 10000, 10016, 131001, 131003, 131200, 131201, 131230; HTTP
 * 5xx). Retried with backoff.
 *
 * @since 0.1.0
 * @category errors
 */
export class ExchangeUnavailable extends marked(
  Schema.TaggedError<ExchangeUnavailable>()("ExchangeUnavailable", api({ path: optionalString }))
) {}

/**
 * No response (`Network`: refused, reset, DNS; `detail` such as `ECONNREFUSED`), or none complete
 * within `timeout` (`Timeout`). Retried with backoff.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends marked(
  Schema.TaggedError<TransportError>()("TransportError", {
    reason: Schema.Literals(["Timeout", "Network"]),
    path: optionalString,
    detail: optionalString
  })
) {}

/**
 * A 2xx answer that cannot be read (empty, not JSON, over 64 levels or `maxResponseBytes`, fields
 * missing), or a status that is not final (1xx, 600+). `detail` is scrubbed, at most 300
 * characters. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnreadableResponse extends marked(
  Schema.TaggedError<UnreadableResponse>()("UnreadableResponse", {
    httpStatus: optionalNumber,
    path: optionalString,
    reason: Schema.Literals([
      "NotJson",
      "InvalidEnvelope",
      "InvalidResult",
      "EmptyBody",
      "TooLarge",
      "TooDeep",
      "InvalidStatus"
    ]),
    detail: optionalString
  })
) {}

/**
 * A redirect (HTTP 3xx) or an answer for another URL: never followed, so the signed request reaches
 * no other host. `location` is the `Location`'s origin. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class RedirectRefused extends marked(
  Schema.TaggedError<RedirectRefused>()("RedirectRefused", { httpStatus: optionalNumber, location: optionalString })
) {}

/**
 * HTTP 403 that is not the IP ban: a region Bybit does not serve, a firewall or proxy, an IP
 * allow-list. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessForbidden extends marked(Schema.TaggedError<AccessForbidden>()("AccessForbidden", apiFields)) {}

/**
 * Any other `retCode`, or an HTTP 4xx (not 401, 403, 429) without a Bybit envelope. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownApiError extends marked(Schema.TaggedError<UnknownApiError>()("UnknownApiError", apiFields)) {}

/**
 * A cancel may have been handled and the withdrawal's record could not settle it (`detail` says
 * why). Check with `Withdrawals.list({ withdrawID: id })`.
 *
 * @since 0.1.0
 * @category errors
 */
export class CancelOutcomeUnknown extends marked(
  Schema.TaggedError<CancelOutcomeUnknown>()("CancelOutcomeUnknown", { id: Schema.String, detail: Schema.String })
) {}

/**
 * What any request can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestError =
  | AuthenticationFailed
  | AccessForbidden
  | RedirectRefused
  | PermissionDenied
  | TimestampOutsideWindow
  | RateLimitExceeded
  | InvalidRequest
  | ExchangeUnavailable
  | TransportError
  | UnreadableResponse
  | UnknownApiError

/**
 * What `Withdrawals.cancel` can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelError =
  | RequestError
  | WithdrawalNotFound
  | WithdrawalNotCancellable
  | CancelFailed
  | CancelOutcomeUnknown

/**
 * What `Withdrawals.list` can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type ListError = RequestError

/**
 * The errors the retry policy may retry.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryableError = TransportError | ExchangeUnavailable | RateLimitExceeded | TimestampOutsideWindow

/**
 * Every error of the package (building a layer fails with a `ConfigError`).
 *
 * @since 0.1.0
 * @category models
 */
export type BybitError = CancelError

/**
 * Whether a value is one of this package's errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isBybitError = (u: unknown): u is BybitError => Predicate.hasProperty(u, TypeId)

/**
 * Whether an error is a `RetryableError`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (error: { readonly _tag: string }): error is RetryableError =>
  Errors.isRetryableTag(error._tag)
