/**
 * What an answer of Bybit's means: the envelope's `result`, or a failure family with the fields to
 * act on (both Effect lines make their typed error from it by `_tag`). The status decides first (V5
 * "Error Codes", "Rate Limit Rules"): 3xx refused, 401 authentication, 403 the IP ban or a CDN
 * refusal, 429 system protection, 5xx the exchange; then the envelope's `retCode`.
 *
 * @since 0.1.0
 */
import { fromHeaders, resetAtOf, retryAfterOf } from "./internal/rateLimit.js"
import type { RateLimitStatus } from "./RateLimit.js"
import type { Scrubber } from "./Scrub.js"

/** The fields every exchange-side failure may carry. */
interface ApiFields {
  readonly retCode?: number
  readonly retMsg?: string
  readonly httpStatus?: number
}

/**
 * Why an answer is a failure; `_tag` names the client lines' error class. An exchange-side failure
 * may carry the envelope's `retCode` and `retMsg` (scrubbed) and the `httpStatus`; an
 * `UnreadableResponse`'s `reason` is `NotJson`, `InvalidEnvelope`, `InvalidResult`, `EmptyBody`,
 * `TooLarge`, `TooDeep` or `InvalidStatus` (1xx, 600+).
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

/** Why a 2xx answer could not be read. */
type UnreadableReason =
  | "NotJson"
  | "InvalidEnvelope"
  | "InvalidResult"
  | "EmptyBody"
  | "TooLarge"
  | "TooDeep"
  | "InvalidStatus"

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
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The body's text, or `TooLarge` when it was larger than the transport's cap. */
  readonly body: string | { readonly _tag: "TooLarge" }
  /** Server time now, ms: turns `Retry-After` seconds into a time and bounds reset times. */
  readonly serverNow: number
  /** The signed request's timestamp and receive window (absent on public requests). */
  readonly timestamp?: number | undefined
  readonly recvWindow?: number | undefined
  readonly signature?: string | undefined
  readonly scrub: Scrubber
}

/**
 * A `retCode 0` envelope's `result`, or a failure; either way the headers' rate-limit status, if sane.
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

/** The deepest nesting of `[` and `{` a body may have (a V5 list answer is 5 deep). */
const MAX_DEPTH = 64

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
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected an object, got ${typeName(value)}`
  }
  const o = value as Record<string, unknown>
  const v5 = "retCode" in o || !("ret_code" in o)
  const [code, msg] = v5 ? ["retCode", "retMsg"] : ["ret_code", "ret_msg"]
  const retCode = o[code]
  const retMsg = o[msg]
  if (retCode === undefined) return `${code}: is required`
  if (!Number.isSafeInteger(retCode)) return `${code}: expected an integer, got ${typeName(retCode)}`
  if (retMsg !== undefined && retMsg !== null && typeof retMsg !== "string") {
    return `${msg}: expected a string, got ${typeName(retMsg)}`
  }
  return {
    retCode: retCode as number,
    retMsg: typeof retMsg === "string" ? retMsg : "",
    result: o.result,
    time: v5 && typeof o.time === "number" && Number.isFinite(o.time) ? o.time : undefined
  }
}

const CANCEL_PATH = "/v5/asset/withdraw/cancel"
const AUTHENTICATION = new Set([10003, 10004, 10007, 33004])
const PERMISSION = new Set([10005, 10010])
const INVALID_REQUEST = new Set([10001, 131002])
const UNAVAILABLE = new Set([10000, 10016, 131001, 131003, 131200, 131201, 131230])
/** The words of a permission refusal whose code this client does not know (legacy codes among them). */
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
  if (retCode === 10006) return rateLimited(answer, fields, resetAt)
  // The cancel endpoint's own refusal: on another path it would be an error that path's callers
  // are not typed to meet, so it is an unknown code there.
  if (retCode === 131099 && answer.path === CANCEL_PATH) return { _tag: "WithdrawalNotCancellable", ...fields }
  if (INVALID_REQUEST.has(retCode)) {
    return { _tag: "InvalidRequest", ...fields, reason: retMsg || "the exchange rejected a parameter" }
  }
  if (UNAVAILABLE.has(retCode)) return { _tag: "ExchangeUnavailable", ...fields, path: answer.path }
  if (PERMISSION_WORDS.test(envelope.retMsg)) return { _tag: "PermissionDenied", ...fields }
  return { _tag: "UnknownApiError", ...fields }
}

const rateLimited = (answer: Answer, fields: ApiFields, resetAt: number | undefined): Failure => ({
  _tag: "RateLimitExceeded",
  ...fields,
  path: answer.path,
  ...(resetAt !== undefined ? { resetAt } : {})
})

const unreadable = (answer: Answer, reason: UnreadableReason, detail: string): Failure => ({
  _tag: "UnreadableResponse",
  path: answer.path,
  httpStatus: answer.status,
  reason,
  detail: answer.scrub(detail, answer.signature)
})

/** The body as an envelope, or why it is not one. */
const parse = (answer: Answer): Envelope | Failure => {
  // A UTF-8 byte order mark is not JSON, but it is no part of the text: fetch's `text()` drops it,
  // other transports keep it (node:http), so it is dropped here, once for every transport.
  const body = typeof answer.body === "string" && answer.body.startsWith("\uFEFF") ? answer.body.slice(1) : answer.body
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
      return fail(
        rateLimited(answer, fields, retryAfter === undefined || (resetAt ?? 0) > retryAfter ? resetAt : retryAfter)
      )
    }
    if (status >= 500) return fail({ _tag: "ExchangeUnavailable", ...fields, path: answer.path })
    if (!isFailure(parsed) && parsed.retCode !== 0) return fail(byRetCode(answer, parsed, resetAt))
    if (status === 403) {
      const text = typeof answer.body === "string" ? answer.body.slice(0, 8192) : ""
      const banned = IP_BAN.test(text) && !BLOCKED_PAGE.test(text)
      return fail(
        banned ? rateLimited(answer, { httpStatus: 403 }, resetAt) : { _tag: "AccessForbidden", httpStatus: 403 }
      )
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

/** Transport codes that say the request never left: refused, unresolved, TLS failed, port refused. */
const NOT_SENT =
  /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|ERR_TLS_\w+|ERR_SSL_\w+|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_INVALID_URL|bad port)$/

/**
 * Whether the exchange may have carried out a failed request: no answer (but for a request that
 * never left), an exchange-side failure, or a 2xx that could not be read. An answer that shows a
 * refusal (401, 403, 429, a refusing retCode, a redirect) did not.
 *
 * @since 0.1.0
 * @category classification
 */
export const mayHaveBeenHandled = (failure: { readonly _tag: string; readonly detail?: string | undefined }): boolean =>
  (failure._tag === "TransportError" && !(failure.detail !== undefined && NOT_SENT.test(failure.detail))) ||
  failure._tag === "ExchangeUnavailable" ||
  failure._tag === "UnreadableResponse"
