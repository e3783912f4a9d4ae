import * as Either from "effect/Either"
import type { ParseError } from "effect/ParseResult"
import type { ApiResponse, RateLimitStatus, RequestSpec } from "../BybitClient.js"
import {
  AccessForbidden,
  AuthenticationFailed,
  ExchangeUnavailable,
  RateLimitExceeded,
  RedirectRefused,
  type RequestError,
  UnknownApiError,
  UnreadableResponse
} from "../BybitError.js"
import { type Body, depthExceeds, MAX_DEPTH } from "./body.js"
import { decodeEnvelope, describe, type Envelope } from "./envelope.js"
import { parseHttpDate } from "./httpDate.js"
import { fromRetCode } from "./mapping.js"
import { originOf } from "./origin.js"
import { MAX_RESET_DISTANCE_MS, plausibleResetAt, resetAtOf } from "./rateLimit.js"
import type { Scrub } from "./scrub.js"

/** Everything known about one answer: the one input of `classify`. */
export interface ResponseRecord<A, E> {
  readonly spec: RequestSpec<A, E>
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Body
  /** The rate-limit headers, when all three were sane. */
  readonly rateLimit: RateLimitStatus | undefined
  /** The URL the request went to (to resolve a relative `Location`). */
  readonly url: string
  /** The signed request's timestamp and signature (`undefined` for public endpoints). */
  readonly timestamp: number | undefined
  readonly signature: string | undefined
  readonly recvWindow: number
  /** Server time now (ms): turns `Retry-After: <seconds>` into a reset time, and bounds every reset time. */
  readonly serverNow: number
  readonly scrub: Scrub
}

/** The parsed body, when it is a Bybit envelope (never walked past `MAX_DEPTH`). */
type Parsed =
  | { readonly _tag: "Envelope"; readonly envelope: Envelope }
  | { readonly _tag: "Unreadable"; readonly error: UnreadableResponse }

const unreadable = (
  status: number,
  reason: UnreadableResponse["reason"],
  detail: string
): { readonly _tag: "Unreadable"; readonly error: UnreadableResponse } => ({
  _tag: "Unreadable",
  error: new UnreadableResponse({ httpStatus: status, reason, detail })
})

const parse = (status: number, body: Body, scrub: Scrub, signature: string | undefined): Parsed => {
  if (body._tag === "TooLarge")
    return unreadable(status, "TooLarge", "the body is larger than the cap; reading stopped")
  const text = body.text
  if (text === "") return unreadable(status, "EmptyBody", "the body is empty")
  if (depthExceeds(text, MAX_DEPTH)) return unreadable(status, "TooDeep", `JSON nested deeper than ${MAX_DEPTH} levels`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return unreadable(status, "NotJson", `${text.length} characters that are not JSON`)
  }
  const envelope = decodeEnvelope(value)
  if (Either.isLeft(envelope)) return unreadable(status, "InvalidEnvelope", scrub(describe(envelope.left), signature))
  return { _tag: "Envelope", envelope: envelope.right }
}

/** `retCode`/`retMsg` of an envelope (scrubbed), to keep on a status error. */
const apiFieldsOf = (parsed: Parsed, scrub: Scrub, signature: string | undefined, status: number) =>
  parsed._tag === "Envelope"
    ? { httpStatus: status, retCode: parsed.envelope.retCode, retMsg: scrub(parsed.envelope.retMsg, signature) }
    : { httpStatus: status }

/** Bybit's IP ban: "access too frequent" (V5 rate-limit page) or "Access Denied" (older pages). */
const IP_BAN = /access too frequent|access denied/i
/** A CDN's or firewall's page, whatever else it says (CloudFront: "The request could not be satisfied"). */
const BLOCKED_PAGE = /could not be satisfied|cloudfront|request blocked/i

/**
 * `Retry-After`: whole seconds or an HTTP-date in any of its three forms (RFC 9110 §10.2.3), within
 * `MAX_RESET_DISTANCE_MS` of now; anything else is ignored.
 */
export const retryAfterOf = (value: string | undefined, serverNow: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d{1,8}$/.test(text)) {
    const seconds = Number(text)
    return seconds * 1000 <= MAX_RESET_DISTANCE_MS ? serverNow + seconds * 1000 : undefined
  }
  const millis = parseHttpDate(text, serverNow)
  return millis === undefined ? undefined : plausibleResetAt(millis, serverNow)
}

/**
 * Classifies one answer, HTTP status first (the Bybit doc pages: V5 "Rate Limit", "Error Codes"):
 * 3xx `RedirectRefused`; 401 `AuthenticationFailed`; 403 the IP ban (`RateLimitExceeded`), a
 * Bybit envelope (by its retCode) or `AccessForbidden`; 429 `RateLimitExceeded`; 5xx
 * `ExchangeUnavailable`; another non-2xx: a Bybit envelope by its retCode, anything else
 * `UnknownApiError`; 2xx: the envelope's retCode, then the result.
 */
export const classify = <A, E>(record: ResponseRecord<A, E>): Either.Either<ApiResponse<A>, RequestError | E> => {
  const { spec, status, headers, scrub, signature } = record
  // Not a final HTTP status (a 1xx, or 600 and up): something between us and Bybit garbled the
  // answer. Unreadable, so that a cancel looks its withdrawal up rather than guess.
  if (!(status >= 200 && status <= 599)) {
    return Either.left(
      new UnreadableResponse({
        httpStatus: status,
        reason: "InvalidStatus",
        detail: `HTTP status ${status} is not a final HTTP status (200-599)`
      })
    )
  }
  if (status >= 300 && status < 400) {
    const origin = headers.location === undefined ? undefined : originOf(headers.location, record.url)
    // A host name is server text too: it could carry what the server was sent.
    const location = origin === undefined ? undefined : scrub(origin, signature)
    return Either.left(
      new RedirectRefused(location === undefined ? { httpStatus: status } : { httpStatus: status, location })
    )
  }
  const parsed = parse(status, record.body, scrub, signature)
  const ok = status >= 200 && status < 300
  if (!ok) {
    const fields = apiFieldsOf(parsed, scrub, signature, status)
    const resetAt = () => record.rateLimit?.resetAt ?? resetAtOf(headers, record.serverNow)
    if (status === 401) return Either.left(new AuthenticationFailed(fields))
    if (status === 429) {
      const at = resetAt() ?? retryAfterOf(headers["retry-after"], record.serverNow)
      return Either.left(
        new RateLimitExceeded({ ...fields, path: spec.path, ...(at !== undefined ? { resetAt: at } : {}) })
      )
    }
    if (status >= 500) return Either.left(new ExchangeUnavailable(fields))
    if (parsed._tag === "Envelope" && parsed.envelope.retCode !== 0)
      return Either.left(byRetCode(record, parsed.envelope))
    if (status === 403) {
      const text = record.body._tag === "Text" ? record.body.text : ""
      if (IP_BAN.test(text) && !BLOCKED_PAGE.test(text)) {
        const at = resetAt()
        return Either.left(
          new RateLimitExceeded({ httpStatus: 403, path: spec.path, ...(at !== undefined ? { resetAt: at } : {}) })
        )
      }
      return Either.left(new AccessForbidden({ httpStatus: 403 }))
    }
    return Either.left(new UnknownApiError({ httpStatus: status }))
  }
  if (parsed._tag === "Unreadable") return Either.left(parsed.error)
  const envelope = parsed.envelope
  if (envelope.retCode !== 0) return Either.left(byRetCode(record, envelope))
  let result: Either.Either<A, ParseError>
  try {
    result = spec.decodeResult(envelope.result)
  } catch {
    // A caller's decoder (`BybitClient.request`) that throws: the answer could not be read, not a defect.
    return Either.left(
      new UnreadableResponse({ httpStatus: status, reason: "InvalidResult", detail: "the result decoder threw" })
    )
  }
  if (Either.isLeft(result)) {
    return Either.left(
      new UnreadableResponse({
        httpStatus: status,
        reason: "InvalidResult",
        detail: scrub(describe(result.left), signature)
      })
    )
  }
  return Either.right({
    result: result.right,
    retMsg: scrub(envelope.retMsg, signature),
    time: envelope.time,
    httpStatus: status,
    rateLimit: record.rateLimit
  })
}

/** A non-zero retCode: the endpoint's own mapping first, then the common one. */
const byRetCode = <A, E>(record: ResponseRecord<A, E>, envelope: Envelope): RequestError | E => {
  const { retCode } = envelope
  const retMsg = record.scrub(envelope.retMsg, record.signature)
  let specific: E | undefined
  try {
    specific = record.spec.mapRetCode?.(retCode, retMsg, record.status)
  } catch {
    specific = undefined // a caller's mapping that throws: the common mapping decides
  }
  if (specific !== undefined) return specific
  return fromRetCode(retCode, retMsg, {
    path: record.spec.path,
    httpStatus: record.status,
    resetAt: record.rateLimit?.resetAt ?? resetAtOf(record.headers, record.serverNow),
    timestamp: record.timestamp,
    recvWindow: record.recvWindow
  })
}

/** Errors raised before anything was sent (the clock could not be synced): never "may have happened". */
const beforeSending = new WeakSet<object>()

/** Marks an error as raised before the request was sent. */
export const notSent = <E>(error: E): E => {
  if (typeof error === "object" && error !== null) beforeSending.add(error)
  return error
}

/**
 * Whether a failed attempt may still have been carried out by the exchange (so a cancel must look
 * the withdrawal up before saying what happened): no answer (timeout, reset), an exchange-side
 * failure (5xx, system errors) or a 2xx that could not be read. An answer that shows the request
 * was refused (401, 403, 429, 4xx, a retCode of refusal, a redirect), or a failure before sending
 * (the clock's server-time request), is not.
 */
export const mayHaveBeenHandled = (error: { readonly _tag: string }): boolean =>
  (error._tag === "TransportError" || error._tag === "ExchangeUnavailable" || error._tag === "UnreadableResponse") &&
  !beforeSending.has(error)
