/** Step 4: fixed-window rate limits per UID and endpoint, on the mock clock. */
import type { PrivateEndpoint, RateLimitRule } from "../models.js"

/**
 * Bybit's limits: cancel 60/min, create 5/s, query-record 300/min, per UID; coin info 5/s (our
 * choice: Bybit's rate-limit table does not list it).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<PrivateEndpoint, RateLimitRule>> = {
  cancel: { limit: 60, windowMs: 60_000 },
  create: { limit: 5, windowMs: 1_000 },
  query: { limit: 300, windowMs: 60_000 },
  coinInfo: { limit: 5, windowMs: 1_000 }
}

/**
 * Whether a request is allowed, and the values of the rate-limit headers.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateDecision {
  readonly allowed: boolean
  readonly limit: number
  /** Requests left in the current window after this one. */
  readonly remaining: number
  /** When the window resets: the reset time once exceeded, otherwise `now`. */
  readonly resetTimestamp: number
}

interface Window {
  start: number
  used: number
}

/**
 * Fixed-window counters per UID and endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimiter {
  /** Counts a request and says whether it is allowed. */
  readonly take: (uid: string, endpoint: PrivateEndpoint, now: number) => RateDecision
  /** The current state, without counting a request. */
  readonly peek: (uid: string, endpoint: PrivateEndpoint, now: number) => RateDecision
}

/**
 * A rate limiter with the given rules, on the time passed to each call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRateLimiter = (rules: Readonly<Record<PrivateEndpoint, RateLimitRule>>): RateLimiter => {
  const windows = new Map<string, Window>()
  // A window starts at its first request and ends windowMs later; a clock moved past its end, or
  // back before its start, opens a fresh one.
  const current = (uid: string, endpoint: PrivateEndpoint, now: number): Window => {
    const key = `${uid}\u0000${endpoint}`
    const rule = rules[endpoint]
    let w = windows.get(key)
    if (w === undefined || now >= w.start + rule.windowMs || now < w.start) {
      w = { start: now, used: 0 }
      windows.set(key, w)
    }
    return w
  }
  const decide = (w: Window, rule: RateLimitRule, allowed: boolean, now: number): RateDecision => ({
    allowed,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - w.used),
    resetTimestamp: allowed ? now : w.start + rule.windowMs
  })
  return {
    take: (uid, endpoint, now) => {
      const rule = rules[endpoint]
      const w = current(uid, endpoint, now)
      if (w.used >= rule.limit) return decide(w, rule, false, now)
      w.used += 1
      return decide(w, rule, true, now)
    },
    peek: (uid, endpoint, now) => {
      const rule = rules[endpoint]
      const w = current(uid, endpoint, now)
      return decide(w, rule, w.used < rule.limit, now)
    }
  }
}

/**
 * The `X-Bapi-Limit*` headers of a decision.
 *
 * @since 0.1.0
 * @category rendering
 */
export const rateLimitHeaders = (d: RateDecision): Record<string, string> => ({
  "X-Bapi-Limit": String(d.limit),
  "X-Bapi-Limit-Status": String(d.remaining),
  "X-Bapi-Limit-Reset-Timestamp": String(d.resetTimestamp)
})
