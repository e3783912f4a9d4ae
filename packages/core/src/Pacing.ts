/**
 * When a client may send its next private request to an endpoint, so that the exchange never has to
 * answer 10006 to requests it could have known were too many, also when other programs spend the
 * same API key's budget (V5 "Rate Limit Rules"). Plain state and functions: the Effect lines wait
 * on their own `Clock`. Times are local ms.
 *
 * Per path, a window of Bybit's documented length. Its first request goes alone; its answer's
 * `X-Bapi-Limit-Status` says how many the exchange still takes, every program on the key counted.
 * The requests waiting then go at once while they fit in what is left (half of it for two windows
 * after another program was seen spending), else one every `timeLeft / (remaining + 1)`. An answer
 * with nothing left and a reset ahead (a 10006) holds everything until then.
 *
 * @since 0.1.0
 */
import { DOCUMENTED_LIMITS, MAX_RESET_DISTANCE_MS } from "./internal/rateLimit.js"
import type { RateLimitStatus } from "./RateLimit.js"

/**
 * The pacing state of one endpoint (mutated by `onSend` and `onAnswer`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Budget {
  readonly path: string
  /** The documented window; `windowMs` may grow to twice it when the exchange's proves longer. */
  readonly documentedWindowMs: number
  windowMs: number
  limit: number
  /** The window's number: a late answer from an old window corrects nothing. */
  window: number
  windowEnd: number
  /** Requests we may still send in the window, and those we sent in it. */
  available: number
  sent: number
  inFlight: number
  /** Whether the window's first request still has no answer. */
  probing: boolean
  blockedUntil: number
  lastSendAt: number
  /** Until when another program is taken to spend the same budget. */
  sharedUntil: number
  /** Our requests numbered so far, and the latest whose answer's count was taken. */
  sends: number
  counted: number
}

/** A sent request: the window it counted in, whether it opened it, its place among our sends. */
interface Ticket {
  readonly window: number
  readonly first: boolean
  readonly seq: number
}

/**
 * A fresh budget for a path: Bybit's documented limit, else one learnt from the first answer, in
 * one-second windows.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBudget = (path: string): Budget => {
  const rule = DOCUMENTED_LIMITS.get(path) ?? { limit: Number.POSITIVE_INFINITY, windowMs: 1_000 }
  return {
    path,
    documentedWindowMs: rule.windowMs,
    windowMs: rule.windowMs,
    limit: rule.limit,
    window: 0,
    windowEnd: Number.NEGATIVE_INFINITY,
    available: rule.limit,
    sent: 0,
    inFlight: 0,
    probing: false,
    blockedUntil: Number.NEGATIVE_INFINITY,
    lastSendAt: Number.NEGATIVE_INFINITY,
    sharedUntil: Number.NEGATIVE_INFINITY,
    sends: 0,
    counted: 0
  }
}

/**
 * When the next request may go: `now`, a later local ms, or `"AwaitFirstAnswer"` while the window's
 * first request has no answer. `waiting` counts the requests waiting to go, this one included.
 *
 * @since 0.1.0
 * @category pacing
 */
export const nextSendAt = (budget: Budget, now: number, waiting = 1): number | "AwaitFirstAnswer" => {
  if (now < budget.blockedUntil) return budget.blockedUntil
  if (now >= budget.windowEnd) return now
  if (budget.probing) return "AwaitFirstAnswer"
  if (budget.available <= 0) return budget.windowEnd
  if (waiting <= (now < budget.sharedUntil ? budget.available / 2 : budget.available)) return now
  const spread = budget.lastSendAt + (budget.windowEnd - budget.lastSendAt) / (budget.available + 1)
  return Math.max(now, Math.ceil(spread))
}

/**
 * Counts a request sent at `now` (call only when `nextSendAt` said `now`). The ticket goes to
 * `onAnswer` with the request's answer: the window it counted in, whether it opened that window,
 * and its place among the sends.
 *
 * @since 0.1.0
 * @category pacing
 */
export const onSend = (budget: Budget, now: number): Ticket => {
  const first = now >= budget.windowEnd
  if (first) {
    budget.window += 1
    budget.windowEnd = now + budget.windowMs
    budget.available = budget.limit
    budget.sent = 0
    budget.probing = true
  }
  budget.available -= 1
  budget.sent += 1
  budget.inFlight += 1
  budget.lastSendAt = now
  return { window: budget.window, first, seq: ++budget.sends }
}

/**
 * Corrects the budget from the answer to a request: `status` (see `toLocal`) is absent when there
 * was no answer or it had no sane rate-limit headers.
 *
 * @since 0.1.0
 * @category pacing
 */
export const onAnswer = (
  budget: Budget,
  ticket: Ticket,
  now: number,
  status?: { readonly limit: number; readonly remaining: number; readonly resetLocal: number }
): void => {
  budget.inFlight = Math.max(0, budget.inFlight - 1)
  const current = ticket.window === budget.window
  if (current && ticket.first) budget.probing = false
  if (status === undefined) return
  if (status.limit > 0) budget.limit = status.limit
  // An answer overtaken by a later request's carries an older, higher count: it corrects nothing.
  if (current && ticket.seq > budget.counted) {
    budget.counted = ticket.seq
    // Our requests still in flight may not be counted yet: the exchange's `remaining`, less them.
    const available = status.remaining - budget.inFlight
    // Fewer left than our own sends explain: another program spends this key's budget too.
    if (available < budget.available) budget.sharedUntil = now + 2 * budget.windowMs
    budget.available = available
  }
  const ahead = status.resetLocal - now
  if (status.remaining === 0 && ahead > 0 && ahead <= MAX_RESET_DISTANCE_MS) {
    // A window ends within twice its documented length: one answer never holds the key longer.
    const resetLocal = Math.min(status.resetLocal, now + 2 * budget.documentedWindowMs)
    budget.blockedUntil = Math.max(budget.blockedUntil, resetLocal)
    if (current) {
      if (resetLocal > budget.windowEnd) {
        // The exchange's window is longer than ours; believed up to twice the documented one.
        budget.windowMs = Math.min(2 * budget.documentedWindowMs, budget.windowMs + resetLocal - budget.windowEnd)
      }
      budget.windowEnd = resetLocal
    }
  }
}

/**
 * The reset time of a status on the local clock, given the clock offset (server minus local).
 *
 * @since 0.1.0
 * @category pacing
 */
export const toLocal = (status: RateLimitStatus, offset: number) => ({
  limit: status.limit,
  remaining: status.remaining,
  resetLocal: status.resetAt - offset
})
