/**
 * What an answer of Bybit's means: HTTP status, headers and body bytes in, a plain discriminated
 * result out (the envelope's `result`, or the failure family with the fields to act on, and
 * whether the request may have been handled). Both Effect lines turn a `Failure` into their typed
 * error by its `_tag`, field for field.
 *
 * Status first, as Bybit's V5 "Error Codes" and "Rate Limit Rules" pages describe: 3xx never
 * followed; 401 authentication; 403 the IP ban ("access too frequent" / "Access Denied"), an
 * envelope by its code, or a CDN refusal; 429 system frequency protection; 5xx the exchange; then
 * the envelope's `retCode`.
 *
 * @since 0.1.0
 */
import { fromHeaders, type Headers, type RateLimitStatus, resetAtOf, retryAfterOf } from "./RateLimit.js"
import type { Scrubber } from "./Scrub.js"

/**
 * The fields every exchange-side failure may carry.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiFields {
  readonly retCode?: number
  readonly retMsg?: string
  readonly httpStatus?: number
}

/**
 * Why an answer is a failure, as plain data; `_tag` names the error class of the client lines.
 *
 * @since 0.1.0
 * @category models
 */
export type Failure =
  | ({ readonly _tag: "AuthenticationFailed" } & ApiFields)
  | ({ readonly _tag: "PermissionDenied" } & ApiFields)
  | ({ readonly _tag: "AccessForbidden" } & ApiFields)
  | ({ readonly _tag: "UnknownApiError" } & ApiFields)
  | ({ readonly _tag: "TimestampOutsideWindow"; readonly timestamp?: number; readonly recvWindow?: number } & ApiFields)
  | ({ readonly _tag: "RateLimitExceeded"; readonly path: string; readonly resetAt?: number } & ApiFields)
  | ({ readonly _tag: "InvalidRequest"; readonly reason: string } & ApiFields)
  | ({ readonly _tag: "ExchangeUnavailable"; readonly path: string } & ApiFields)
  | ({ readonly _tag: "WithdrawalNotCancellable" } & ApiFields)
  | { readonly _tag: "RedirectRefused"; readonly httpStatus?: number; readonly location?: string }
  | {
      readonly _tag: "UnreadableResponse"
      readonly path: string
      readonly httpStatus?: number
      readonly reason: UnreadableReason
      readonly detail?: string
    }

/**
 * Why a 2xx answer could not be read.
 *
 * @since 0.1.0
 * @category models
 */
export type UnreadableReason =
  | "NotJson"
  | "InvalidEnvelope"
  | "InvalidResult"
  | "EmptyBody"
  | "TooLarge"
  | "TooDeep"
  | "InvalidStatus"

/**
 * The body as read: its text, or the fact that it was larger than the cap.
 *
 * @since 0.1.0
 * @category models
 */
export type Body = string | { readonly _tag: "TooLarge" }

/**
 * One answer to classify.
 *
 * @since 0.1.0
 * @category models
 */
export interface Answer {
  readonly path: string
  /** The URL the request went to: a relative `Location` is read against it. */
  readonly url: string
  readonly status: number
  readonly headers: Headers
  readonly body: Body
  /** Server time now, ms: turns `Retry-After` seconds into a time and bounds reset times. */
  readonly serverNow: number
  /** The signed request's timestamp and receive window (absent on public requests). */
  readonly timestamp?: number | undefined
  readonly recvWindow?: number | undefined
  readonly signature?: string | undefined
  readonly scrub: Scrubber
}

/**
 * A classified answer: a `retCode 0` envelope's `result`, or a failure. Either way, the rate-limit
 * status its headers gave, when sane.
 *
 * @since 0.1.0
 * @category models
 */
export type Classified =
  | {
      readonly _tag: "Success"
      readonly result: unknown
      readonly retMsg: string
      readonly time: number | undefined
      readonly rateLimit: RateLimitStatus | undefined
    }
  | { readonly _tag: "Failure"; readonly failure: Failure; readonly rateLimit: RateLimitStatus | undefined }

/**
 * The deepest nesting of `[` and `{` a body may have (a V5 list answer is 5 deep).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_DEPTH = 64

/**
 * The default cap on a response body: 1 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576

const depthExceeds = (text: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}

interface Envelope {
  readonly retCode: number
  readonly retMsg: string
  readonly result: unknown
  readonly time: number | undefined
}

const typeName = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : typeof u)

/** V5's `retCode`/`retMsg`, or the legacy `ret_code`/`ret_msg` some gateways still answer with. */
const envelopeOf = (value: unknown): Envelope | string => {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `expected an object, got ${typeName(value)}`
  const o = value as Record<string, unknown>
  const legacy = !("retCode" in o) && "ret_code" in o
  const retCode = legacy ? o.ret_code : o.retCode
  const retMsg = legacy ? o.ret_msg : o.retMsg
  const name = legacy ? "ret_code" : "retCode"
  if (retCode === undefined) return "retCode: is required"
  if (!Number.isSafeInteger(retCode)) return `${name}: expected an integer, got ${typeName(retCode)}`
  if (retMsg !== undefined && retMsg !== null && typeof retMsg !== "string") {
    return `${legacy ? "ret_msg" : "retMsg"}: expected a string, got ${typeName(retMsg)}`
  }
  const time = legacy ? undefined : o.time
  return {
    retCode: retCode as number,
    retMsg: typeof retMsg === "string" ? retMsg : "",
    result: legacy ? o.result : o.result,
    time: typeof time === "number" && Number.isFinite(time) ? time : undefined
  }
}

const AUTHENTICATION = new Set([10003, 10004, 10007, 33004])
const PERMISSION = new Set([10005, 10010])
const INVALID_REQUEST = new Set([10001, 131002])
const UNAVAILABLE = new Set([10000, 10016, 131001, 131003, 131200, 131201, 131230])
/** A code this client does not know, whose words say what it is (legacy codes among them). */
const PERMISSION_WORDS = /permission denied|no permission|not permitted/i

/** Bybit's IP ban: "access too frequent" (V5 rate-limit page) or "Access Denied" (older pages). */
const IP_BAN = /access too frequent|access denied/i
/** A CDN's page (a blocked region: "The request could not be satisfied"): waiting does not help. */
const BLOCKED_PAGE = /could not be satisfied|cloudfront|request blocked/i

const byRetCode = (answer: Answer, envelope: Envelope, resetAt: number | undefined): Failure => {
  const { retCode } = envelope
  const retMsg = answer.scrub(envelope.retMsg, answer.signature)
  const fields: ApiFields = answer.status === 200 ? { retCode, retMsg } : { retCode, retMsg, httpStatus: answer.status }
  if (AUTHENTICATION.has(retCode)) return { _tag: "AuthenticationFailed", ...fields }
  if (PERMISSION.has(retCode)) return { _tag: "PermissionDenied", ...fields }
  if (retCode === 10002) {
    return {
      _tag: "TimestampOutsideWindow",
      ...fields,
      ...(answer.timestamp !== undefined ? { timestamp: answer.timestamp } : {}),
      ...(answer.recvWindow !== undefined ? { recvWindow: answer.recvWindow } : {})
    }
  }
  if (retCode === 10006) {
    return { _tag: "RateLimitExceeded", ...fields, path: answer.path, ...(resetAt !== undefined ? { resetAt } : {}) }
  }
  if (retCode === 131099) return { _tag: "WithdrawalNotCancellable", ...fields }
  if (INVALID_REQUEST.has(retCode)) {
    return { _tag: "InvalidRequest", ...fields, reason: retMsg || "the exchange rejected a parameter" }
  }
  if (UNAVAILABLE.has(retCode)) return { _tag: "ExchangeUnavailable", ...fields, path: answer.path }
  if (PERMISSION_WORDS.test(envelope.retMsg)) return { _tag: "PermissionDenied", ...fields }
  return { _tag: "UnknownApiError", ...fields }
}

const unreadable = (answer: Answer, reason: UnreadableReason, detail: string): Failure => ({
  _tag: "UnreadableResponse",
  path: answer.path,
  httpStatus: answer.status,
  reason,
  detail: answer.scrub(detail, answer.signature)
})

/** The body as an envelope, or why it is not one. */
const parse = (answer: Answer): Envelope | Failure => {
  const body = answer.body
  if (typeof body !== "string")
    return unreadable(answer, "TooLarge", "the body is larger than the cap; reading stopped")
  if (body === "") return unreadable(answer, "EmptyBody", "the body is empty")
  if (depthExceeds(body, MAX_DEPTH)) return unreadable(answer, "TooDeep", `JSON nested deeper than ${MAX_DEPTH} levels`)
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return unreadable(answer, "NotJson", `${body.length} characters that are not JSON`)
  }
  const envelope = envelopeOf(value)
  return typeof envelope === "string" ? unreadable(answer, "InvalidEnvelope", envelope) : envelope
}

const isFailure = (u: Envelope | Failure): u is Failure => "_tag" in u

/**
 * Classifies one answer.
 *
 * @since 0.1.0
 * @category classification
 */
export const classify = (answer: Answer): Classified => {
  const { status, headers, serverNow } = answer
  const rateLimit = fromHeaders(answer.path, headers, serverNow)
  const fail = (failure: Failure): Classified => ({ _tag: "Failure", failure, rateLimit })
  if (!(status >= 200 && status <= 599)) {
    return fail(unreadable(answer, "InvalidStatus", `HTTP status ${status} is not a final HTTP status (200-599)`))
  }
  if (status >= 300 && status < 400) {
    const location = originOf(headers.location, answer)
    return fail({ _tag: "RedirectRefused", httpStatus: status, ...(location !== undefined ? { location } : {}) })
  }
  const parsed = parse(answer)
  const resetAt = rateLimit?.resetAt ?? resetAtOf(headers, serverNow)
  if (status >= 300) {
    const fields: ApiFields = isFailure(parsed)
      ? { httpStatus: status }
      : { httpStatus: status, retCode: parsed.retCode, retMsg: answer.scrub(parsed.retMsg, answer.signature) }
    if (status === 401) return fail({ _tag: "AuthenticationFailed", ...fields })
    if (status === 429) {
      // System protection says when to come back in Retry-After; the later of it and the reset.
      const retryAfter = retryAfterOf(headers["retry-after"], serverNow)
      const at = resetAt === undefined ? retryAfter : retryAfter === undefined ? resetAt : Math.max(resetAt, retryAfter)
      return fail({
        _tag: "RateLimitExceeded",
        ...fields,
        path: answer.path,
        ...(at !== undefined ? { resetAt: at } : {})
      })
    }
    if (status >= 500) return fail({ _tag: "ExchangeUnavailable", ...fields, path: answer.path })
    if (!isFailure(parsed) && parsed.retCode !== 0) return fail(byRetCode(answer, parsed, resetAt))
    if (status === 403) {
      const text = typeof answer.body === "string" ? answer.body.slice(0, 8192) : ""
      if (IP_BAN.test(text) && !BLOCKED_PAGE.test(text)) {
        return fail({
          _tag: "RateLimitExceeded",
          httpStatus: 403,
          path: answer.path,
          ...(resetAt !== undefined ? { resetAt } : {})
        })
      }
      return fail({ _tag: "AccessForbidden", httpStatus: 403 })
    }
    return fail({ _tag: "UnknownApiError", httpStatus: status })
  }
  if (isFailure(parsed)) return fail(parsed)
  if (parsed.retCode !== 0) return fail(byRetCode(answer, parsed, resetAt))
  return {
    _tag: "Success",
    result: parsed.result,
    retMsg: answer.scrub(parsed.retMsg, answer.signature),
    time: parsed.time,
    rateLimit
  }
}

/** The origin of a `Location` (never its path or query, which the server chose), scrubbed. */
const originOf = (location: string | undefined, answer: Answer): string | undefined => {
  if (location === undefined) return undefined
  try {
    const origin = new URL(location, answer.url).origin
    return origin === "null" ? undefined : answer.scrub(origin, answer.signature)
  } catch {
    return undefined
  }
}

/**
 * Transport codes that say the request never left: the connection was refused, the host name did
 * not resolve, the TLS handshake failed, or fetch refused the port.
 */
const NOT_SENT =
  /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|ERR_TLS_\w+|ERR_SSL_\w+|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_INVALID_URL|bad port)$/

/**
 * Whether a failed request may still have been carried out by the exchange: no answer (a transport
 * failure or timeout, but for a refused connection or an unknown host), an exchange-side failure
 * (5xx, system errors), or a 2xx that could not be read. An answer that shows the request was
 * refused (401, 403, 429, a retCode of refusal, a redirect) is not. The one place this is decided.
 *
 * @since 0.1.0
 * @category classification
 */
export const mayHaveBeenHandled = (failure: { readonly _tag: string; readonly detail?: string | undefined }): boolean =>
  (failure._tag === "TransportError" && !(failure.detail !== undefined && NOT_SENT.test(failure.detail))) ||
  failure._tag === "ExchangeUnavailable" ||
  failure._tag === "UnreadableResponse"
