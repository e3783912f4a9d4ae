import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { isRetryable, type RetryableError } from "../BybitError.js"
import type { ClockSync } from "./clock.js"
import { MAX_RESET_DISTANCE_MS } from "./rateLimit.js"

/**
 * Every span a retry opens (ours and the `http.client` one) says which attempt it is, from 2. The
 * first attempt is not wrapped (`Effect.annotateSpans` costs ~30 µs a call): its span says 1 itself.
 */
const numberedAttempt = <A, E>(self: Effect.Effect<A, E>, attempt: number): Effect.Effect<A, E> =>
  Effect.annotateSpans(self, "bybit.attempt", attempt)

/** What `makeRetrying` needs: the schedule, the wait bound, and the clock to re-sync. */
export interface RetryOptions<E> {
  readonly schedule: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWait: Duration.Duration
  readonly timeSync: boolean
  /** Annotate the spans of each attempt with its number (`bybit.attempt`). */
  readonly numberAttempts: boolean
  /** The clock to re-sync on 10002. */
  readonly clock: ClockSync<E>
}

/**
 * Retries only what is safe: transport failures, exchange outages (backoff per the schedule), rate
 * limits (wait until the reset time, then the schedule's backoff) and 10002 (once, after re-syncing
 * the clock). Everything else fails at once.
 */
export const makeRetrying = <E0>(options: RetryOptions<E0>) => {
  const { clock } = options
  const maxWaitMillis = Duration.toMillis(options.maxRateLimitWait)
  const schedule = options.schedule
  const numbered = options.numberAttempts ? numberedAttempt : <A, E>(self: Effect.Effect<A, E>) => self
  return <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>): Effect.Effect<A, E> => {
    if (schedule === false) return self
    // The schedule's driver is made on the first failure only: a call that succeeds at once (the
    // common case) pays for one `catchAll`, nothing more.
    return Effect.catchAll(self, (first) =>
      isRetryable(first)
        ? Effect.flatMap(Schedule.driver(schedule), (driver) => {
            let resynced = false
            let attempt = 1
            const next = (error: E & RetryableError): Effect.Effect<A, E> =>
              Effect.matchEffect(driver.next(error), {
                onFailure: () => Effect.fail(error),
                onSuccess: () =>
                  Effect.zipRight(Effect.logDebug(`Bybit request failed with ${error._tag}; retrying`), loop)
              })
            const handle = (error: E): Effect.Effect<A, E> => {
              if (!isRetryable(error)) return Effect.fail(error)
              switch (error._tag) {
                case "TimestampOutsideWindow": {
                  if (!options.timeSync || resynced) return Effect.fail(error)
                  resynced = true
                  return Effect.flatMap(clock.offset, (stale) =>
                    Effect.matchEffect(clock.resync(stale), {
                      onFailure: () => Effect.fail(error),
                      onSuccess: () => loop
                    })
                  )
                }
                case "RateLimitExceeded": {
                  // HTTP 403 is the per-IP limit: a ban of ten minutes or more, which retrying only extends.
                  if (error.httpStatus === 403) return Effect.fail(error)
                  const resetAt = error.resetAt
                  if (resetAt === undefined) return next(error)
                  return Effect.flatMap(clock.offset, (offset) =>
                    Effect.flatMap(Clock.currentTimeMillis, (now) => {
                      const wait = resetAt - (now + (offset._tag === "Some" ? offset.value : 0))
                      // A reset further ahead than any Bybit window or ban is not believed: back off instead.
                      if (wait > MAX_RESET_DISTANCE_MS) return next(error)
                      if (wait > maxWaitMillis) return Effect.fail(error)
                      return wait > 0 ? Effect.zipRight(Effect.sleep(Duration.millis(wait)), next(error)) : next(error)
                    })
                  )
                }
                default:
                  return next(error)
              }
            }
            const loop: Effect.Effect<A, E> = Effect.catchAll(
              Effect.suspend(() => numbered(self, ++attempt)),
              handle
            )
            return handle(first)
          })
        : Effect.fail(first)
    )
  }
}
