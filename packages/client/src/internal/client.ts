/**
 * `BybitClient.make`: the request pipe and the per-client state (clock offset, pacing budgets,
 * rate-limit statuses, cancels in flight). One linear pipe per attempt: pace, sign, execute with a
 * timeout, read the capped body, classify (`@effect-bybit/core`), fail with a typed error. Server
 * text enters an error in one place: `toError`, after the core's scrubber.
 */

import { Answer, Scrub } from "@effect-bybit/core"
import { type QueryParams, serializeQuery, signRequest } from "@effect-bybit/signing"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
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
import * as ClockSync from "./clock.js"
import { resolve } from "./config.js"
import { withDeadline } from "./deadline.js"
import * as Http from "./http.js"
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

export const make = (options: Options): Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* resolve(options)
    const transport = yield* Http.make(config)
    const scrub = Scrub.make(config.secrets)
    const rateLimits = new Map<string, RateLimitStatus>()
    const { baseUrl, timeoutMillis, apiKey, signer, recvWindow } = config

    /** Send, read the capped body, classify; within the per-attempt deadline. */
    const send = (
      spec: RequestSpec,
      request: Http.Outgoing,
      serverNow: number,
      signed: { readonly timestamp: number; readonly signature: string } | undefined
    ): Effect.Effect<Answer.Classified, TransportError> =>
      withDeadline(
        Effect.mapError(
          transport.send(request),
          (e) => new TransportError({ reason: "Network", path: spec.path, detail: scrub(e.detail, signed?.signature) })
        ),
        timeoutMillis,
        () => timeoutError(spec.path, timeoutMillis)
      ).pipe(
        Effect.map(
          (received): Answer.Classified =>
            received._tag === "ForeignUrl"
              ? { _tag: "Failure", failure: { _tag: "RedirectRefused" }, rateLimit: undefined }
              : Answer.classify({
                  path: spec.path,
                  url: request.url,
                  status: received.status,
                  headers: received.headers,
                  body: received.body._tag === "Text" ? received.body.text : received.body,
                  serverNow,
                  timestamp: signed?.timestamp,
                  recvWindow,
                  signature: signed?.signature,
                  scrub
                })
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
            { method: "GET", url: urlOf(spec.path, spec.query === undefined ? "" : serializeQuery(spec.query)) },
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
    const clock = ClockSync.make(
      config.timeSync,
      Effect.map(fetchServerTime, (t) => t.millis)
    )
    const pacer = Pacer.make({
      enabled: config.pacing,
      maxWaitMillis: config.maxRateLimitWaitMillis,
      offsetNow: clock.offsetNow
    })

    const signedAt = (spec: RequestSpec, now: number) => {
      const timestamp = Math.round(now)
      const signed = signRequest(
        spec.method === "POST"
          ? { method: "POST", signer, apiKey, timestamp, recvWindow, body: spec.body ?? {} }
          : { method: "GET", signer, apiKey, timestamp, recvWindow, query: spec.query ?? {} }
      )
      const request: Http.Outgoing = {
        method: signed.method,
        url: urlOf(spec.path, signed.method === "GET" ? signed.queryString : ""),
        headers: signed.headers as unknown as Record<string, string>,
        body: signed.method === "POST" ? signed.body : undefined
      }
      return { request, timestamp, signature: signed.headers["X-BAPI-SIGN"] }
    }

    const request = (spec: RequestSpec): Effect.Effect<Response, RequestError | WithdrawalNotCancellable> => {
      if (!spec.signed) return unsigned(spec)
      return Effect.flatMap(
        pacer.paced(
          spec.path,
          Effect.flatMap(clock.serverNow, (now): Effect.Effect<Answer.Classified, RequestError> => {
            let signed: ReturnType<typeof signedAt>
            try {
              signed = signedAt(spec, now)
            } catch (e) {
              // A clock before the epoch is the only way to get here: reported, never a defect.
              return Effect.fail(
                new InvalidRequest({
                  field: "timestamp",
                  reason: e instanceof Error ? e.message : "cannot be signed"
                })
              )
            }
            spec.onSend?.()
            return send(spec, signed.request, now, signed)
          }),
          (classified) => classified.rateLimit
        ),
        (classified) => settle(spec, classified)
      )
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

    const serverTime = retrying(fetchServerTime).pipe(
      Effect.withSpan("BybitClient.serverTime", undefined, { captureStackTrace: false })
    )

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
