/**
 * Pacing: holds a private request until its endpoint's per-UID budget allows it, so the exchange
 * never has to answer 10006 to requests this client could have known were too many.
 *
 * Per path, one budget of `limit` requests per window of `windowMs`:
 * - before the first answer, the limit is Bybit's documented one (`documentedRules`);
 * - a window opens with our first request after the previous one closed (as the mock exchange's
 *   fixed windows do), and that first request goes alone: its answer's `X-Bapi-Limit-Status` says
 *   how many requests the exchange still takes, other programs' requests on the same UID and, on
 *   Bybit's rolling windows, our own of the last window included;
 * - every later answer can only lower the window's allowance (`remaining` + what we sent);
 * - an answer with no requests left and a reset time ahead (a 10006) holds everything until then,
 *   and the window is taken to end then (the exchange's window may not be the documented one).
 *
 * Waiting is `Semaphore` (one waiter checks the budget at a time, in arrival order), `Latch` (for
 * the window's first answer) and `Effect.sleep` on the `Clock` until a known instant. Effect's
 * `RateLimiter` is not used: its budget cannot be corrected from outside, and the correction from
 * the headers is the point here.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { RateLimitStatus } from "../BybitClient.js"
import { RateLimitExceeded } from "../BybitError.js"
import type { ClockSync } from "./clock.js"
import { MAX_RESET_DISTANCE_MS } from "./rateLimit.js"

/** A per-UID limit: at most `limit` requests per window of `windowMs`. */
export interface Rule {
  readonly limit: number
  readonly windowMs: number
}

/**
 * Bybit's documented per-UID limits of the endpoints this client calls (V5 "Rate Limit Rules" page,
 * API rate limit table; asset/withdraw pages): cancel 60/min, query-record 300/min, create 5/s.
 */
export const documentedRules: ReadonlyMap<string, Rule> = new Map([
  ["/v5/asset/withdraw/cancel", { limit: 60, windowMs: 60_000 }],
  ["/v5/asset/withdraw/query-record", { limit: 300, windowMs: 60_000 }],
  ["/v5/asset/withdraw/create", { limit: 5, windowMs: 1_000 }]
])

/** Another endpoint: Bybit's windows are per second; the limit comes from the first answer. */
const unknownRule: Rule = { limit: Number.POSITIVE_INFINITY, windowMs: 1_000 }

interface Budget {
  readonly path: string
  readonly windowMs: number
  limit: number
  /** Increments with each window, so a late answer from an old window corrects nothing. */
  window: number
  /** Local ms when the current window opened. */
  windowStart: number
  /** Our requests in the current window. */
  sent: number
  /** How many requests the current window allows us. */
  allowance: number
  /** Local ms before which nothing is sent (after an answer with no requests left). */
  blockedUntil: number
  /** Whether the window's first request still has no answer. */
  probing: boolean
  readonly gate: Effect.Semaphore
  /** Fibers holding or waiting for `gate`. */
  queued: number
  readonly probe: Effect.Latch
}

interface Ticket {
  readonly budget: Budget
  readonly window: number
  readonly first: boolean
}

/** What a pacer needs: whether it is on, the clock offset, and the longest wait it may impose. */
export interface PacerOptions {
  readonly enabled: boolean
  readonly clock: Pick<ClockSync<unknown>, "offset">
  readonly maxWait: Duration.Duration
  /** Limits that replace the documented ones, by path. */
  readonly rules?: ReadonlyMap<string, Rule>
}

/** Paces the private requests of one client. */
export interface Pacer {
  /**
   * Runs `effect` (one attempt, signing included) once `path`'s budget allows; fails with
   * `RateLimitExceeded` without running it when the wait would be longer than `maxWait`. The
   * attempt gets the `Observe` of its slot, to correct the budget from its answer.
   */
  readonly pace: <A, E>(
    path: string,
    effect: (observe: Observe) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | RateLimitExceeded>
}

/** Corrects the budget of the slot a request was sent in from its answer's rate-limit headers. */
export type Observe = (status: RateLimitStatus) => Effect.Effect<void>

/** Observes nothing: an unpaced request's answer. */
export const observeNothing: Observe = () => Effect.void

const disabled: Pacer = { pace: (_path, effect) => effect(observeNothing) }

/** A pacer for one client; `enabled: false` sends everything at once, as before pacing. */
export const make = (options: PacerOptions): Pacer => {
  if (!options.enabled) return disabled
  const budgets = new Map<string, Budget>()
  const maxWaitMillis = Duration.toMillis(options.maxWait)
  const offsetMillis = Effect.map(
    options.clock.offset,
    Option.getOrElse(() => 0)
  )

  const budgetOf = (path: string): Budget => {
    let budget = budgets.get(path)
    if (budget === undefined) {
      const rule = options.rules?.get(path) ?? documentedRules.get(path) ?? unknownRule
      budget = {
        path,
        windowMs: rule.windowMs,
        limit: rule.limit,
        window: 0,
        windowStart: Number.NEGATIVE_INFINITY,
        sent: 0,
        allowance: rule.limit,
        blockedUntil: Number.NEGATIVE_INFINITY,
        probing: false,
        gate: Effect.unsafeMakeSemaphore(1),
        queued: 0,
        probe: Effect.unsafeMakeLatch(true)
      }
      budgets.set(path, budget)
    }
    return budget
  }

  const hold = (budget: Budget, now: number, until: number): Effect.Effect<Ticket, RateLimitExceeded> => {
    const wait = until - now
    if (wait <= maxWaitMillis) return Effect.zipRight(Effect.sleep(Duration.millis(wait)), slot(budget))
    return Effect.flatMap(offsetMillis, (offset) =>
      Effect.fail(
        new RateLimitExceeded({
          path: budget.path,
          resetAt: until + offset,
          // The client's own words: `retMsg` only ever holds what the exchange sent.
          detail: `not sent: the budget of ${budget.limit} per ${budget.windowMs} ms allows the next request in ${wait} ms, longer than maxRateLimitWait`
        })
      )
    )
  }

  /** A slot at `now` if one is free without waiting (and takes it), else `undefined`. */
  const take = (budget: Budget, now: number): Ticket | undefined => {
    if (now < budget.blockedUntil) return undefined
    if (now >= budget.windowStart + budget.windowMs) {
      budget.window += 1
      budget.windowStart = now
      budget.sent = 1
      budget.allowance = budget.limit
      budget.probing = true
      budget.probe.unsafeClose()
      return { budget, window: budget.window, first: true }
    }
    if (budget.probing || budget.sent >= budget.allowance) return undefined
    budget.sent += 1
    return { budget, window: budget.window, first: false }
  }

  // Runs with the budget's gate held: one fiber at a time decides, the others queue in order.
  const slot = (budget: Budget): Effect.Effect<Ticket, RateLimitExceeded> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const ticket = take(budget, now)
      if (ticket !== undefined) return Effect.succeed(ticket)
      if (now < budget.blockedUntil) return hold(budget, now, budget.blockedUntil)
      if (budget.probing) return Effect.zipRight(budget.probe.await, slot(budget))
      return hold(budget, now, budget.windowStart + budget.windowMs)
    })

  // Whatever the outcome (an answer, a lost connection), the window's first request frees the rest.
  const done = (ticket: Ticket): Effect.Effect<void> =>
    Effect.sync(() => {
      const budget = ticket.budget
      if (ticket.first && ticket.window === budget.window && budget.probing) {
        budget.probing = false
        budget.probe.unsafeOpen()
      }
    })

  // Passed to the attempt itself (not through a FiberRef: `Effect.locally` copies every FiberRef
  // twice, on every request).
  const observe =
    (ticket: Ticket): Observe =>
    (status) =>
      Effect.suspend(() => {
        if (ticket.budget.path !== status.path) return Effect.void
        const budget = ticket.budget
        if (Number.isFinite(status.limit) && status.limit > 0) budget.limit = status.limit
        if (ticket.window === budget.window) {
          // The exchange counts every program on this UID; we know only our own requests, some of them
          // perhaps not yet counted: `remaining + sent` is the most the window can still allow us.
          const known = status.remaining + budget.sent
          budget.allowance = Math.min(ticket.first ? budget.limit : budget.allowance, known)
        }
        if (status.remaining > 0) return Effect.void
        return Effect.flatMap(offsetMillis, (offset) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            const resetLocal = status.resetAt - offset
            // A reset in the past ends nothing; one further ahead than any Bybit window or ban is not believed.
            if (resetLocal <= now || resetLocal - now > MAX_RESET_DISTANCE_MS) return
            budget.blockedUntil = Math.max(budget.blockedUntil, resetLocal)
            // The exchange said when its window ends (a 10006): ours ends then too, and the next opens.
            if (ticket.window === budget.window) budget.windowStart = resetLocal - budget.windowMs
          })
        )
      })

  const run = <A, E>(
    effect: (observe: Observe) => Effect.Effect<A, E>,
    ticket: Ticket,
    restore: <X, Y>(self: Effect.Effect<X, Y>) => Effect.Effect<X, Y>
  ): Effect.Effect<A, E> => {
    const paced = restore(effect(observe(ticket)))
    // Only a window's first request has something to give back (the others wait for its answer).
    return ticket.first ? Effect.ensuring(paced, done(ticket)) : paced
  }

  const pace = <A, E>(
    path: string,
    effect: (observe: Observe) => Effect.Effect<A, E>
  ): Effect.Effect<A, E | RateLimitExceeded> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.clockWith((clock) => {
        const budget = budgetOf(path)
        // Nobody holds or waits for the gate and a slot is free now: take it without the gate (the
        // same decision `slot` would make at once; nothing can interleave with this synchronous step).
        if (budget.queued === 0) {
          const ticket = take(budget, clock.unsafeCurrentTimeMillis())
          if (ticket !== undefined) return run(effect, ticket, restore)
        }
        budget.queued += 1
        return Effect.flatMap(
          restore(
            Effect.ensuring(
              budget.gate.withPermits(1)(slot(budget)),
              Effect.sync(() => (budget.queued -= 1))
            )
          ),
          (ticket) => run(effect, ticket, restore)
        )
      })
    )

  return { pace }
}
