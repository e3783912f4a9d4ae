import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import * as Tracer from "effect/Tracer"
import type { RateLimitStatus } from "../BybitClient.js"
import { setting, withFiberRefs } from "./fiberRefs.js"

/** The name of the span of one attempt (one HTTP exchange with Bybit). */
export const ATTEMPT_SPAN = "BybitClient.request"

/** What an attempt learned from the answer, for its span and its log line. */
export type RecordAnswer = (status: number, retCode: number | undefined, rateLimit: RateLimitStatus | undefined) => void

/**
 * Runs one attempt inside its own span (`BybitClient.request`, the parent of `@effect/platform`'s
 * `http.client` span) carrying the method, path, the signed timestamp and receive window, HTTP
 * status, `retCode` and rate-limit headers (as the client read and checked them), and,
 * when the fiber's minimum log level lets `Debug` through, logs one line for it: method, path,
 * HTTP status, `retCode`, duration in ms. Never a header value. The attempt number
 * (`bybit.attempt`) of a retry comes from the retry loop through `Effect.annotateSpans`.
 *
 * The span becomes the attempt's parent span in one change of the fiber's `FiberRefs` each way
 * (`internal/fiberRefs.ts`), not through `Effect.provide`.
 */
export const observeAttempt = <A, E>(
  method: string,
  path: string,
  signed: { readonly timestamp: number; readonly recvWindow: number } | undefined,
  traced: boolean,
  attempt: (record: RecordAnswer) => Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  traced
    ? Effect.useSpan(
        ATTEMPT_SPAN,
        {
          attributes:
            signed === undefined
              ? { "http.request.method": method, "url.path": path }
              : {
                  "http.request.method": method,
                  "url.path": path,
                  // Not secret, and what one checks on a 10002 (the header values are redacted).
                  "bybit.timestamp": signed.timestamp,
                  "bybit.recv_window": signed.recvWindow
                },
          captureStackTrace: false
        },
        (span) => {
          // A retry's number comes from the retry loop (`Effect.annotateSpans`); no number is the first.
          if (!span.attributes.has("bybit.attempt")) span.attribute("bybit.attempt", 1)
          return logged(method, path, span, (record) =>
            withFiberRefs(attempt(record), (fiber) => [
              setting(
                FiberRef.currentContext,
                Context.add(fiber.getFiberRef(FiberRef.currentContext), Tracer.ParentSpan, span)
              )
            ])
          )
        }
      )
    : // Suspended: the same effect runs again on a retry, with fresh state.
      Effect.suspend(() => logged(method, path, undefined, attempt))

const logged = <A, E>(
  method: string,
  path: string,
  span: Tracer.Span | undefined,
  attempt: (record: RecordAnswer) => Effect.Effect<A, E>
): Effect.Effect<A, E> => {
  let status: number | undefined
  let retCode: number | undefined
  const record: RecordAnswer = (httpStatus, code, rateLimit) => {
    status = httpStatus
    retCode = code
    if (span === undefined) return
    span.attribute("http.response.status_code", httpStatus)
    if (code !== undefined) span.attribute("bybit.ret_code", code)
    if (rateLimit !== undefined) {
      span.attribute("bybit.rate_limit.limit", rateLimit.limit)
      span.attribute("bybit.rate_limit.remaining", rateLimit.remaining)
      span.attribute("bybit.rate_limit.reset_at", rateLimit.resetAt)
    }
  }
  const run = attempt(record)
  return Effect.withFiberRuntime<A, E>((fiber) => {
    // Logging is off unless asked for (Effect's default minimum level is Info): then the
    // attempt pays for nothing but this check.
    if (LogLevel.lessThan(LogLevel.Debug, fiber.getFiberRef(FiberRef.currentMinimumLogLevel))) return run
    return Effect.flatMap(Clock.currentTimeMillis, (start) =>
      Effect.onExit(run, (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (end) =>
          logAttempt(method, path, status, retCode, { durationMs: end - start, outcome: outcomeOf(exit) })
        )
      )
    )
  })
}

/** `ok`, or the tag of the error the attempt failed with. */
const outcomeOf = <A, E>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (typeof failure === "object" && failure !== null && "_tag" in failure) return String(failure._tag)
  return exit.cause._tag === "Interrupt" ? "interrupted" : "failed"
}

const logAttempt = (
  method: string,
  path: string,
  status: number | undefined,
  retCode: number | undefined,
  facts: { readonly durationMs: number; readonly outcome: string }
): Effect.Effect<void> =>
  Effect.logDebug(
    `Bybit ${method} ${path}: ${status === undefined ? "no HTTP answer" : `HTTP ${status}`}` +
      `${retCode === undefined ? "" : `, retCode ${retCode}`}, ${facts.durationMs} ms` +
      `${facts.outcome === "ok" ? "" : ` (${facts.outcome})`}`
  ).pipe(
    Effect.annotateLogs({
      "http.request.method": method,
      "url.path": path,
      ...(status === undefined ? {} : { "http.response.status_code": status }),
      ...(retCode === undefined ? {} : { "bybit.ret_code": retCode }),
      "bybit.duration_ms": facts.durationMs,
      "bybit.outcome": facts.outcome
    })
  )
