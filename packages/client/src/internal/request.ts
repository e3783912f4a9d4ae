import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { type QueryParams, type Signer, serializeQuery, signRequest } from "@effect-bybit/signing"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { ParseError } from "effect/ParseResult"
import * as Ref from "effect/Ref"
import type * as Schedule from "effect/Schedule"
import {
  AuthenticationFailed,
  ExchangeUnavailable,
  InvalidRequest,
  RateLimitExceeded,
  type RequestError,
  type RetryableError,
  TransportError,
  UnknownApiError,
  UnreadableResponse
} from "../BybitError.js"
import type { ClockSync } from "./clock.js"
import { withDeadline } from "./deadline.js"
import { decodeEnvelope, describe, looksLikeHtml, parseJson } from "./envelope.js"
import { type CodeContext, fromRetCode } from "./mapping.js"
import * as Pacing from "./pacing.js"
import { fromHeaders, type RateLimitStatus, resetAtOf } from "./rateLimit.js"
import { makeRetrying } from "./retry.js"
import { decodeServerTime } from "./serverTime.js"

/** One call to the exchange: where, what, and how to read its `result`. */
export interface RequestSpec<A, E = never> {
  readonly method: "GET" | "POST"
  /** The path, e.g. `/v5/asset/withdraw/cancel`. */
  readonly path: string
  /** Private endpoints are signed; public ones (market time) are not. */
  readonly signed: boolean
  /** The JSON body of a POST (serialized once, signed and sent as is). */
  readonly body?: unknown
  /** The query of a GET (serialized once, signed and sent as is). */
  readonly query?: QueryParams
  /** Decodes `result` of a `retCode 0` envelope. */
  readonly decodeResult: (result: unknown) => Either.Either<A, ParseError>
  /** Maps the endpoint's own retCodes (e.g. 131099); `undefined` falls back to the common mapping. */
  readonly mapRetCode?: (retCode: number, retMsg: string, httpStatus: number) => E | undefined
}

/** A decoded `retCode 0` answer. */
export interface ApiResponse<A> {
  readonly result: A
  readonly retMsg: string
  /** The server time of the answer (ms), when sent. */
  readonly time: number | undefined
  readonly httpStatus: number
  /** The rate-limit headers of the answer, when sent. */
  readonly rateLimit: RateLimitStatus | undefined
}

/** What the request pipeline is built from, once per layer. */
export interface PipelineOptions {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  readonly apiKey: string
  readonly signer: Signer
  /** Strings to scrub from anything the exchange echoes back (the secret, for HMAC). */
  readonly secrets: ReadonlyArray<string>
  readonly recvWindow: number
  readonly timeout: Duration.Duration
  readonly retry: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWait: Duration.Duration
  readonly timeSync: boolean
  readonly clock: ClockSync
  /** Hold private requests until their endpoint's budget allows them (`internal/pacing.ts`). */
  readonly pacing: boolean
}

/** The request pipeline a `BybitClient` is made of. */
export interface Pipeline {
  /** One attempt, no retry. */
  readonly request: <A, E = never>(spec: RequestSpec<A, E>) => Effect.Effect<ApiResponse<A>, RequestError | E>
  /** Retries what is safe to retry, per the configured schedule. */
  readonly retrying: <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** Server time in ms from `GET /v5/market/time` (one attempt). */
  readonly fetchServerMillis: Effect.Effect<number, RequestError>
  readonly rateLimits: Ref.Ref<ReadonlyMap<string, RateLimitStatus>>
}

const JSON_TYPE = "application/json"

/** The most useful thing the transport said (an errno code such as `ECONNREFUSED`), never the request. */
const detailOf = (error: HttpClientError.HttpClientError): string => {
  let cause: unknown = error.cause
  let message: string | undefined
  for (let depth = 0; depth < 5 && typeof cause === "object" && cause !== null; depth++) {
    const c = cause as { readonly code?: unknown; readonly message?: unknown; readonly cause?: unknown }
    if (typeof c.code === "string" && /^[A-Z_]+$/.test(c.code)) return c.code
    if (typeof c.message === "string" && c.message !== "") message = c.message
    cause = c.cause
  }
  const base = error._tag === "RequestError" ? `request ${error.reason}` : `response ${error.reason}`
  return message !== undefined ? `${base}: ${message.slice(0, 120)}` : base
}

const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets)
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join("<redacted>")
  return out
}

/** Builds the pipeline: the `HttpClient` is shaped here once, not per request. */
export const make = (options: PipelineOptions): Effect.Effect<Pipeline> =>
  Effect.gen(function* () {
    const rateLimits = yield* Ref.make<ReadonlyMap<string, RateLimitStatus>>(new Map())
    // Shaped once: the base URL, and no client span: its attributes would carry every header,
    // `X-BAPI-SIGN` included. Our own spans (Withdrawals.cancel, ...) say what is useful.
    const client = options.httpClient.pipe(
      HttpClient.mapRequest(HttpClientRequest.prependUrl(options.baseUrl)),
      HttpClient.withTracerDisabledWhen(() => true)
    )
    const timeoutMillis = Duration.toMillis(options.timeout)
    const { clock, recvWindow, apiKey, signer } = options
    const pacer = Pacing.make({ enabled: options.pacing, clock, maxWait: options.maxRateLimitWait })

    const recordRateLimit = (status: RateLimitStatus) =>
      Ref.update(rateLimits, (map) => {
        const next = new Map(map)
        next.set(status.path, status)
        return next
      }).pipe(Effect.zipRight(pacer.observe(status)))

    const interpret = <A, E>(
      spec: RequestSpec<A, E>,
      status: number,
      headers: Readonly<Record<string, string>>,
      rateLimit: RateLimitStatus | undefined,
      text: string,
      timestamp: number | undefined,
      signature: string | undefined
    ): Either.Either<ApiResponse<A>, RequestError | E> => {
      const resetAt = rateLimit?.resetAt ?? resetAtOf(headers)
      if (status === 429 || (status === 403 && parseJson(text) === undefined)) {
        return Either.left(
          new RateLimitExceeded({
            httpStatus: status,
            path: spec.path,
            ...(resetAt !== undefined ? { resetAt } : {}),
            retMsg: status === 429 ? "Too Many Requests" : "access too frequent"
          })
        )
      }
      const parsed = text === "" ? undefined : parseJson(text)
      if (parsed === undefined) {
        if (status >= 500 || looksLikeHtml(text, headers["content-type"])) {
          return Either.left(new ExchangeUnavailable({ httpStatus: status }))
        }
        if (status === 401) return Either.left(new AuthenticationFailed({ httpStatus: status }))
        if (status < 200 || status >= 300) return Either.left(new UnknownApiError({ httpStatus: status }))
        return Either.left(
          new UnreadableResponse({
            httpStatus: status,
            reason: text === "" ? "EmptyBody" : "NotJson",
            detail: text === "" ? "the body is empty" : `${text.length} characters that are not JSON`
          })
        )
      }
      const envelope = decodeEnvelope(parsed.value)
      if (Either.isLeft(envelope)) {
        if (status >= 500) return Either.left(new ExchangeUnavailable({ httpStatus: status }))
        if (status === 401) return Either.left(new AuthenticationFailed({ httpStatus: status }))
        if (status < 200 || status >= 300) return Either.left(new UnknownApiError({ httpStatus: status }))
        return Either.left(
          new UnreadableResponse({ httpStatus: status, reason: "InvalidEnvelope", detail: describe(envelope.left) })
        )
      }
      const { retCode, time } = envelope.right
      if (retCode !== 0) {
        let retMsg = envelope.right.retMsg
        if (signature !== undefined && retMsg.includes(signature)) retMsg = retMsg.split(signature).join("<redacted>")
        retMsg = scrub(retMsg, options.secrets)
        if (status >= 500) return Either.left(new ExchangeUnavailable({ httpStatus: status, retCode, retMsg }))
        const specific = spec.mapRetCode?.(retCode, retMsg, status)
        if (specific !== undefined) return Either.left(specific)
        const ctx: CodeContext = { path: spec.path, httpStatus: status, resetAt, timestamp, recvWindow }
        return Either.left(fromRetCode(retCode, retMsg, ctx))
      }
      if (status < 200 || status >= 300) {
        return Either.left(
          status >= 500
            ? new ExchangeUnavailable({ httpStatus: status })
            : new UnknownApiError({ httpStatus: status, retCode })
        )
      }
      const result = spec.decodeResult(envelope.right.result)
      if (Either.isLeft(result)) {
        return Either.left(
          new UnreadableResponse({ httpStatus: status, reason: "InvalidResult", detail: describe(result.left) })
        )
      }
      return Either.right({ result: result.right, retMsg: envelope.right.retMsg, time, httpStatus: status, rateLimit })
    }

    const send = <A, E>(
      spec: RequestSpec<A, E>,
      request: HttpClientRequest.HttpClientRequest,
      timestamp: number | undefined,
      signature: string | undefined
    ): Effect.Effect<ApiResponse<A>, RequestError | E> =>
      client.execute(request).pipe(
        Effect.flatMap((response) => {
          const headers = response.headers
          const rateLimit = fromHeaders(spec.path, headers)
          return Effect.map(response.text, (text) => ({
            rateLimit,
            outcome: interpret(spec, response.status, headers, rateLimit, text, timestamp, signature)
          }))
        }),
        Effect.catchAll((error) =>
          Effect.fail(new TransportError({ reason: "Network", path: spec.path, detail: detailOf(error) }))
        ),
        (effect) =>
          withDeadline(
            effect,
            timeoutMillis,
            () =>
              new TransportError({
                reason: "Timeout",
                path: spec.path,
                detail: `no complete response within ${timeoutMillis}ms`
              })
          ),
        // Every answer's rate-limit headers are kept, an error's (e.g. 10006) as much as a success's.
        Effect.flatMap(({ outcome, rateLimit }) =>
          rateLimit !== undefined ? Effect.zipRight(recordRateLimit(rateLimit), outcome) : outcome
        )
      )

    const unsigned = <A, E>(spec: RequestSpec<A, E>): Effect.Effect<ApiResponse<A>, RequestError | E> => {
      if (spec.method === "POST") {
        const body = JSON.stringify(spec.body ?? {})
        return send(
          spec,
          HttpClientRequest.post(spec.path, { body: HttpBody.raw(body, { contentType: JSON_TYPE }) }),
          undefined,
          undefined
        )
      }
      const query = spec.query === undefined ? "" : serializeQuery(spec.query)
      return send(spec, HttpClientRequest.get(query === "" ? spec.path : `${spec.path}?${query}`), undefined, undefined)
    }

    const signedAt = <A, E>(spec: RequestSpec<A, E>, now: number): Effect.Effect<ApiResponse<A>, RequestError | E> => {
      const timestamp = Math.round(now)
      let request: HttpClientRequest.HttpClientRequest
      let signature: string
      try {
        if (spec.method === "POST") {
          const signed = signRequest({ method: "POST", signer, apiKey, timestamp, recvWindow, body: spec.body ?? {} })
          signature = signed.headers["X-BAPI-SIGN"]
          request = HttpClientRequest.post(spec.path, {
            headers: signed.headers as unknown as Readonly<Record<string, string>>,
            body: HttpBody.raw(signed.body, { contentType: JSON_TYPE })
          })
        } else {
          const signed = signRequest({ method: "GET", signer, apiKey, timestamp, recvWindow, query: spec.query })
          signature = signed.headers["X-BAPI-SIGN"]
          const url = signed.queryString === "" ? spec.path : `${spec.path}?${signed.queryString}`
          request = HttpClientRequest.get(url, {
            headers: signed.headers as unknown as Readonly<Record<string, string>>
          })
        }
      } catch (error) {
        // A clock before the epoch, or a body that is not JSON: report, never throw.
        const reason = error instanceof Error ? error.message : "the request could not be signed"
        return Effect.fail(new InvalidRequest({ field: "timestamp", reason }))
      }
      return send(spec, request, timestamp, signature)
    }

    const serverTimeSpec: RequestSpec<number> = {
      method: "GET",
      path: "/v5/market/time",
      signed: false,
      decodeResult: (result) => Either.map(decodeServerTime(result), (time) => time.millis)
    }
    const fetchServerMillis: Effect.Effect<number, RequestError> = Effect.map(
      unsigned(serverTimeSpec),
      (response) => response.result
    )

    const request = <A, E = never>(spec: RequestSpec<A, E>): Effect.Effect<ApiResponse<A>, RequestError | E> =>
      spec.signed
        ? pacer.pace(
            spec.path,
            Effect.flatMap(clock.serverNow(fetchServerMillis), (now) => signedAt(spec, now))
          )
        : unsigned(spec)

    const retrying = makeRetrying({
      schedule: options.retry,
      maxRateLimitWait: options.maxRateLimitWait,
      timeSync: options.timeSync,
      clock,
      fetchServerMillis
    })

    return { request, retrying, fetchServerMillis, rateLimits }
  })
