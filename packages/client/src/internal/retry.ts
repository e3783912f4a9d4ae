import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import { isRetryable, type RetryableError } from "../BybitError.js"

/** Retried on the schedule: transport failures, outages, rate limits but Bybit's IP ban (HTTP 403). */
const retryable = (error: { readonly _tag: string; readonly httpStatus?: number | undefined }): boolean =>
  isRetryable(error) &&
  error._tag !== "TimestampOutsideWindow" &&
  !(error._tag === "RateLimitExceeded" && error.httpStatus === 403)

/**
 * Retries on the `retry` schedule: transport failures and outages with its backoff, a rate limit
 * after its reset (unless that is past `maxRateLimitWait`). 10002 is sent again once, at once,
 * after measuring the clock offset again. Everything else fails at once.
 */
export const makeRetrying = (options: {
  readonly retry: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWaitMillis: number
  readonly timeSync: boolean
  readonly serverNow: Effect.Effect<number, unknown>
  readonly resync: (stale: Option.Option<number>) => Effect.Effect<unknown, unknown>
  readonly offset: Effect.Effect<Option.Option<number>>
}) => {
  const { retry } = options
  return <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E> => {
    if (retry === false) return self
    return Effect.suspend(() => {
      let resynced = false
      const attempt = Effect.catch(self, (error) => {
        if (error._tag !== "TimestampOutsideWindow" || !options.timeSync || resynced) return Effect.fail(error)
        resynced = true
        return Effect.andThen(Effect.ignore(Effect.flatMap(options.offset, options.resync)), self)
      })
      return Effect.catch(attempt, (first) => {
        if (!retryable(first)) return Effect.fail(first)
        let stop = false
        // Before the next attempt: wait for a rate limit's reset, or stop when that is too far.
        const prepare = (error: E): Effect.Effect<void> => {
          const { _tag, resetAt } = error as E & { readonly resetAt?: number }
          if (_tag !== "RateLimitExceeded" || resetAt === undefined) return Effect.void
          return Effect.flatMap(
            Effect.orElseSucceed(options.serverNow, () => resetAt),
            (now) => {
              if (resetAt - now > options.maxRateLimitWaitMillis) {
                stop = true
                return Effect.void
              }
              return resetAt > now ? Effect.sleep(Duration.millis(resetAt - now)) : Effect.void
            }
          )
        }
        let attempts = 0
        // The schedule's first step answers the failure already met (its backoff applies), then
        // every step runs the request again.
        const again = Effect.suspend(() => (attempts++ === 0 ? Effect.fail(first) : attempt)).pipe(
          Effect.tapError(prepare)
        )
        return Effect.retry(again, {
          schedule: retry as unknown as Schedule.Schedule<unknown, E>,
          while: (e) => !stop && retryable(e)
        })
      })
    })
  }
}
