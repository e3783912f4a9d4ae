/**
 * Pacing arithmetic: when a client may send its next private request to an endpoint, so that the
 * exchange never has to answer 10006 to requests it could have known were too many, also when
 * other programs spend the same API key's budget.
 *
 * Per path, a window of Bybit's documented length (the limit from each answer's `X-Bapi-Limit`):
 * - a window opens with our first request after the previous one ended; that request goes alone,
 *   and its answer's `X-Bapi-Limit-Status` says how many the exchange still takes, every program
 *   on the key counted;
 * - the requests waiting go at once while they all fit in what the window still allows and no other
 *   program was seen spending the key's budget lately (in half of it, when one was); otherwise they
 *   are spread over the time left, one every `timeLeft / (remaining + 1)`, with `remaining` taken
 *   afresh from every answer: when another program spends the same budget, `remaining` falls faster
 *   than our own sends and we slow down;
 * - a 10006 whose reset comes later than our window's end shows the exchange's window is longer:
 *   ours grows to match.
 * - an answer with nothing left and a reset time ahead (a 10006) holds everything until then.
 *
 * Plain state and functions, no timers: the Effect lines wait on their own `Clock`. Times are local
 * ms; a reset time from the exchange is converted by the caller (server time minus the offset).
 * Source: Bybit V5 "Rate Limit Rules".
 *
 * @since 0.1.0
 */
import { DOCUMENTED_LIMITS, MAX_RESET_DISTANCE_MS, type RateLimitStatus } from "./RateLimit.js"

/**
 * The pacing state of one endpoint.
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
  /** Increments with each window: a late answer from an old window corrects nothing. */
  window: number
  /** Local ms when the current window ends. */
  windowEnd: number
  /** Requests we may still send in the current window. */
  available: number
  /** Our requests sent in the current window. */
  sent: number
  /** Our requests without an answer yet. */
  inFlight: number
  /** Whether the window's first request still has no answer. */
  probing: boolean
  /** Local ms before which nothing is sent. */
  blockedUntil: number
  /** Local ms of our last request. */
  lastSendAt: number
  /** Local ms until which another program is taken to share the budget (its spending was seen). */
  sharedUntil: number
  /** Requests sent so far, numbered; and the number of the latest whose count was taken. */
  sends: number
  counted: number
}

/**
 * A sent request: which window it counted in, and whether it opened it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ticket {
  readonly window: number
  readonly first: boolean
  /** Its place among our sends: an answer to an earlier one carries an older count. */
  readonly seq: number
}

/**
 * A fresh budget for a path: Bybit's documented limit, else one learnt from the first answer
 * within a one-second window.
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
 * When the next request may go: `now` or a later local ms, or `"AwaitFirstAnswer"` while the
 * window's first request has no answer. `waiting` is how many requests wait to go, this one
 * included.
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
 * Counts a request sent at `now` (call only when `nextSendAt` said `now`).
 *
 * @since 0.1.0
 * @category pacing
 */
export const onSend = (budget: Budget, now: number): Ticket => {
  budget.inFlight += 1
  budget.lastSendAt = now
  const seq = ++budget.sends
  if (now >= budget.windowEnd) {
    budget.window += 1
    budget.windowEnd = now + budget.windowMs
    budget.available = budget.limit - 1
    budget.sent = 1
    budget.probing = true
    return { window: budget.window, first: true, seq }
  }
  budget.available -= 1
  budget.sent += 1
  return { window: budget.window, first: false, seq }
}

/**
 * Corrects the budget from the answer to a request (`status` absent when the answer had no sane
 * rate-limit headers, or there was no answer). `resetLocal` is the status's reset time on the
 * local clock.
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
