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
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"

/** Runs `effect` for `key`, or joins the run already in flight for it. */
export interface SingleFlight<K> {
  readonly run: <A, E>(key: K, effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

interface Flight {
  readonly deferred: Deferred.Deferred<unknown, unknown>
  fiber: Fiber.RuntimeFiber<unknown> | undefined
  /** Callers waiting for the outcome. */
  callers: number
}

/** A single flight with its own table of keys in flight. */
export const make = <K>(): SingleFlight<K> => {
  const inFlight = new Map<K, Flight>()

  // A caller waits for the outcome. The run belongs to no single caller: one giving up (a timeout,
  // an interrupt) leaves the answer to the others; when the last one gives up, the run is stopped.
  const join = <A, E>(key: K, flight: Flight): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      flight.callers += 1
      return (Deferred.await(flight.deferred) as Effect.Effect<A, E>).pipe(
        Effect.ensuring(Effect.sync(() => (flight.callers -= 1))),
        Effect.onInterrupt(() =>
          Effect.suspend(() => {
            if (flight.callers > 0 || inFlight.get(key) !== flight) return Effect.void
            inFlight.delete(key)
            return flight.fiber === undefined ? Effect.void : Fiber.interruptFork(flight.fiber)
          })
        )
      )
    })

  const run = <A, E>(key: K, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      const current = inFlight.get(key)
      if (current !== undefined) return join<A, E>(key, current)
      const deferred = Deferred.unsafeMake<A, E>(FiberId.none)
      const flight: Flight = {
        deferred: deferred as Deferred.Deferred<unknown, unknown>,
        fiber: undefined,
        callers: 0
      }
      inFlight.set(key, flight)
      const shared = Effect.flatMap(Effect.exit(effect), (exit) =>
        Effect.suspend(() => {
          if (inFlight.get(key) === flight) inFlight.delete(key)
          return Deferred.done(deferred, exit)
        })
      )
      return Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.forkDaemon(Effect.interruptible(shared)), (fiber) => {
          flight.fiber = fiber
          return restore(join<A, E>(key, flight))
        })
      )
    })

  return { run }
}
