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
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"
import type { RateLimitStatus } from "../BybitClient.js"
import { RateLimitExceeded } from "../BybitError.js"
import type { ClockSync } from "./clock.js"

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
  readonly probe: Effect.Latch
}

interface Ticket {
  readonly budget: Budget
  readonly window: number
  readonly first: boolean
}

/** The slot the running request was sent in, for `observe`. */
const currentTicket = globalValue(Symbol.for("@effect-bybit/client/internal/pacing/currentTicket"), () =>
  FiberRef.unsafeMake<Ticket | undefined>(undefined)
)

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
   * `RateLimitExceeded` without running it when the wait would be longer than `maxWait`.
   */
  readonly pace: <A, E>(path: string, effect: Effect.Effect<A, E>) => Effect.Effect<A, E | RateLimitExceeded>
  /** Corrects the budget from an answer's rate-limit headers (called inside `pace`). */
  readonly observe: (status: RateLimitStatus) => Effect.Effect<void>
}

const disabled: Pacer = { pace: (_path, effect) => effect, observe: () => Effect.void }

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
          retMsg: `not sent: the budget of ${budget.limit} per ${budget.windowMs} ms allows the next request in ${wait} ms, longer than maxRateLimitWait`
        })
      )
    )
  }

  // Runs with the budget's gate held: one fiber at a time decides, the others queue in order.
  const slot = (budget: Budget): Effect.Effect<Ticket, RateLimitExceeded> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (now < budget.blockedUntil) return hold(budget, now, budget.blockedUntil)
      if (now >= budget.windowStart + budget.windowMs) {
        budget.window += 1
        budget.windowStart = now
        budget.sent = 1
        budget.allowance = budget.limit
        budget.probing = true
        budget.probe.unsafeClose()
        return Effect.succeed({ budget, window: budget.window, first: true })
      }
      if (budget.probing) return Effect.zipRight(budget.probe.await, slot(budget))
      if (budget.sent < budget.allowance) {
        budget.sent += 1
        return Effect.succeed({ budget, window: budget.window, first: false })
      }
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

  const observe = (status: RateLimitStatus): Effect.Effect<void> =>
    Effect.flatMap(FiberRef.get(currentTicket), (ticket) => {
      if (ticket === undefined || ticket.budget.path !== status.path) return Effect.void
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
          if (resetLocal <= now) return
          budget.blockedUntil = Math.max(budget.blockedUntil, resetLocal)
          // The exchange said when its window ends (a 10006): ours ends then too, and the next opens.
          if (ticket.window === budget.window) budget.windowStart = resetLocal - budget.windowMs
        })
      )
    })

  const pace = <A, E>(path: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E | RateLimitExceeded> =>
    Effect.suspend(() => {
      const budget = budgetOf(path)
      return Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(budget.gate.withPermits(1)(slot(budget))), (ticket) =>
          Effect.ensuring(restore(Effect.locally(effect, currentTicket, ticket)), done(ticket))
        )
      )
    })

  return { pace, observe }
}
