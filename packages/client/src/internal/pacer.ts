/**
 * The Effect side of pacing: waits on the `Clock` for the slot `@effect-bybit/core`'s `Pacing`
 * computes. One `Semaphore` per endpoint keeps waiters in arrival order; a `Latch` holds them while
 * a window's first request has no answer.
 */
import { Pacing, type RateLimit } from "@effect-bybit/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
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
export interface Slot {
  readonly done: (status: RateLimit.RateLimitStatus | undefined) => Effect.Effect<void>
}

const unpaced: Slot = { done: () => Effect.void }

export interface Pacer {
  /** Waits for a slot of `path`'s budget; fails without waiting past `maxWaitMillis`. */
  readonly acquire: (path: string) => Effect.Effect<Slot, RateLimitExceeded>
}

export const make = (options: {
  readonly enabled: boolean
  readonly maxWaitMillis: number
  /** Server minus local clock, ms. */
  readonly offsetNow: () => number
}): Pacer => {
  if (!options.enabled) return { acquire: () => Effect.succeed(unpaced) }
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

  const slotOf = (entry: Entry, now: number): Slot => {
    const ticket = Pacing.onSend(entry.budget, now)
    if (ticket.first) entry.firstAnswer.closeUnsafe()
    return {
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
  const wait = (entry: Entry): Effect.Effect<Slot, RateLimitExceeded> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const at = Pacing.nextSendAt(entry.budget, now, entry.queued)
      if (at === "AwaitFirstAnswer") return Effect.andThen(entry.firstAnswer.await, wait(entry))
      if (at <= now) return Effect.succeed(slotOf(entry, now))
      if (at - now > options.maxWaitMillis) {
        return Effect.fail(
          new RateLimitExceeded({
            path: entry.budget.path,
            resetAt: at + options.offsetNow(),
            detail: `not sent: the pace for this key allows the next request in ${at - now} ms, longer than maxRateLimitWait`
          })
        )
      }
      return Effect.andThen(Effect.sleep(Duration.millis(at - now)), wait(entry))
    })

  return {
    acquire: (path) =>
      Effect.clockWith((clock) => {
        const entry = entryOf(path)
        // Nobody waits and a slot is free now: take it without the gate (the same decision).
        if (entry.queued === 0) {
          const now = clock.currentTimeMillisUnsafe()
          if (Pacing.nextSendAt(entry.budget, now, 1) === now) return Effect.succeed(slotOf(entry, now))
        }
        entry.queued += 1
        return Effect.ensuring(
          entry.gate.withPermits(1)(wait(entry)),
          Effect.sync(() => {
            entry.queued -= 1
          })
        )
      })
  }
}
