/**
 * `BybitClient.make`: the request pipe and the per-client state (clock offset, pacing budgets,
 * rate-limit statuses, cancels in flight). One linear pipe per attempt: pace, sign, execute with a
 * timeout, read the capped body, classify (`@effect-bybit/core`), fail with a typed error. Server
 * text enters an error in one place: `toError`, after the core's scrubber.
 */

import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Answer, Scrub } from "@effect-bybit/core"
import { type QueryParams, serializeQuery, signRequest } from "@effect-bybit/signing"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { RateLimitStatus, ServerTime, Service } from "../BybitClient.js"
import type { Options } from "../BybitConfig.js"
import {
  AccessForbidden,
  AuthenticationFailed,
  ExchangeUnavailable,
  InvalidRequest,
  PermissionDenied,
  RateLimitExceeded,
  RedirectRefused,
  type RequestError,
  TimestampOutsideWindow,
  TransportError,
  UnknownApiError,
  UnreadableResponse,
  WithdrawalNotCancellable
} from "../BybitError.js"
import * as Body from "./body.js"
import * as ClockSync from "./clock.js"
import { resolve } from "./config.js"
import { withDeadline } from "./deadline.js"
import * as Pacer from "./pacer.js"
import { makeRetrying } from "./retry.js"
import * as Withdrawals from "./withdrawals.js"

/** One request: method, path, body or query; private ones are signed and paced. */
export interface RequestSpec {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly signed: boolean
  readonly body?: unknown
  readonly query?: QueryParams
  /** The withdrawal the request is about, named in its errors. */
  readonly id?: string
  /** Told when the signed request is handed to the transport (it may reach the exchange from then on). */
  readonly onSend?: () => void
}

/** A `retCode 0` answer. */
export interface Response {
  readonly result: unknown
  readonly retMsg: string
  readonly rateLimit: RateLimitStatus | undefined
}

/** What the operations are built on. */
export interface Pipe {
  /** One attempt (paced and signed when private), no retry. */
  readonly request: (spec: RequestSpec) => Effect.Effect<Response, RequestError | WithdrawalNotCancellable>
  /** Retries what is safe to retry. */
  readonly retrying: <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

const SERVER_TIME_PATH = "/v5/market/time"

/** Every header but these is recorded as `<redacted>` in the platform's spans. */
const SHOWN_HEADERS =
  /^(?!(?:content-type|content-length|date|retry-after|x-bapi-timestamp|x-bapi-recv-window|x-bapi-limit|x-bapi-limit-status|x-bapi-limit-reset-timestamp|traceparent|b3)$)/i

/** The error class of each failure family; a classified failure becomes one, field for field. */
const errorClasses = {
  AuthenticationFailed,
  PermissionDenied,
  AccessForbidden,
  UnknownApiError,
  TimestampOutsideWindow,
  RateLimitExceeded,
  InvalidRequest,
  ExchangeUnavailable,
  WithdrawalNotCancellable,
  RedirectRefused,
  UnreadableResponse
} as const

const toError = (failure: Answer.Failure, id: string | undefined): RequestError | WithdrawalNotCancellable => {
  const { _tag, ...fields } = failure
  const ErrorClass = errorClasses[_tag] as new (fields: object) => RequestError | WithdrawalNotCancellable
  return new ErrorClass(_tag === "WithdrawalNotCancellable" ? { ...fields, id: id ?? "" } : fields)
}

const timeoutError = (path: string, millis: number) =>
  new TransportError({ reason: "Timeout", path, detail: `no complete response within ${millis} ms` })

/** The transport's own words: the innermost errno code (`ECONNREFUSED`, `ERR_TLS_...`), else message. */
const transportDetail = (error: { readonly cause?: unknown; readonly reason?: string }): string => {
  let cause = error.cause
  let code: string | undefined
  let message: string | undefined
  for (let depth = 0; depth < 6 && typeof cause === "object" && cause !== null; depth++) {
    const c = cause as { readonly code?: unknown; readonly message?: unknown; readonly cause?: unknown }
    if (typeof c.code === "string" && /^[A-Z][A-Z0-9_]{1,60}$/.test(c.code)) code = c.code
    if (typeof c.message === "string" && c.message !== "") message = c.message
    cause = c.cause
  }
  return code ?? message ?? error.reason ?? "transport failure"
}

export const make = (
  options: Options
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function* () {
    const config = yield* resolve(options)
    // The credential headers are redacted in every span and log of the platform, as Effect's own
    // clients do: at one boundary, for the client's scope.
    // Every other header is redacted too, but those that say what happened: an answer's headers
    // (a redirect's Location included) are the server's text, and may echo what it was sent.
    yield* Effect.locallyScopedWith(
      Headers.currentRedactedNames,
      Arr.appendAll(["x-bapi-api-key", "x-bapi-sign", SHOWN_HEADERS])
    )
    const given = yield* HttpClient.HttpClient
    const httpClient = config.transformClient === undefined ? given : config.transformClient(given)
    // fetch follows redirects unless told not to; the other transports never do. The fetch the
    // client calls says so on every request; the caller's `RequestInit` (a proxy `dispatcher`)
    // still reaches it, and so does a `Fetch` of the caller's provided to the client.
    const callerFetch = Option.getOrUndefined(yield* Effect.serviceOption(FetchHttpClient.Fetch))
    const manualFetch: typeof globalThis.fetch = (input, init) =>
      (callerFetch ?? globalThis.fetch)(input, { ...init, redirect: "manual" })
    const scrub = Scrub.make(config.secrets)
    const rateLimits = new Map<string, RateLimitStatus>()
    const { baseUrl, timeoutMillis, maxResponseBytes, apiKey, signer, recvWindow } = config

    /** Execute, read the capped body, classify. */
    const send = (
      spec: RequestSpec,
      request: HttpClientRequest.HttpClientRequest,
      serverNow: number,
      signed: { readonly timestamp: number; readonly signature: string } | undefined
    ): Effect.Effect<Answer.Classified, TransportError> =>
      httpClient.execute(request).pipe(
        Effect.flatMap((response): Effect.Effect<Answer.Classified, HttpClientError.ResponseError> => {
          // An answer for another URL than ours (a wrapper followed a redirect) is never a success.
          if (response.request.url !== request.url) {
            const refused: Answer.Classified = {
              _tag: "Failure",
              failure: { _tag: "RedirectRefused" },
              rateLimit: undefined
            }
            return Effect.as(Body.discard(response), refused)
          }
          return Effect.map(Body.read(response, response.headers, maxResponseBytes), (body) =>
            Answer.classify({
              path: spec.path,
              url: request.url,
              status: response.status,
              headers: response.headers,
              body: body._tag === "Text" ? body.text : body,
              serverNow,
              timestamp: signed?.timestamp,
              recvWindow,
              signature: signed?.signature,
              scrub
            })
          )
        }),
        Effect.provideService(FetchHttpClient.Fetch, manualFetch),
        (effect) => withDeadline(effect, timeoutMillis, () => timeoutError(spec.path, timeoutMillis)),
        Effect.catchIf(
          (e): e is HttpClientError.HttpClientError => e._tag !== "TransportError",
          (e) =>
            Effect.fail(
              new TransportError({
                reason: "Network",
                path: spec.path,
                detail: scrub(transportDetail(e), signed?.signature)
              })
            )
        )
      )

    const settle = (
      spec: RequestSpec,
      classified: Answer.Classified
    ): Effect.Effect<Response, RequestError | WithdrawalNotCancellable> => {
      if (classified.rateLimit !== undefined) rateLimits.set(spec.path, classified.rateLimit)
      return classified._tag === "Success"
        ? Effect.succeed({ result: classified.result, retMsg: classified.retMsg, rateLimit: classified.rateLimit })
        : Effect.fail(toError(classified.failure, spec.id))
    }

    const urlOf = (path: string, query: string) => (query === "" ? baseUrl + path : `${baseUrl}${path}?${query}`)

    const unsigned = (spec: RequestSpec): Effect.Effect<Response, RequestError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          send(
            spec,
            HttpClientRequest.get(urlOf(spec.path, spec.query === undefined ? "" : serializeQuery(spec.query))),
            now,
            undefined
          ),
          // A public request's failure is never the cancel endpoint's own 131099.
          (classified) => settle(spec, classified) as Effect.Effect<Response, RequestError>
        )
      )

    const fetchServerTime: Effect.Effect<ServerTime, RequestError> = Effect.flatMap(
      unsigned({ method: "GET", path: SERVER_TIME_PATH, signed: false }),
      (response) => {
        const { timeSecond, timeNano } = (response.result ?? {}) as { timeSecond?: unknown; timeNano?: unknown }
        return typeof timeSecond === "string" && typeof timeNano === "string" && /^\d{1,30}$/.test(timeNano)
          ? Effect.succeed({ timeSecond, timeNano, millis: Number(BigInt(timeNano) / 1_000_000n) })
          : Effect.fail(
              new UnreadableResponse({
                path: SERVER_TIME_PATH,
                reason: "InvalidResult",
                detail: "result: expected timeSecond and timeNano as strings of digits"
              })
            )
      }
    )
    const clock = yield* ClockSync.make(
      config.timeSync,
      Effect.map(fetchServerTime, (t) => t.millis)
    )
    const offset = Effect.map(
      clock.offset,
      Option.getOrElse(() => 0)
    )
    const pacer = Pacer.make({ enabled: config.pacing, maxWaitMillis: config.maxRateLimitWaitMillis, offset })

    const signedAt = (spec: RequestSpec, now: number) => {
      const timestamp = Math.round(now)
      if (spec.method === "POST") {
        const signed = signRequest({ method: "POST", signer, apiKey, timestamp, recvWindow, body: spec.body ?? {} })
        return {
          request: HttpClientRequest.post(urlOf(spec.path, ""), {
            headers: signed.headers as unknown as Record<string, string>,
            body: HttpBody.text(signed.body, "application/json")
          }),
          timestamp,
          signature: signed.headers["X-BAPI-SIGN"]
        }
      }
      const signed = signRequest({ method: "GET", signer, apiKey, timestamp, recvWindow, query: spec.query ?? {} })
      return {
        request: HttpClientRequest.get(urlOf(spec.path, signed.queryString), {
          headers: signed.headers as unknown as Record<string, string>
        }),
        timestamp,
        signature: signed.headers["X-BAPI-SIGN"]
      }
    }

    const request = (spec: RequestSpec): Effect.Effect<Response, RequestError | WithdrawalNotCancellable> => {
      if (!spec.signed) return unsigned(spec)
      return pacer
        .paced(
          spec.path,
          clock.serverNow.pipe(
            Effect.flatMap((now) =>
              Effect.flatMap(
                Effect.try({
                  try: () => signedAt(spec, now),
                  // A clock before the epoch is the only way to get here: reported, never a defect.
                  catch: (e) =>
                    new InvalidRequest({
                      field: "timestamp",
                      reason: e instanceof Error ? e.message : "cannot be signed"
                    })
                }),
                ({ request, timestamp, signature }) => {
                  spec.onSend?.()
                  return send(spec, request, now, { timestamp, signature })
                }
              )
            )
          ),
          (classified) => classified.rateLimit
        )
        .pipe(Effect.flatMap((classified) => settle(spec, classified)))
    }

    const retrying = makeRetrying({
      schedule: config.retry,
      maxRateLimitWaitMillis: config.maxRateLimitWaitMillis,
      timeSync: config.timeSync,
      serverNow: clock.serverNow,
      resync: clock.resync,
      offset: clock.offset
    })
    const pipe: Pipe = { request, retrying }

    const serverTime = retrying(fetchServerTime).pipe(Effect.withSpan("BybitClient.serverTime"))

    const withdrawals = Withdrawals.make(pipe)
    return {
      environment: config.environment,
      baseUrl,
      serverTime,
      clockOffset: clock.offset,
      rateLimitStatus: (path) => Effect.sync(() => rateLimits.get(path)),
      cancel: withdrawals.cancel,
      list: withdrawals.list
    } satisfies Service
  })
