import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import { isRetryable, type RetryableError } from "../BybitError.js"

export interface RetryOptions {
  readonly schedule: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWaitMillis: number
  readonly timeSync: boolean
  /** Server time now, ms. */
  readonly serverNow: Effect.Effect<number, unknown>
  /** Measures the clock offset again (after 10002), unless it changed since `stale`. */
  readonly resync: (stale: Option.Option<number>) => Effect.Effect<unknown, unknown>
  readonly offset: Effect.Effect<Option.Option<number>>
}

/**
 * Retries what is safe to retry, on the configured `Schedule`: transport failures and exchange
 * outages with its backoff; a rate limit after waiting for its reset (unless that is further than
 * `maxRateLimitWait`, or the limit is Bybit's IP ban, HTTP 403, which retrying only extends). 10002
 * is sent again once, at once, after measuring the clock offset again. Everything else fails at once.
 */
export const makeRetrying = (options: RetryOptions) => {
  const { schedule } = options
  return <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E> => {
    if (schedule === false) return self
    return Effect.suspend(() => {
      // A skewed clock is not an outage: measure the offset again and send again at once, once.
      let resynced = false
      const attempt = Effect.catch(self, (error) => {
        if (error._tag !== "TimestampOutsideWindow" || !options.timeSync || resynced) return Effect.fail(error)
        resynced = true
        return Effect.andThen(Effect.ignore(Effect.flatMap(options.offset, options.resync)), self)
      })
      return Effect.catch(attempt, (first) => {
        if (!retryable(first)) return Effect.fail(first)
        let stop = false
        // Before the next attempt: wait for a rate limit's reset, unless that is too far.
        const prepare = (error: E): Effect.Effect<void> => {
          const e = error as E & RetryableError
          if (e._tag !== "RateLimitExceeded" || e.resetAt === undefined) return Effect.void
          const resetAt = e.resetAt
          return Effect.flatMap(
            Effect.orElseSucceed(options.serverNow, () => resetAt),
            (now) => {
              const wait = resetAt - now
              if (wait > options.maxRateLimitWaitMillis) {
                return Effect.sync(() => {
                  stop = true
                })
              }
              return wait > 0 ? Effect.sleep(Duration.millis(wait)) : Effect.void
            }
          )
        }
        let attempts = 0
        // The first attempt has failed already: the schedule's first step answers it (so its
        // backoff applies), then every step runs the request again.
        const again = Effect.suspend(() => (attempts++ === 0 ? Effect.fail(first) : attempt)).pipe(
          Effect.tapError(prepare)
        )
        return Effect.retry(again, {
          // `while` lets only retryable errors reach the schedule.
          schedule: schedule as unknown as Schedule.Schedule<unknown, E>,
          while: (e) => !stop && retryable(e)
        })
      })
    })
  }
}

/** Retried on the schedule: transport failures, outages, rate limits but Bybit's IP ban (HTTP 403). */
const retryable = (error: { readonly _tag: string; readonly httpStatus?: number | undefined }): boolean =>
  isRetryable(error) &&
  error._tag !== "TimestampOutsideWindow" &&
  !(error._tag === "RateLimitExceeded" && error.httpStatus === 403)
