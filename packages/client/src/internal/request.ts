import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { type Signer, serializeQuery, signRequest } from "@effect-bybit/signing"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Schedule from "effect/Schedule"
import type { ApiResponse, RateLimitStatus, RequestSpec } from "../BybitClient.js"
import {
  InvalidRequest,
  RedirectRefused,
  type RequestError,
  type RetryableError,
  TransportError
} from "../BybitError.js"
import * as Body from "./body.js"
import { classify, notSent } from "./classify.js"
import * as ClockSync from "./clock.js"
import { withDeadline } from "./deadline.js"
import { guard, sameTarget, TransportDefect } from "./hopGuard.js"
import { observeAttempt, type RecordAnswer } from "./observe.js"
import { originOf } from "./origin.js"
import * as Pacing from "./pacing.js"
import { fromHeaders } from "./rateLimit.js"
import { makeRetrying } from "./retry.js"
import * as Scrub from "./scrub.js"

/** What the request pipeline is built from, once per layer. */
export interface PipelineOptions {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  readonly apiKey: string
  readonly signer: Signer
  /** Strings to scrub from anything the exchange echoes back (the HMAC secret, the RSA key's lines). */
  readonly secrets: ReadonlyArray<string>
  /** The cap on a response body, in bytes. */
  readonly maxResponseBytes: number
  readonly recvWindow: number
  readonly timeout: Duration.Duration
  readonly retry: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWait: Duration.Duration
  readonly timeSync: boolean
  /** A span per attempt (ours and the platform's `http.client` one). */
  readonly traceRequests: boolean
  /** Hold private requests until their endpoint's budget allows them (`internal/pacing.ts`). */
  readonly pacing: boolean
  /** `GET /v5/market/time`, declared with its model in `BybitClient.ts`: the clock's one question. */
  readonly serverTime: RequestSpec<{ readonly millis: number }>
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
  /** The measured clock offset (server minus local, ms), if measured. */
  readonly clockOffset: Effect.Effect<Option.Option<number>>
}

const JSON_TYPE = "application/json"

/**
 * The most useful thing the transport said (an errno code such as `ECONNREFUSED`), never the request.
 * The error comes from the caller's `HttpClient`, wrappers included: a getter that throws on it is
 * no reason to die, and gives the plain fallback.
 */
const detailOf = (error: HttpClientError.HttpClientError): string => {
  try {
    let cause: unknown = error.cause
    let message: string | undefined
    for (let depth = 0; depth < 5 && typeof cause === "object" && cause !== null; depth++) {
      const c = cause as { readonly code?: unknown; readonly message?: unknown; readonly cause?: unknown }
      if (typeof c.code === "string" && /^[A-Z_]+$/.test(c.code)) return c.code
      if (typeof c.message === "string" && c.message !== "") message = c.message
      cause = c.cause
    }
    const base = error._tag === "RequestError" ? `request ${error.reason}` : `response ${error.reason}`
    // Not cut here: the scrubber cuts it after removing secrets.
    return message !== undefined ? `${base}: ${message}` : base
  } catch {
    return "the transport failed with an error that could not be read"
  }
}

/** A defect of the transport, made a `RequestError` by `guard` (a throwing getter on the error: not one). */
const isDefect = (error: HttpClientError.HttpClientError): boolean => {
  try {
    return error.cause instanceof TransportDefect
  } catch {
    return false
  }
}

/** The `retCode` an error carries, if the exchange answered with an envelope. */
const retCodeOf = (error: unknown): number | undefined =>
  typeof error === "object" && error !== null && "retCode" in error && typeof error.retCode === "number"
    ? error.retCode
    : undefined

/** An answer's status and headers, read once (the platform builds a new headers record on every access). */
interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

/**
 * What came back: the answer to the client's own request and its body; or the origin of another
 * address (`undefined` when unreadable), when a wrapper of the caller's sent the request there
 * (`httpStatus`: that answer's status, its body never read) or was stopped before sending it there
 * or again (`httpStatus` undefined); or a redirect a browser's `fetch` answered without a status.
 */
type Received =
  | { readonly _tag: "Answered"; readonly answer: Answer; readonly body: Body.Body }
  | { readonly _tag: "Elsewhere"; readonly httpStatus: number | undefined; readonly location: string | undefined }
  | { readonly _tag: "Redirect" }

/** Builds the pipeline: the `HttpClient` is shaped here once, not per request. */
export const make = (options: PipelineOptions): Effect.Effect<Pipeline> =>
  Effect.gen(function* () {
    const rateLimits = yield* Ref.make<ReadonlyMap<string, RateLimitStatus>>(new Map())
    const callerFetch = Option.getOrUndefined(yield* Effect.serviceOption(FetchHttpClient.Fetch))
    // Used as given: `guard` runs each request with the header-safe tracer (or no `http.client` span)
    // and lets no other request leave (`internal/hopGuard.ts`).
    const client = options.httpClient
    const timeoutMillis = Duration.toMillis(options.timeout)
    const { recvWindow, apiKey, signer, maxResponseBytes, baseUrl } = options
    const scrub = Scrub.make(options.secrets)

    const recordRateLimit = (status: RateLimitStatus, observe: Pacing.Observe) =>
      Ref.update(rateLimits, (map) => {
        const next = new Map(map)
        next.set(status.path, status)
        return next
      }).pipe(Effect.zipRight(observe(status)))

    const sendOnce = <A, E>(
      spec: RequestSpec<A, E>,
      request: HttpClientRequest.HttpClientRequest,
      timestamp: number | undefined,
      signature: string | undefined,
      observe: Pacing.Observe,
      record: RecordAnswer
    ): Effect.Effect<ApiResponse<A>, RequestError | E> => {
      const finish = (
        response: Answer,
        body: Body.Body,
        serverNow: number
      ): Effect.Effect<ApiResponse<A>, RequestError | E> => {
        const headers = response.headers
        const rateLimit = fromHeaders(spec.path, headers, serverNow)
        const outcome = classify({
          spec,
          status: response.status,
          headers,
          body,
          rateLimit,
          url: baseUrl + spec.path,
          timestamp,
          signature,
          recvWindow,
          serverNow,
          scrub
        })
        record(response.status, Either.isRight(outcome) ? 0 : retCodeOf(outcome.left), rateLimit)
        // Every answer's rate-limit headers are kept, an error's (e.g. 10006) as much as a success's.
        return rateLimit !== undefined ? Effect.zipRight(recordRateLimit(rateLimit, observe), outcome) : outcome
      }
      const sent = HttpClientRequest.prependUrl(request, baseUrl)
      const received = Effect.flatMap(
        guard(client.execute(sent), sent, {
          traced: options.traceRequests,
          fetch: callerFetch,
          scrub: (text, limit) => scrub(text, signature, limit)
        }),
        (response): Effect.Effect<Received, HttpClientError.ResponseError> => {
          if (!("status" in response)) {
            // A browser's unfollowed redirect: an ordinary 3xx, whose status and Location it hides.
            if (response.url === undefined) return Effect.succeed({ _tag: "Redirect" })
            return Effect.succeed({
              _tag: "Elsewhere",
              httpStatus: response.httpStatus,
              location: response.url === "" ? undefined : originOf(response.url, baseUrl)
            })
          }
          const answer: Answer = { status: response.status, headers: response.headers }
          // Answered for another request than ours (a wrapper of the caller's sent it elsewhere
          // despite the guard): its body is never read, only closed.
          if (!sameTarget(response.request, sent)) {
            return Effect.as(Body.discard(response), {
              _tag: "Elsewhere",
              httpStatus: answer.status,
              location: originOf(response.request.url, baseUrl)
            })
          }
          return Effect.map(
            Body.read(response, answer.headers, maxResponseBytes),
            (body): Received => ({ _tag: "Answered", answer, body })
          )
        }
      )
      return received.pipe(
        Effect.catchAll((error) =>
          Effect.fail(
            new TransportError({
              reason: isDefect(error) ? "Defect" : "Network",
              path: spec.path,
              detail: scrub(detailOf(error), signature)
            })
          )
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
        Effect.flatMap((received) => {
          if (received._tag === "Redirect") return Effect.fail(new RedirectRefused({}))
          if (received._tag === "Elsewhere") {
            const location = received.location === undefined ? {} : { location: scrub(received.location, signature) }
            return Effect.fail(
              received.httpStatus === undefined
                ? new RedirectRefused({ ...location, followed: false })
                : new RedirectRefused({ httpStatus: received.httpStatus, ...location, followed: true })
            )
          }
          // Server time now, for `Retry-After: <seconds>` and to bound every reset time: the signed
          // timestamp, else (an unsigned request) the local clock.
          return timestamp === undefined
            ? Effect.flatMap(Clock.currentTimeMillis, (now) => finish(received.answer, received.body, now))
            : finish(received.answer, received.body, timestamp)
        })
      )
    }

    /** One attempt, in its span (and Debug log line). */
    const send = <A, E>(
      spec: RequestSpec<A, E>,
      request: HttpClientRequest.HttpClientRequest,
      timestamp: number | undefined,
      signature: string | undefined,
      observe: Pacing.Observe
    ): Effect.Effect<ApiResponse<A>, RequestError | E> =>
      observeAttempt(
        spec.method,
        spec.path,
        timestamp === undefined ? undefined : { timestamp, recvWindow },
        options.traceRequests,
        (record) => sendOnce(spec, request, timestamp, signature, observe, record)
      )

    const unsigned = <A, E>(spec: RequestSpec<A, E>): Effect.Effect<ApiResponse<A>, RequestError | E> => {
      if (spec.method === "POST") {
        const body = JSON.stringify(spec.body ?? {})
        return send(
          spec,
          HttpClientRequest.post(spec.path, { body: HttpBody.raw(body, { contentType: JSON_TYPE }) }),
          undefined,
          undefined,
          Pacing.observeNothing
        )
      }
      const query = spec.query === undefined ? "" : serializeQuery(spec.query)
      return send(
        spec,
        HttpClientRequest.get(query === "" ? spec.path : `${spec.path}?${query}`),
        undefined,
        undefined,
        Pacing.observeNothing
      )
    }

    const signedAt = <A, E>(
      spec: RequestSpec<A, E>,
      now: number,
      observe: Pacing.Observe
    ): Effect.Effect<ApiResponse<A>, RequestError | E> => {
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
      return send(spec, request, timestamp, signature, observe)
    }

    const fetchServerMillis: Effect.Effect<number, RequestError> = Effect.map(
      unsigned(options.serverTime),
      (response) => response.result.millis
    )

    // The clock gets its one way to ask for the time now; signed requests ask the clock, never the reverse.
    const clock = yield* ClockSync.make(options.timeSync, fetchServerMillis)
    // Built with the clock (it paces on server time); answers reach it through recordRateLimit,
    // with the `observe` of the slot each request was sent in.
    const pacer = Pacing.make({ enabled: options.pacing, clock, maxWait: options.maxRateLimitWait })

    const request = <A, E = never>(spec: RequestSpec<A, E>): Effect.Effect<ApiResponse<A>, RequestError | E> =>
      spec.signed
        ? pacer.pace(spec.path, (observe) =>
            Effect.flatMap(Effect.mapError(clock.serverNow, notSent), (now) => signedAt(spec, now, observe))
          )
        : unsigned(spec)

    const retrying = makeRetrying({
      schedule: options.retry,
      maxRateLimitWait: options.maxRateLimitWait,
      timeSync: options.timeSync,
      numberAttempts: options.traceRequests,
      clock
    })

    return { request, retrying, fetchServerMillis, rateLimits, clockOffset: clock.offset }
  })
