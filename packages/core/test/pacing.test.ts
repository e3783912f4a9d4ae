// Pacing arithmetic, in simulated time: a single client, two clients sharing one exchange budget,
// 10006 answers, reset times that cannot be believed, late answers from an old window.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Pacing from "../src/Pacing.js"

const CANCEL = "/v5/asset/withdraw/cancel" // 60 per 60 s
const CREATE = "/v5/asset/withdraw/create" // 5 per 1 s

type Status = { readonly limit: number; readonly remaining: number; readonly resetLocal: number }

/**
 * The exchange: fixed windows of `limit` per `windowMs`, the first starting at the first request.
 * Each request is answered `remaining = limit - used` and a reset time of now, unless the window's
 * budget is spent: then remaining 0 and the window's end (a 10006).
 */
class Exchange {
  start: number | undefined
  used = 0
  window = -1
  refused = 0
  accepted = 0
  constructor(
    readonly limit: number,
    readonly windowMs: number
  ) {}
  answer(now: number): Status {
    this.start ??= now
    const window = Math.floor((now - this.start) / this.windowMs)
    if (window !== this.window) {
      this.window = window
      this.used = 0
    }
    const end = this.start + (window + 1) * this.windowMs
    if (this.used >= this.limit) {
      this.refused += 1
      return { limit: this.limit, remaining: 0, resetLocal: end }
    }
    this.used += 1
    this.accepted += 1
    return { limit: this.limit, remaining: this.limit - this.used, resetLocal: now }
  }
}

interface Send {
  readonly at: number
  readonly client: number
}

/**
 * Clients with `each` requests queued (all waiting from the start), sending to one exchange, answers
 * arriving at the instant of the send.
 */
const simulate = (clients: number, each: number, exchange = new Exchange(60, 60_000)) => {
  const budgets = Array.from({ length: clients }, () => Pacing.makeBudget(CANCEL))
  const left = budgets.map(() => each)
  const sends: Array<Send> = []
  let now = 0
  for (let steps = 0; left.some((n) => n > 0); steps++) {
    if (steps > 100_000) throw new Error("the simulation does not end")
    let at = Number.POSITIVE_INFINITY
    let who = -1
    budgets.forEach((budget, i) => {
      if (left[i] === 0) return
      const next = Pacing.nextSendAt(budget, now, left[i])
      if (next === "AwaitFirstAnswer") throw new Error("answers are instant: nothing awaits a first answer")
      expect(next).toBeGreaterThanOrEqual(now)
      if (next < at) {
        at = next
        who = i
      }
    })
    now = at
    const budget = budgets[who]!
    // nextSendAt's own contract: at the time it gave, it says "now".
    expect(Pacing.nextSendAt(budget, now, left[who])).toBe(now)
    const ticket = Pacing.onSend(budget, now)
    left[who] = left[who]! - 1
    Pacing.onAnswer(budget, ticket, now, exchange.answer(now))
    sends.push({ at: now, client: who })
  }
  return { sends, exchange, budgets }
}

/** The most sends in one of the exchange's fixed windows (the first starting at the first send). */
const mostInAnyWindow = (times: ReadonlyArray<number>, windowMs: number): number => {
  const counts = new Map<number, number>()
  for (const t of times) {
    const window = Math.floor((t - times[0]!) / windowMs)
    counts.set(window, (counts.get(window) ?? 0) + 1)
  }
  return Math.max(0, ...counts.values())
}

/** A budget whose window was opened at `t0` by a first request answered with `remaining`. */
const opened = (path: string, t0: number, remaining: number, limit: number) => {
  const budget = Pacing.makeBudget(path)
  const ticket = Pacing.onSend(budget, t0)
  Pacing.onAnswer(budget, ticket, t0, { limit, remaining, resetLocal: t0 })
  return budget
}

describe("a client alone", () => {
  it("sends the window's first request alone: AwaitFirstAnswer until its answer, whatever the time", () => {
    const budget = Pacing.makeBudget(CANCEL)
    expect(Pacing.nextSendAt(budget, 1_000)).toBe(1_000)
    const ticket = Pacing.onSend(budget, 1_000)
    expect(ticket).toMatchObject({ window: 1, first: true })
    expect(Pacing.nextSendAt(budget, 1_000)).toBe("AwaitFirstAnswer")
    expect(Pacing.nextSendAt(budget, 30_000)).toBe("AwaitFirstAnswer")
    expect(Pacing.nextSendAt(budget, 60_999)).toBe("AwaitFirstAnswer")
    Pacing.onAnswer(budget, ticket, 31_000, { limit: 60, remaining: 59, resetLocal: 31_000 })
    expect(Pacing.nextSendAt(budget, 31_000)).toBe(31_000)
  })

  it("lets the first request go alone also when its answer had no rate-limit headers", () => {
    const budget = Pacing.makeBudget(CANCEL)
    const ticket = Pacing.onSend(budget, 0)
    expect(Pacing.nextSendAt(budget, 10)).toBe("AwaitFirstAnswer")
    Pacing.onAnswer(budget, ticket, 10)
    expect(Pacing.nextSendAt(budget, 10)).toBe(10)
    expect(budget.available).toBe(59)
  })

  it("after the first answer, lets the requests waiting go at once while they all fit in what is left", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    expect(Pacing.nextSendAt(budget, 0, 59)).toBe(0)
    // 60 waiting do not fit in the 59 left: spread, one every timeLeft / (remaining + 1)
    expect(Pacing.nextSendAt(budget, 0, 60)).toBe(Math.ceil(60_000 / 60))
    // a lone request (the default) goes at once
    expect(Pacing.nextSendAt(budget, 0)).toBe(0)
  })

  it("sends a queue that fits at once: 40 cancels after the first answer, none slowed down", () => {
    const { sends, exchange } = simulate(1, 41)
    expect(exchange.refused).toBe(0)
    expect(sends.every((s) => s.at === 0)).toBe(true)
  })

  it("spreads a queue that does not fit, one every timeLeft / (remaining + 1), up to the limit and no further", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    let waiting = 100
    const times: Array<number> = []
    let now = 0
    while (Pacing.nextSendAt(budget, now, waiting) !== budget.windowEnd && times.length < 200) {
      now = Pacing.nextSendAt(budget, now, waiting) as number
      const ticket = Pacing.onSend(budget, now)
      Pacing.onAnswer(budget, ticket, now, { limit: 60, remaining: 60 - budget.sent, resetLocal: now })
      times.push(now)
      waiting -= 1
    }
    // with the window's first request, exactly the limit; the next would open the next window
    expect(times).toHaveLength(59)
    expect(times[0]).toBe(1_000)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    for (const gap of gaps) expect(gap).toBe(1_000)
    expect(Pacing.nextSendAt(budget, now, waiting)).toBe(60_000)
  })

  it("on a small limit, sends at once only what fits and spreads the rest over the window", () => {
    const budget = opened(CREATE, 0, 4, 5)
    expect(Pacing.nextSendAt(budget, 0, 4)).toBe(0)
    expect(Pacing.nextSendAt(budget, 0, 5)).toBe(Math.ceil(1_000 / 5))
  })

  it("keeps a single client with 150 queued within the limit of every window, none refused", () => {
    const { sends, exchange } = simulate(1, 150)
    const times = sends.map((s) => s.at)
    expect(exchange.refused).toBe(0)
    expect(mostInAnyWindow(times, 60_000)).toBeLessThanOrEqual(60)
    expect(times.filter((t) => t === 0)).toHaveLength(1) // 149 waiting do not fit in half of 59
    const first = times.filter((t) => t < 60_000)
    const gaps = first.slice(1).map((t, i) => t - first[i]!)
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(900)
      expect(gap).toBeLessThanOrEqual(1_100)
    }
    console.log(
      `pacing, one client, 150 queued: ${exchange.refused} refused, last at ${times.at(-1)! / 1000} s, ` +
        `first-window sends ${first.length}, gaps ${Math.min(...gaps)}..${Math.max(...gaps)} ms, ` +
        `most in a window: ${mostInAnyWindow(times, 60_000)}`
    )
  })

  it("never sends more than the limit in any window, whatever the answers' delay, answers in order (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom({ path: CANCEL, limit: 60, windowMs: 60_000 }, { path: CREATE, limit: 5, windowMs: 1_000 }),
        fc.integer({ min: 0, max: 3_000 }).map((delay) => [delay]),
        fc.integer({ min: 20, max: 200 }),
        ({ path, limit, windowMs }, delays, count) => {
          const exchange = new Exchange(limit, windowMs)
          const budget = Pacing.makeBudget(path)
          const pending: Array<{ at: number; ticket: ReturnType<typeof Pacing.onSend>; status: Status }> = []
          const times: Array<number> = []
          let now = 0
          while (times.length < count || pending.length > 0) {
            const next =
              times.length < count ? Pacing.nextSendAt(budget, now, count - times.length) : "AwaitFirstAnswer"
            const answerAt = Math.min(...pending.map((p) => p.at))
            const at = next === "AwaitFirstAnswer" ? answerAt : Math.min(next, answerAt)
            now = Math.max(now, at)
            for (const p of pending.filter((p) => p.at <= now)) {
              pending.splice(pending.indexOf(p), 1)
              Pacing.onAnswer(budget, p.ticket, now, p.status)
            }
            if (times.length < count && Pacing.nextSendAt(budget, now, count - times.length) === now) {
              const ticket = Pacing.onSend(budget, now)
              times.push(now)
              pending.push({ at: now + delays[times.length % delays.length]!, ticket, status: exchange.answer(now) })
            }
          }
          expect(exchange.refused).toBe(0)
          expect(mostInAnyWindow(times, windowMs)).toBeLessThanOrEqual(limit)
        }
      ),
      { numRuns: 60 }
    )
  })
})

describe("answers out of order", () => {
  // KNOWN BUG (reported, not fixed here): an answer that arrives after the answer to a later request
  // carries a `remaining` counted before that later request, and onAnswer takes it as it is, so the
  // budget believes one more is left than there is; found by the delay property above when the
  // delays differ from request to request ([1001, 0] over 61 cancels: 61 sent in one window, one
  // refused). Flip `it.fails` to `it` once Pacing ignores a status older than one it already took.
  it("does not take a stale remaining from an answer overtaken by a later request's", () => {
    const budget = opened(CANCEL, 0, 59, 60) // the exchange has counted 1
    const a = Pacing.onSend(budget, 0) // counted 2: remaining 58
    const b = Pacing.onSend(budget, 0) // counted 3: remaining 57
    Pacing.onAnswer(budget, b, 10, { limit: 60, remaining: 57, resetLocal: 10 })
    Pacing.onAnswer(budget, a, 20, { limit: 60, remaining: 58, resetLocal: 20 })
    expect(budget.available).toBeLessThanOrEqual(57)
  })
})

describe("clients sharing one exchange budget", () => {
  it("two clients, 100 requests each, 60 per 60 s: all sent, at most 5 refused, within 1.2x of the least time", () => {
    const { sends, exchange } = simulate(2, 100)
    const last = sends.at(-1)!.at
    const least = 180_000 // the 181st request cannot be accepted before the fourth window opens
    const ratio = last / least
    console.log(
      `pacing, two clients sharing 60/60 s: ${sends.length} sent, ${exchange.refused} would have been refused (10006), ` +
        `last send at ${last / 1000} s against the least ${least / 1000} s: ratio ${ratio.toFixed(3)}`
    )
    expect(sends).toHaveLength(200)
    expect(sends.filter((s) => s.client === 0)).toHaveLength(100)
    expect(sends.filter((s) => s.client === 1)).toHaveLength(100)
    expect(exchange.refused).toBeLessThanOrEqual(5)
    expect(last).toBeGreaterThanOrEqual(least)
    expect(last).toBeLessThanOrEqual(1.2 * least)
  })

  it("slows down when another program spends the same budget: available follows the exchange's remaining", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const alone = Pacing.nextSendAt(budget, 0, 100) as number
    expect(alone).toBe(1_000)
    const ticket = Pacing.onSend(budget, alone)
    // meanwhile another program on the key spent 40
    Pacing.onAnswer(budget, ticket, alone, { limit: 60, remaining: 18, resetLocal: alone })
    expect(budget.available).toBe(18)
    const next = Pacing.nextSendAt(budget, alone, 99) as number
    expect(next - alone).toBe(Math.ceil((60_000 - alone) / 19))
    expect(next - alone).toBeGreaterThan(3 * alone)
  })

  it("once another program was seen spending, sends at once only what fits in half of what is left, for two windows", () => {
    const budget = opened(CANCEL, 0, 40, 60) // 19 spent by someone else before our first answer
    expect(budget.sharedUntil).toBe(120_000)
    expect(Pacing.nextSendAt(budget, 0, 20)).toBe(0)
    expect(Pacing.nextSendAt(budget, 0, 21)).toBe(Math.ceil(60_000 / 41))
    // two windows later, with nobody else seen, a queue that fits goes at once again
    const probe = Pacing.onSend(budget, 120_000)
    Pacing.onAnswer(budget, probe, 120_000, { limit: 60, remaining: 59, resetLocal: 120_000 })
    expect(Pacing.nextSendAt(budget, 120_000, 59)).toBe(120_000)
  })

  it("does not take its own sends for another program's", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    for (let i = 0; i < 10; i++) {
      const ticket = Pacing.onSend(budget, 0)
      Pacing.onAnswer(budget, ticket, 0, { limit: 60, remaining: 60 - budget.sent, resetLocal: 0 })
    }
    expect(budget.sharedUntil).toBe(Number.NEGATIVE_INFINITY)
  })

  it("counts its own requests still in flight against the exchange's remaining", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const a = Pacing.onSend(budget, 0)
    Pacing.onSend(budget, 0)
    Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, a, 0, { limit: 60, remaining: 58, resetLocal: 0 })
    expect(budget.inFlight).toBe(2)
    expect(budget.available).toBe(56)
  })
})

describe("answers that hold or do not hold the budget", () => {
  it("holds everything until the reset after a 10006 (remaining 0, reset ahead)", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 100, { limit: 60, remaining: 0, resetLocal: 30_000 })
    expect(Pacing.nextSendAt(budget, 100)).toBe(30_000)
    expect(Pacing.nextSendAt(budget, 29_999)).toBe(30_000)
    expect(Pacing.nextSendAt(budget, 30_000)).toBe(30_000)
    // and the request at the reset opens a new window, alone
    const first = Pacing.onSend(budget, 30_000)
    expect(first).toMatchObject({ window: 2, first: true })
    expect(Pacing.nextSendAt(budget, 30_000)).toBe("AwaitFirstAnswer")
  })

  it("holds until a reset beyond the current window when the exchange says so", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 0, { limit: 60, remaining: 0, resetLocal: 90_000 })
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(90_000)
  })

  it("grows its window to the exchange's when a 10006 resets later than the window's end", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 0, { limit: 60, remaining: 0, resetLocal: 90_000 })
    expect(budget.windowMs).toBe(90_000)
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(90_000)
    Pacing.onSend(budget, 90_000)
    expect(budget.windowEnd).toBe(180_000)
  })

  it("does not believe a reset more than 10 minutes away: nothing is held past the window", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 0, { limit: 60, remaining: 0, resetLocal: 600_001 })
    expect(budget.blockedUntil).toBe(Number.NEGATIVE_INFINITY)
    expect(Pacing.nextSendAt(budget, 0)).toBe(60_000)
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(60_000)
  })

  it("is held by one answer at most twice the documented window (a reset 10 minutes away holds 2 minutes)", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 0, { limit: 60, remaining: 0, resetLocal: 600_000 })
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(120_000)
  })

  it("is not held by remaining 0 with a reset time already past", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 5_000, { limit: 60, remaining: 0, resetLocal: 4_000 })
    expect(budget.blockedUntil).toBe(Number.NEGATIVE_INFINITY)
    expect(Pacing.nextSendAt(budget, 5_000)).toBe(60_000)
  })

  it("lets an answer from an old window correct nothing", () => {
    const budget = opened(CANCEL, 0, 59, 60)
    const late = Pacing.onSend(budget, 0) // window 1, still in flight at the window's end
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(60_000)
    const probe = Pacing.onSend(budget, 60_000)
    expect(probe).toMatchObject({ window: 2, first: true })
    Pacing.onAnswer(budget, probe, 60_000, { limit: 60, remaining: 59, resetLocal: 60_000 })
    const before = { available: budget.available, windowEnd: budget.windowEnd, probing: budget.probing }
    Pacing.onAnswer(budget, late, 60_100, { limit: 60, remaining: 0, resetLocal: 60_000 })
    expect({ available: budget.available, windowEnd: budget.windowEnd, probing: budget.probing }).toEqual(before)
    expect(Pacing.nextSendAt(budget, 60_100)).toBe(60_100)
  })

  it("does not let an old window's first answer end the new window's wait for its own first answer", () => {
    const budget = Pacing.makeBudget(CANCEL)
    const old = Pacing.onSend(budget, 0)
    expect(Pacing.nextSendAt(budget, 60_000)).toBe(60_000) // the window ended: a new one opens
    const probe = Pacing.onSend(budget, 60_000)
    Pacing.onAnswer(budget, old, 60_500, { limit: 60, remaining: 58, resetLocal: 60_500 })
    expect(Pacing.nextSendAt(budget, 60_500)).toBe("AwaitFirstAnswer")
    Pacing.onAnswer(budget, probe, 60_600, { limit: 60, remaining: 58, resetLocal: 60_600 })
    expect(Pacing.nextSendAt(budget, 60_600)).toBe(60_600)
  })

  it("learns the limit of an undocumented path from the answers, in one-second windows", () => {
    const budget = Pacing.makeBudget("/v5/asset/coin/query-info")
    expect(budget.windowMs).toBe(1_000)
    const ticket = Pacing.onSend(budget, 0)
    Pacing.onAnswer(budget, ticket, 0, { limit: 10, remaining: 9, resetLocal: 0 })
    expect(budget.limit).toBe(10)
    expect(budget.available).toBe(9)
  })

  it("keeps the documented limit when an answer says limit 0", () => {
    const budget = opened(CANCEL, 0, 59, 0)
    expect(budget.limit).toBe(60)
  })
})

describe("toLocal", () => {
  it("moves the reset time onto the local clock by the offset (server minus local)", () => {
    expect(Pacing.toLocal({ path: CANCEL, limit: 60, remaining: 3, resetAt: 10_000 }, 2_500)).toEqual({
      limit: 60,
      remaining: 3,
      resetLocal: 7_500
    })
  })
})
