/**
 * Keyed single flight: while an effect for a key runs, later calls for the key wait for its outcome
 * (concurrent cancels of one withdrawal send one request); once done, the next call runs again.
 * The first caller runs it in its own fiber; if that caller is interrupted, a waiter runs it again,
 * told whether the interrupted run had sent its request. (Effect's `RequestResolver` deduplicates
 * only within a batch, or caches past completion, which a cancel must not.)
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

interface Flight {
  /** Made when a second caller comes: the first caller's outcome. */
  done: Deferred.Deferred<Exit.Exit<unknown, unknown>> | undefined
  sent: boolean
}

export const make = <K>() => {
  const inFlight = new Map<K, Flight>()
  // Keys whose run was interrupted after sending with nobody waiting: the next call is told so.
  const orphaned = new Set<K>()
  const run = <A, E>(key: K, effect: (run: Run) => Effect.Effect<A, E>, interrupted = false): Effect.Effect<A, E> =>
    // Claimed with its cleanup in one uninterruptible step, or the key could stay in flight for good.
    Effect.uninterruptibleMask((restore) => {
      const current = inFlight.get(key)
      if (current !== undefined) {
        current.done ??= Deferred.makeUnsafe()
        return Effect.flatMap(restore(Deferred.await(current.done)), (exit) =>
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
  return { run: <A, E>(key: K, effect: (run: Run) => Effect.Effect<A, E>) => run(key, effect) }
}
