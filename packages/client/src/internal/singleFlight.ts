/**
 * Keyed single flight: while an effect for a key runs, later calls with the same key wait for its
 * outcome instead of running their own; once it is done, the next call runs again. Used for
 * `Withdrawals.cancel`, so that concurrent cancels of one withdrawal send one request and spend the
 * rate-limit budget once.
 *
 * The first caller runs the effect in its own fiber (no fork on the hot path). If that caller is
 * interrupted, a waiting caller runs the effect again, told whether the run it replaces had sent its
 * request (`Run.interrupted`; a run says so with `Run.sent`).
 *
 * Effect's `Request`/`RequestResolver` deduplicate only within one batch (or cache results past
 * completion, which a cancel must not); this holds the in-flight outcome and nothing after.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/** What a run knows of the one before it, and how it says it has sent its request. */
export interface Run {
  /** A run before this one was interrupted after sending its request. */
  readonly interrupted: boolean
  readonly sent: () => void
}

/** Runs `effect` for `key`, or waits for the run already in flight for it. */
export interface SingleFlight<K> {
  readonly run: <A, E>(key: K, effect: (run: Run) => Effect.Effect<A, E>) => Effect.Effect<A, E>
}

interface Flight {
  /** Made when a second caller comes: the first caller's outcome. */
  done: Deferred.Deferred<Exit.Exit<unknown, unknown>> | undefined
  sent: boolean
}

/** A single flight with its own table of keys in flight. */
export const make = <K>(): SingleFlight<K> => {
  const inFlight = new Map<K, Flight>()
  // Keys whose run was interrupted after sending, with no caller left waiting to take it over: the
  // next call for the key is told so, as a waiter would have been (the exchange may have done it).
  const orphaned = new Set<K>()
  const run = <A, E>(key: K, effect: (run: Run) => Effect.Effect<A, E>, interrupted = false): Effect.Effect<A, E> =>
    // The key is claimed and its cleanup registered in one uninterruptible step: an interrupt in
    // between would leave the key in flight for good, and every later call for it waiting.
    Effect.uninterruptibleMask((restore) => {
      const current = inFlight.get(key)
      if (current !== undefined) {
        current.done ??= Deferred.makeUnsafe()
        const done = current.done
        return Effect.flatMap(restore(Deferred.await(done)), (exit) =>
          Exit.hasInterrupts(exit) ? restore(run(key, effect, interrupted || current.sent)) : (exit as Exit.Exit<A, E>)
        )
      }
      const flight: Flight = { done: undefined, sent: false }
      inFlight.set(key, flight)
      if (orphaned.delete(key)) interrupted = true
      const sent = () => {
        flight.sent = true
      }
      return Effect.onExit(restore(effect({ interrupted, sent })), (exit) => {
        inFlight.delete(key)
        if (flight.done === undefined && flight.sent && Exit.hasInterrupts(exit)) orphaned.add(key)
        return flight.done === undefined ? Effect.void : Deferred.succeed(flight.done, exit)
      })
    })
  return { run: (key, effect) => run(key, effect) }
}
