/**
 * The Effect side of pacing: waits on the `Clock` for the slot `@effect-bybit/core`'s `Pacing`
 * computes. One `Semaphore` per endpoint keeps waiters in arrival order; a `Latch` holds them while
 * a window's first request has no answer.
 */
import { Pacing, type RateLimit } from "@effect-bybit/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Latch from "effect/Latch"
import * as Semaphore from "effect/Semaphore"
import { RateLimitExceeded } from "../BybitError.js"

interface Entry {
  readonly budget: Pacing.Budget
  readonly gate: Semaphore.Semaphore
  readonly firstAnswer: Latch.Latch
  queued: number
}

/** A paced request's slot; `done` gives the answer's rate-limit status (if any) back to the budget. */
interface Slot {
  readonly done: (status: RateLimit.RateLimitStatus | undefined) => Effect.Effect<void>
}

/** Where a slot is put the moment it is taken, before anything can interrupt its holder. */
interface Holder {
  slot: Slot | undefined
}

export interface Pacer {
  /**
   * Runs `self` in a slot of `path`'s budget (waiting for it; failing without waiting past
   * `maxWaitMillis`) and gives its answer's status (`statusOf` its value) back to the budget however
   * it ends. The slot is handed back also when its holder is interrupted between taking it and
   * running `self`: a window's first slot never handed back would hold the path's requests forever.
   */
  readonly paced: <A, E>(
    path: string,
    self: Effect.Effect<A, E>,
    statusOf: (a: A) => RateLimit.RateLimitStatus | undefined
  ) => Effect.Effect<A, E | RateLimitExceeded>
}

export const make = (options: {
  readonly enabled: boolean
  readonly maxWaitMillis: number
  /** Server minus local clock, ms. */
  readonly offsetNow: () => number
}): Pacer => {
  if (!options.enabled) return { paced: (_, self) => self }
  const entries = new Map<string, Entry>()
  const entryOf = (path: string): Entry => {
    let entry = entries.get(path)
    if (entry === undefined) {
      entry = {
        budget: Pacing.makeBudget(path),
        gate: Semaphore.makeUnsafe(1),
        firstAnswer: Latch.makeUnsafe(true),
        queued: 0
      }
      entries.set(path, entry)
    }
    return entry
  }

  const take = (entry: Entry, now: number, holder: Holder): void => {
    const ticket = Pacing.onSend(entry.budget, now)
    if (ticket.first) entry.firstAnswer.closeUnsafe()
    holder.slot = {
      done: (status) =>
        Effect.clockWith((clock) => {
          const local = status === undefined ? undefined : Pacing.toLocal(status, options.offsetNow())
          Pacing.onAnswer(entry.budget, ticket, clock.currentTimeMillisUnsafe(), local)
          if (ticket.first && !entry.budget.probing) entry.firstAnswer.openUnsafe()
          return Effect.void
        })
    }
  }

  // Runs with the gate held: one fiber decides at a time, the others queue in order.
  const wait = (entry: Entry, holder: Holder): Effect.Effect<void, RateLimitExceeded> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const at = Pacing.nextSendAt(entry.budget, now, entry.queued)
      if (at === "AwaitFirstAnswer") return Effect.andThen(entry.firstAnswer.await, wait(entry, holder))
      if (at <= now) {
        take(entry, now, holder)
        return Effect.void
      }
      if (at - now > options.maxWaitMillis) {
        return Effect.fail(
          new RateLimitExceeded({
            path: entry.budget.path,
            resetAt: at + options.offsetNow(),
            detail: `not sent: the pace for this key allows the next request in ${at - now} ms, longer than maxRateLimitWait`
          })
        )
      }
      return Effect.andThen(Effect.sleep(Duration.millis(at - now)), wait(entry, holder))
    })

  const acquire = (path: string, holder: Holder): Effect.Effect<void, RateLimitExceeded> =>
    Effect.clockWith((clock) => {
      const entry = entryOf(path)
      // Nobody waits and a slot is free now: take it without the gate (the same decision).
      if (entry.queued === 0) {
        const now = clock.currentTimeMillisUnsafe()
        if (Pacing.nextSendAt(entry.budget, now, 1) === now) {
          take(entry, now, holder)
          return Effect.void
        }
      }
      // Counted and uncounted in one uninterruptible step: a count left behind by an interrupt would
      // make every later request of the path wait as if one more were queued.
      return Effect.uninterruptibleMask((restore) => {
        entry.queued += 1
        return Effect.ensuring(
          restore(entry.gate.withPermits(1)(wait(entry, holder))),
          Effect.sync(() => {
            entry.queued -= 1
          })
        )
      })
    })

  return {
    paced: (path, self, statusOf) =>
      Effect.suspend(() => {
        const holder: Holder = { slot: undefined }
        return Effect.onExit(Effect.andThen(acquire(path, holder), self), (exit) =>
          holder.slot === undefined
            ? Effect.void
            : holder.slot.done(Exit.isSuccess(exit) ? statusOf(exit.value) : undefined)
        )
      })
  }
}
