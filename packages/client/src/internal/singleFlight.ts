/**
 * Keyed single flight: while an effect for a key runs, later calls with the same key wait for it
 * and get its outcome (success, failure or defect) instead of running their own. Once it is done,
 * the next call runs again. Used for `Withdrawals.cancel`, so that concurrent cancels of one
 * withdrawal send one request and spend the rate-limit budget once.
 *
 * Effect's `Request`/`RequestResolver` deduplicate only within one batch (or cache results past
 * completion, which a cancel must not); this holds the in-flight outcome and nothing after.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"

/** Runs `effect` for `key`, or joins the run already in flight for it. */
export interface SingleFlight<K> {
  readonly run: <A, E>(key: K, effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

/** A single flight with its own table of keys in flight. */
export const make = <K>(): SingleFlight<K> => {
  const inFlight = new Map<K, Deferred.Deferred<unknown, unknown>>()
  const run = <A, E>(key: K, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      const joined = inFlight.get(key) as Deferred.Deferred<A, E> | undefined
      if (joined !== undefined) return Deferred.await(joined)
      const deferred = Deferred.unsafeMake<A, E>(FiberId.none)
      inFlight.set(key, deferred as Deferred.Deferred<unknown, unknown>)
      // The shared run belongs to no caller: one caller giving up (a timeout, an interrupt) must not
      // take the answer from the others, and a cancel already sent is worth hearing the end of.
      const shared = effect.pipe(
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.suspend(() => {
            inFlight.delete(key)
            return Deferred.done(deferred, exit)
          })
        ),
        Effect.onInterrupt(() =>
          Effect.suspend(() => {
            inFlight.delete(key)
            return Deferred.interrupt(deferred)
          })
        )
      )
      return Effect.zipRight(Effect.forkDaemon(shared), Deferred.await(deferred))
    })
  return { run }
}
