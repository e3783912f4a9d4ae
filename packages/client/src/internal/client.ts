/**
 * `BybitClient.make`: the per-client state (clock offset, pacing budgets, rate-limit statuses) and
 * one linear pipe per attempt: pace, sign, send within the deadline, classify (`@effect-bybit/core`),
 * fail with a typed error. Server text enters an error only through the core's scrubber.
 */
import { Answer, Scrub } from "@effect-bybit/core"
import { type QueryParams, serializeQuery, signRequest } from "@effect-bybit/signing"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type { RateLimitStatus, ServerTime, Service } from "../BybitClient.js"
import type { Options } from "../BybitConfig.js"
import * as BybitError from "../BybitError.js"
import * as ClockSync from "./clock.js"
import { resolve } from "./config.js"
import { withDeadline } from "./deadline.js"
import * as Http from "./http.js"
import * as Pacer from "./pacer.js"
import { makeRetrying } from "./retry.js"
import * as Withdrawals from "./withdrawals.js"

/** One request; a signed one is paced. */
export interface RequestSpec {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly signed: boolean
  readonly body?: unknown
  readonly query?: QueryParams
  /** The withdrawal the request is about, named in its errors. */
  readonly id?: string
  /** Told when the signed request is handed to the transport: from then on it may reach the exchange. */
  readonly onSend?: () => void
}

/** A `retCode 0` answer. */
export interface Response {
  readonly result: unknown
  readonly retMsg: string
  readonly rateLimit: RateLimitStatus | undefined
}

type AttemptError = BybitError.RequestError | BybitError.WithdrawalNotCancellable

/** What the operations are built on: one attempt, and the retry policy. */
export interface Pipe {
  readonly request: (spec: RequestSpec) => Effect.Effect<Response, AttemptError>
  readonly retrying: <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

const SERVER_TIME_PATH = "/v5/market/time"

/** A classified failure as the error class of its family (each failure tag is a class name). */
const toError = ({ _tag, ...fields }: Answer.Failure, id: string | undefined): AttemptError => {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every class is needed, one per failure tag
  const ErrorClass = BybitError[_tag] as new (fields: object) => AttemptError
  return new ErrorClass(_tag === "WithdrawalNotCancellable" ? { ...fields, id: id ?? "" } : fields)
}

export const make = (options: Options): Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const config = yield* resolve(options)
    const transport = yield* Http.make(config)
    const scrub = Scrub.make(config.secrets)
    const rateLimits = new Map<string, RateLimitStatus>()
    const { baseUrl, timeoutMillis, apiKey, signer, recvWindow } = config
    const urlOf = (path: string, query: string) => (query === "" ? baseUrl + path : `${baseUrl}${path}?${query}`)

    const send = (
      spec: RequestSpec,
      request: Http.Outgoing,
      serverNow: number,
      signed?: { readonly timestamp: number; readonly signature: string }
    ): Effect.Effect<Answer.Classified, BybitError.TransportError> =>
      withDeadline(
        Effect.mapError(
          transport.send(request),
          (e) =>
            new BybitError.TransportError({
              reason: "Network",
              path: spec.path,
              detail: scrub(e.detail, signed?.signature)
            })
        ),
        timeoutMillis,
        () =>
          new BybitError.TransportError({
            reason: "Timeout",
            path: spec.path,
            detail: `no complete response within ${timeoutMillis} ms`
          })
      ).pipe(
        Effect.map(
          (received): Answer.Classified =>
            received._tag === "ForeignUrl"
              ? { _tag: "Failure", failure: { _tag: "RedirectRefused" }, rateLimit: undefined }
              : Answer.classify({
                  ...received,
                  path: spec.path,
                  url: request.url,
                  serverNow,
                  timestamp: signed?.timestamp,
                  recvWindow,
                  signature: signed?.signature,
                  scrub
                })
        )
      )

    const sendSigned = (spec: RequestSpec, now: number): Effect.Effect<Answer.Classified, AttemptError> => {
      const timestamp = Math.round(now)
      let signed: ReturnType<typeof signRequest>
      try {
        signed = signRequest(
          spec.method === "POST"
            ? { method: "POST", signer, apiKey, timestamp, recvWindow, body: spec.body ?? {} }
            : { method: "GET", signer, apiKey, timestamp, recvWindow, query: spec.query ?? {} }
        )
      } catch (e) {
        // Only a clock before the epoch gets here: reported, never a defect.
        const reason = e instanceof Error ? e.message : "cannot be signed"
        return Effect.fail(new BybitError.InvalidRequest({ field: "timestamp", reason }))
      }
      spec.onSend?.()
      const headers = signed.headers as unknown as Record<string, string>
      const request: Http.Outgoing =
        signed.method === "POST"
          ? { method: "POST", path: spec.path, url: urlOf(spec.path, ""), headers, body: signed.body }
          : { method: "GET", path: spec.path, url: urlOf(spec.path, signed.queryString), headers }
      return send(spec, request, now, { timestamp, signature: signed.headers["X-BAPI-SIGN"] })
    }

    const request = (spec: RequestSpec): Effect.Effect<Response, AttemptError> =>
      Effect.flatMap(
        spec.signed
          ? pacer.paced(
              spec.path,
              Effect.flatMap(clock.serverNow, (now) => sendSigned(spec, now)),
              (classified) => classified.rateLimit
            )
          : Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const query = spec.query === undefined ? "" : serializeQuery(spec.query)
              return send(spec, { method: "GET", path: spec.path, url: urlOf(spec.path, query) }, now)
            }),
        (classified) => {
          if (classified.rateLimit !== undefined) rateLimits.set(spec.path, classified.rateLimit)
          return classified._tag === "Success"
            ? Effect.succeed({ result: classified.result, retMsg: classified.retMsg, rateLimit: classified.rateLimit })
            : Effect.fail(toError(classified.failure, spec.id))
        }
      )

    // A public request's failure is never the cancel endpoint's own 131099.
    const fetchServerTime = Effect.flatMap(
      request({ method: "GET", path: SERVER_TIME_PATH, signed: false }),
      (response) => {
        const { timeSecond, timeNano } = (response.result ?? {}) as { timeSecond?: unknown; timeNano?: unknown }
        return typeof timeSecond === "string" && typeof timeNano === "string" && /^\d{1,30}$/.test(timeNano)
          ? Effect.succeed({ timeSecond, timeNano, millis: Number(BigInt(timeNano) / 1_000_000n) })
          : Effect.fail(
              new BybitError.UnreadableResponse({
                path: SERVER_TIME_PATH,
                reason: "InvalidResult",
                detail: "result: expected timeSecond and timeNano as strings of digits"
              })
            )
      }
    ) as Effect.Effect<ServerTime, BybitError.RequestError>
    const clock = ClockSync.make(
      config.timeSync,
      Effect.map(fetchServerTime, (t) => t.millis)
    )
    const pacer = Pacer.make({
      enabled: config.pacing,
      maxWaitMillis: config.maxRateLimitWaitMillis,
      offsetNow: clock.offsetNow
    })
    const retrying = makeRetrying({ ...config, ...clock })
    const withdrawals = Withdrawals.make({ request, retrying })
    return {
      environment: config.environment,
      baseUrl,
      serverTime: retrying(fetchServerTime).pipe(
        Effect.withSpan("BybitClient.serverTime", undefined, { captureStackTrace: false })
      ),
      clockOffset: clock.offset,
      rateLimitStatus: (path) => Effect.sync(() => rateLimits.get(path)),
      cancel: withdrawals.cancel,
      list: withdrawals.list
    } satisfies Service
  })
