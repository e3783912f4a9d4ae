/**
 * Pacing on Effect: waits on the `Clock` for the slot `@effect-bybit/core`'s `Pacing` computes. One
 * `Semaphore` per endpoint keeps waiters in arrival order; a `Latch` holds them while a window's
 * first request has no answer.
 */
import { Pacing, type RateLimit } from "@effect-bybit/core"
import type * as Clock from "effect/Clock"
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

/** Where a slot's release is put the moment it is taken, before anything can interrupt its holder. */
interface Holder {
  done: ((status: RateLimit.RateLimitStatus | undefined) => void) | undefined
}

export const make = (options: {
  readonly enabled: boolean
  readonly maxWaitMillis: number
  /** Server minus local clock, ms. */
  readonly offsetNow: () => number
}) => {
  const entries = new Map<string, Entry>()
  const entryOf = (path: string): Entry => {
    let entry = entries.get(path)
    if (entry === undefined) {
      const gate = Semaphore.makeUnsafe(1)
      entry = { budget: Pacing.makeBudget(path), gate, firstAnswer: Latch.makeUnsafe(true), queued: 0 }
      entries.set(path, entry)
    }
    return entry
  }

  const take = (entry: Entry, clock: Clock.Clock, now: number, holder: Holder): void => {
    const ticket = Pacing.onSend(entry.budget, now)
    if (ticket.first) entry.firstAnswer.closeUnsafe()
    holder.done = (status) => {
      const local = status === undefined ? undefined : Pacing.toLocal(status, options.offsetNow())
      Pacing.onAnswer(entry.budget, ticket, clock.currentTimeMillisUnsafe(), local)
      if (ticket.first && !entry.budget.probing) entry.firstAnswer.openUnsafe()
    }
  }

  // Runs with the gate held: one fiber decides at a time, the others queue in order.
  const wait = (entry: Entry, holder: Holder): Effect.Effect<void, RateLimitExceeded> =>
    Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      const at = Pacing.nextSendAt(entry.budget, now, entry.queued)
      if (at === "AwaitFirstAnswer") return Effect.andThen(entry.firstAnswer.await, wait(entry, holder))
      if (at <= now) {
        take(entry, clock, now, holder)
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
      // Nobody waits and a slot is free now: taken without the gate (the same decision).
      const now = clock.currentTimeMillisUnsafe()
      if (entry.queued === 0 && Pacing.nextSendAt(entry.budget, now, 1) === now) {
        take(entry, clock, now, holder)
        return Effect.void
      }
      // Counted and uncounted in one uninterruptible step: a count left by an interrupt would make
      // every later request of the path wait as if one more were queued.
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

  /**
   * Runs `self` in a slot of `path`'s budget (failing rather than waiting past `maxWaitMillis`) and
   * gives its answer's status back to the budget however it ends, also when interrupted between
   * taking the slot and running `self`: a window's first slot never handed back would hold the
   * path's requests forever.
   */
  const paced = <A, E>(
    path: string,
    self: Effect.Effect<A, E>,
    statusOf: (a: A) => RateLimit.RateLimitStatus | undefined
  ): Effect.Effect<A, E | RateLimitExceeded> =>
    Effect.suspend(() => {
      const holder: Holder = { done: undefined }
      return Effect.onExit(Effect.andThen(acquire(path, holder), self), (exit) =>
        Effect.sync(() => holder.done?.(Exit.isSuccess(exit) ? statusOf(exit.value) : undefined))
      )
    })
  return { paced: options.enabled ? paced : <A, E>(_: string, self: Effect.Effect<A, E>) => self }
}
