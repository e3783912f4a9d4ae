/**
 * Every failure a caller may handle, as `Schema.TaggedError` classes, and one union per operation.
 * No error carries a secret, a signature or a header set: only codes, messages from the exchange,
 * HTTP statuses and what the client itself knows.
 *
 * @since 0.1.0
 */
import { Errors } from "@effect-bybit/core"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The mark every error class of this package carries (see `isBybitError`).
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-bybit/client-effect3/BybitError")

/** The fields of an answer from the exchange (named, so the declarations refer to it once). */
type ApiFields = {
  readonly retCode: Schema.optional<typeof Schema.Number>
  readonly retMsg: Schema.optional<typeof Schema.String>
  readonly httpStatus: Schema.optional<typeof Schema.Number>
}

const apiFields: ApiFields = {
  /** Bybit's `retCode`, when the exchange answered with an envelope. */
  retCode: Schema.optional(Schema.Number),
  /** Bybit's `retMsg`, when the exchange answered with an envelope. */
  retMsg: Schema.optional(Schema.String),
  /** The HTTP status, when there was a response. */
  httpStatus: Schema.optional(Schema.Number)
}

/** An error's own fields with those of an answer (typed as `ApiFields & F`: declared once). */
const api = <F extends Schema.Struct.Fields>(fields: F): ApiFields & F => ({ ...apiFields, ...fields })

/**
 * The API key was refused: invalid, expired, wrong environment, or a bad signature
 * (retCode 10003, 10004, 10007, 33004; HTTP 401). Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationFailed extends Schema.TaggedError<AuthenticationFailed>()(
  "AuthenticationFailed",
  apiFields
) {}

/**
 * The key lacks the permission for this call, or is bound to other IPs (retCode 10005, 10010).
 * Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class PermissionDenied extends Schema.TaggedError<PermissionDenied>()("PermissionDenied", apiFields) {}

/**
 * The request's timestamp fell outside the receive window (retCode 10002). Retried once after
 * re-syncing the clock with the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimestampOutsideWindow extends Schema.TaggedError<TimestampOutsideWindow>()(
  "TimestampOutsideWindow",
  api({
    /** The timestamp that was sent, in ms. */
    timestamp: Schema.optional(Schema.Number),
    /** The receive window that was sent, in ms. */
    recvWindow: Schema.optional(Schema.Number)
  })
) {}

/**
 * A rate limit was hit: the endpoint's per-UID limit (retCode 10006), Bybit's IP ban (HTTP 403 whose
 * body says "access too frequent" or "Access Denied", V5 rate-limit page) or system protection
 * (HTTP 429). 10006 and 429 are retried after `resetAt` (from `X-Bapi-Limit-Reset-Timestamp`, else
 * `Retry-After`) when that is near enough; an IP ban (HTTP 403) is not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()(
  "RateLimitExceeded",
  api({
    /**
     * When the limit resets (server time, ms since the epoch), from `X-Bapi-Limit-Reset-Timestamp`,
     * or from `Retry-After` (seconds or an HTTP date) when that header is absent.
     */
    resetAt: Schema.optional(Schema.Number),
    /** The request path that was limited. */
    path: Schema.optional(Schema.String),
    /**
     * The client's own account, when it did not send the request (its pacing budget would have held
     * it longer than `maxRateLimitWait`); never server text (that is `retMsg`).
     */
    detail: Schema.optional(Schema.String)
  })
) {}

/**
 * The request was invalid: rejected locally before sending (with `field`), or by the exchange
 * (retCode 10001, 131002). Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()(
  "InvalidRequest",
  api({
    /** The input field at fault, when known. */
    field: Schema.optional(Schema.String),
    /** What is wrong with it. */
    reason: Schema.String
  })
) {}

/**
 * No withdrawal with this id exists for the account. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class WithdrawalNotFound extends Schema.TaggedError<WithdrawalNotFound>()(
  "WithdrawalNotFound",
  api({
    id: Schema.String
  })
) {}

/**
 * The withdrawal exists but its status does not allow cancelling (retCode 131099 and the other
 * state codes). `status` is the status found, when the client looked it up. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class WithdrawalNotCancellable extends Schema.TaggedError<WithdrawalNotCancellable>()(
  "WithdrawalNotCancellable",
  api({
    id: Schema.String,
    /** The withdrawal's status (e.g. `success`, `CancelByUser`), when known. */
    status: Schema.optional(Schema.String)
  })
) {}

/**
 * The exchange accepted the cancel request but answered `result.status: 0`: the cancel failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class CancelFailed extends Schema.TaggedError<CancelFailed>()(
  "CancelFailed",
  api({
    id: Schema.String
  })
) {}

/**
 * The exchange is unavailable or failed internally: retCode 10000, 10016, 131001, 131003, 131200,
 * 131201, 131230, or HTTP 5xx (whatever the body). Retried with backoff.
 *
 * @since 0.1.0
 * @category errors
 */
export class ExchangeUnavailable extends Schema.TaggedError<ExchangeUnavailable>()(
  "ExchangeUnavailable",
  api({
    /** The request path. */
    path: Schema.optional(Schema.String)
  })
) {}

/**
 * The request did not get a response: connection refused or reset, DNS failure (`Network`), or no
 * complete response within the per-request `timeout` (`Timeout`). Retried with backoff. Whether a
 * cancel happened is settled by `Withdrawals.cancel` itself, never left to this error.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  reason: Schema.Literal("Timeout", "Network"),
  /** The request path (no host, no query, no headers). */
  path: Schema.optional(Schema.String),
  /** What the transport reported (e.g. `ECONNREFUSED`), never the request itself. */
  detail: Schema.optional(Schema.String)
}) {}

/**
 * A 2xx response could not be read: empty, not JSON, nested deeper than 64 levels, larger than the
 * body cap (`maxResponseBytes`, reading stopped there), or missing envelope or result fields; or an
 * answer whose status is not a final HTTP status (`InvalidStatus`: a 1xx, or 600 and up). Not
 * retried (a cancel looks the withdrawal up first: it may have happened).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnreadableResponse extends Schema.TaggedError<UnreadableResponse>()("UnreadableResponse", {
  httpStatus: Schema.optional(Schema.Number),
  /** The request path. */
  path: Schema.optional(Schema.String),
  reason: Schema.Literal(
    "NotJson",
    "InvalidEnvelope",
    "InvalidResult",
    "EmptyBody",
    "TooLarge",
    "TooDeep",
    "InvalidStatus"
  ),
  /** What did not parse or decode (never the raw body; scrubbed, at most 300 characters). */
  detail: Schema.optional(Schema.String)
}) {}

/**
 * The server answered with a redirect (HTTP 3xx), or an answer came for another URL than the
 * client's request. A redirect is never followed: the request carries the API key and its
 * signature, which must reach no other host. Names the status and the origin of the `Location`
 * (never its path or query). Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class RedirectRefused extends Schema.TaggedError<RedirectRefused>()("RedirectRefused", {
  /** The redirect's status. */
  httpStatus: Schema.optional(Schema.Number),
  /** The origin (`scheme://host:port`) of the `Location`, when it had one. */
  location: Schema.optional(Schema.String)
}) {}

/**
 * HTTP 403 that is not Bybit's IP ban: a blocked region (Bybit's CDN answers "The request could not
 * be satisfied" to, for example, U.S. IPs), a firewall or proxy rule, or an IP allow-list. Not
 * retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessForbidden extends Schema.TaggedError<AccessForbidden>()("AccessForbidden", apiFields) {}

/**
 * Any other `retCode`, or an HTTP 4xx (other than 401, 403, 429) whose body is not a Bybit
 * envelope: a proxy's error page or a wrong base path. Kept as is. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownApiError extends Schema.TaggedError<UnknownApiError>()("UnknownApiError", apiFields) {}

/**
 * A cancel may have been handled (an attempt got no answer, a 5xx or an unreadable one) and the
 * exchange's own record of the withdrawal could not be read to settle it. `detail` says what
 * happened. Check with `Withdrawals.list({ withdrawID: id })`, or the withdrawal history on Bybit.
 *
 * @since 0.1.0
 * @category errors
 */
export class CancelOutcomeUnknown extends Schema.TaggedError<CancelOutcomeUnknown>()("CancelOutcomeUnknown", {
  id: Schema.String,
  /** What the attempts and the lookup met (error tags and codes, never secrets). */
  detail: Schema.String
}) {}

// Every class carries the mark `isBybitError` looks for and its message (`@effect-bybit/core`'s
// `Errors`, shared by both lines), on its prototype.
const messageOf = {
  get: function (this: Errors.Fields) {
    return Errors.messageOf(this)
  }
}
for (const error of [
  AuthenticationFailed,
  PermissionDenied,
  TimestampOutsideWindow,
  RateLimitExceeded,
  InvalidRequest,
  WithdrawalNotFound,
  WithdrawalNotCancellable,
  CancelFailed,
  ExchangeUnavailable,
  TransportError,
  UnreadableResponse,
  RedirectRefused,
  AccessForbidden,
  UnknownApiError,
  CancelOutcomeUnknown
]) {
  Object.defineProperty(error.prototype, TypeId, { value: TypeId })
  Object.defineProperty(error.prototype, "message", messageOf)
}

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
 * The errors the retry policy may retry; everything else fails at once.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryableError = TransportError | ExchangeUnavailable | RateLimitExceeded | TimestampOutsideWindow

/**
 * Every error the client can raise, whatever the operation (building a layer fails with Effect's
 * own `ConfigError` instead).
 *
 * @since 0.1.0
 * @category models
 */
export type BybitError = CancelError

/**
 * Whether a value is one of this package's errors (any class of `BybitError`), as
 * `HttpClientError.isHttpClientError` is for the platform's.
 *
 * @since 0.1.0
 * @category guards
 */
export const isBybitError = (u: unknown): u is BybitError => Predicate.hasProperty(u, TypeId)

/**
 * Whether the retry policy may retry an error (transport, exchange unavailable, rate limit, time
 * window).
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (error: { readonly _tag: string }): error is RetryableError =>
  Errors.isRetryableTag(error._tag)
