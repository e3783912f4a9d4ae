/**
 * Keyed single flight: while an effect for a key runs, later calls with the same key wait for it
 * and get its outcome (success, failure or defect) instead of running their own. Once it is done,
 * the next call runs again. Used for `Withdrawals.cancel`, so that concurrent cancels of one
 * withdrawal send one request and spend the rate-limit budget once.
 *
 * Effect's `Request`/`RequestResolver` deduplicate only within one batch (or cache results past
 * completion, which a cancel must not); this holds the in-flight outcome and nothing after.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"

/** Runs `effect` for `key`, or joins the run already in flight for it. */
export interface SingleFlight<K> {
  readonly run: <A, E>(key: K, effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

interface Flight {
  /** The shared run; it ends with the effect's outcome as a value (see `run`). */
  readonly fiber: Fiber.RuntimeFiber<Exit.Exit<unknown, unknown>>
  /** Callers waiting for the outcome. */
  callers: number
}

/** A single flight with its own table of keys in flight. */
export const make = <K>(): SingleFlight<K> => {
  const inFlight = new Map<K, Flight>()

  // A caller waits for the outcome, as an observer of the run's fiber (no Deferred in between: this
  // runs on every cancel). The run belongs to no single caller: one giving up (a timeout, an
  // interrupt) leaves the answer to the others; when the last one gives up, the run is stopped.
  const join = <A, E>(key: K, flight: Flight): Effect.Effect<A, E> =>
    Effect.async<A, E>((resume) => {
      flight.callers += 1
      let waiting = true
      const observer = (exit: Exit.Exit<Exit.Exit<unknown, unknown>>) => {
        if (!waiting) return
        waiting = false
        flight.callers -= 1
        // The run's outcome; the fiber itself can only fail by being interrupted.
        resume((Exit.isSuccess(exit) ? exit.value : exit) as Exit.Exit<A, E>)
      }
      flight.fiber.addObserver(observer)
      return Effect.sync(() => {
        if (!waiting) return
        waiting = false
        flight.fiber.removeObserver(observer)
        flight.callers -= 1
        if (flight.callers > 0 || inFlight.get(key) !== flight) return
        inFlight.delete(key)
        flight.fiber.unsafeInterruptAsFork(FiberId.none)
      })
    })

  const run = <A, E>(key: K, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.suspend(() => {
      const current = inFlight.get(key)
      if (current !== undefined) return join<A, E>(key, current)
      // The run ends with its outcome as a value: a failure it hands over is not "unhandled"
      // (Effect logs those at Debug level).
      // Uninterruptible until the caller has joined: a run is never left without a caller.
      return Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.forkDaemon(Effect.interruptible(Effect.exit(effect))), (fiber) => {
          const flight: Flight = { fiber: fiber as Flight["fiber"], callers: 0 }
          inFlight.set(key, flight)
          fiber.addObserver(() => {
            if (inFlight.get(key) === flight) inFlight.delete(key)
          })
          return restore(join<A, E>(key, flight))
        })
      )
    })

  return { run }
}
