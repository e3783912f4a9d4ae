/**
 * Pacing against the mock exchange under its real limits (cancel: 60 per 60 s window per UID), in
 * virtual time: the exchange answers in process (`MockExchange.layer`), and the TestClock and the
 * exchange's clock move together, only when every fiber has waited on the TestClock for a few turns
 * of the event loop, so every request reaches the exchange at the virtual instant it was sent.
 * (The exchange's clock moves by whole milliseconds, as a real one does: with `clock: "effect"` it
 * would read the TestClock's fractional instants after a jittered sleep, and a reset timestamp that
 * is not a whole number of ms is one the client rightly does not believe.)
 *
 *   npx pnpm@10.34.8 exec vitest run --project client test/pacing.test.ts
 *
 * prints, per scenario, the virtual time taken against the least the limit allows, the cancel
 * requests sent and the 10006 answers.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import type { MockExchangeOptions } from "@effect-bybit/mock-exchange"
import { Chunk, Clock, Effect, Exit, Fiber, Layer, Schedule, TestClock } from "effect"
import { BybitClient, type BybitConfig, Withdrawals } from "../src/index.js"
import { ids, pending } from "./issue19.js"
import { BASE_URL, hmacCredentials, NOW, settle } from "./support.js"

const CANCEL = "/v5/asset/withdraw/cancel"
const LIMIT = 60
const WINDOW = 60_000

const OURS = ids(700_000, 200)
const THEIRS = ids(800_000, 40)

/** The least time `n` requests take under a window of `limit` per `window` ms: the last window's start. */
const leastTime = (n: number, limit: number) => (Math.ceil(n / limit) - 1) * WINDOW

/**
 * The client (a generous request timeout, so a slow machine never times out a call) on a fresh
 * in-process mock exchange frozen at `NOW` (moved by `runVirtual`), and that exchange as `MockExchange`.
 */
const virtualLayer = (exchange: Omit<MockExchangeOptions, "clock">, client: Partial<BybitConfig.Options> = {}) =>
  BybitClient.layer({ credentials: hmacCredentials(), baseUrl: BASE_URL, timeout: "1 hour", ...client }).pipe(
    Layer.provideMerge(MockExchange.layer({ now: NOW, ...exchange }))
  )

/**
 * Runs `effect`; whenever every fiber waits on the TestClock and nothing changes (no new request,
 * no new sleep) for a few turns of the event loop, moves the TestClock and the exchange's clock
 * together to the earliest wake-up.
 */
const runVirtual = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const exchange = yield* MockExchange
    const fiber = yield* Effect.fork(effect)
    let quiet = 0
    let seen = -1
    for (let step = 0; step < 200_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return done.value
      yield* settle
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const state = exchange.requests().length * 1_000 + sleeps.length
      quiet = sleeps.length > 0 && state === seen ? quiet + 1 : 0
      seen = state
      if (quiet < 3) continue
      const now = yield* TestClock.currentTimeMillis
      const delta = Math.max(0, Math.ceil(Math.min(...sleeps) - now))
      exchange.clock.advance(delta)
      yield* TestClock.adjust(delta)
      quiet = 0
    }
    return yield* Effect.die("runVirtual: too many steps")
  })

const cancelAll = (list: ReadonlyArray<string>) =>
  Effect.forEach(list, (id) => Effect.either(Withdrawals.cancel({ id })), { concurrency: "unbounded" })

/** Cancels every id at once in virtual time; `elapsed` is the TestClock time it took (ms). */
const timedCancels = (list: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const exit = yield* runVirtual(cancelAll(list))
    return { exit, elapsed: (yield* Clock.currentTimeMillis) - start }
  })

/** What the exchange saw of a set of ids: requests, 10006 answers, first and last arrival. */
const seenBy = (exchange: MockExchange["Type"], list: ReadonlyArray<string>) => {
  const mine = new Set(list)
  const requests = exchange.requests().filter((r) => r.path === CANCEL && mine.has(JSON.parse(r.body).id))
  return {
    sent: requests.length,
    limited: requests.filter((r) => r.retCode === 10006).length,
    first: Math.min(...requests.map((r) => r.time)),
    last: Math.max(...requests.map((r) => r.time))
  }
}

/** A second program on the same UID (same key), knowing nothing of our budget: no pacing. */
const otherProgram = BybitClient.make({
  credentials: hmacCredentials(),
  baseUrl: BASE_URL,
  timeout: "1 hour",
  pacing: false,
  retry: Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(10))),
  maxRateLimitWait: "2 minutes"
})

const report = (label: string, figures: { elapsed: number; least: number; sent: number; limited: number }) =>
  Effect.sync(() =>
    console.log(
      `[pacing] ${label}: ${figures.elapsed / 1000} s virtual (least the limit allows: ${figures.least / 1000} s, ratio ${(figures.elapsed / figures.least).toFixed(3)}), ${figures.sent} cancel requests sent, ${figures.limited} answered 10006`
    )
  )

describe("pacing (mock exchange, real limits, virtual time)", () => {
  it.scoped(
    "after a 10006 whose reset is further than maxRateLimitWait, the next cancel fails at once, nothing sent",
    () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        const other = yield* otherProgram
        // Another program on the key spends the whole window.
        yield* cancelAll(THEIRS.slice(0, 40).concat(OURS.slice(100, 120))).pipe(
          Effect.provideService(BybitClient.BybitClient, other)
        )
        const first = yield* Effect.flip(Withdrawals.cancel({ id: OURS[0]! }))
        expect(first).toMatchObject({ _tag: "RateLimitExceeded", retCode: 10006, path: CANCEL })
        const before = exchange.requests().length
        const second = yield* Effect.flip(Withdrawals.cancel({ id: OURS[1]! }))
        expect(second).toMatchObject({ _tag: "RateLimitExceeded", path: CANCEL, resetAt: NOW + WINDOW })
        expect(second).not.toHaveProperty("retCode")
        expect(exchange.requests().length).toBe(before)
      }).pipe(
        Effect.provide(
          virtualLayer({ withdrawals: [...OURS, ...THEIRS].map(pending) }, { maxRateLimitWait: "10 seconds" })
        )
      )
  )

  it.scoped(
    "another program spent 25 of the window first: the headers shrink our first window, no 10006",
    () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        const other = yield* otherProgram
        const before = THEIRS.slice(0, 25)
        yield* cancelAll(before).pipe(Effect.provideService(BybitClient.BybitClient, other))
        const { exit, elapsed } = yield* timedCancels(OURS)
        expect(Exit.isSuccess(exit) && exit.value.every((o) => o._tag === "Right")).toBe(true)
        const seen = seenBy(exchange, OURS)
        // 35 fit in the first window, then 60, 60 and 45: the last window opens 180 s in.
        const least = leastTime(200 - (LIMIT - 25), LIMIT) + WINDOW
        yield* report("200 cancels after another program's 25", {
          elapsed,
          least,
          sent: seen.sent,
          limited: seen.limited
        })
        expect(seen.limited).toBe(0)
        expect(seen.sent).toBe(200)
        expect(elapsed).toBeLessThanOrEqual(1.05 * least)
        expect(seenBy(exchange, before).limited).toBe(0)
      }).pipe(Effect.provide(virtualLayer({ withdrawals: [...OURS, ...THEIRS].map(pending) }))),
    120_000
  )

  it.scoped(
    "another program cancels 30 s into our run: every cancel of both succeeds, 10006s counted",
    () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        const other = yield* otherProgram
        const early = THEIRS.slice(0, 25)
        const later = THEIRS.slice(25)
        yield* cancelAll(early).pipe(Effect.provideService(BybitClient.BybitClient, other))
        const start = exchange.clock.now()
        const exit = yield* runVirtual(
          Effect.all(
            [
              cancelAll(OURS),
              cancelAll(later).pipe(Effect.delay("30 seconds"), Effect.provideService(BybitClient.BybitClient, other))
            ],
            { concurrency: "unbounded" }
          )
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        const [ours, theirs] = Exit.isSuccess(exit) ? exit.value : [[], []]
        expect(ours.filter((o) => o._tag === "Right")).toHaveLength(200)
        expect(theirs.filter((o) => o._tag === "Right")).toHaveLength(later.length)
        const seen = seenBy(exchange, OURS)
        const seenTheirs = seenBy(exchange, later)
        yield* report("200 cancels while another program sends 15 more, 30 s in", {
          elapsed: seen.last - start,
          least: leastTime(200 - (LIMIT - 25), LIMIT) + WINDOW,
          sent: seen.sent,
          limited: seen.limited
        })
        yield* Effect.sync(() =>
          console.log(
            `[pacing]   the other program (no pacing): ${seenTheirs.sent} requests for ${later.length} cancels, ${seenTheirs.limited} answered 10006, done ${(seenTheirs.last - start) / 1000} s in`
          )
        )
        // Each request of theirs the exchange accepted can have taken one slot we were promised;
        // a 10006 of ours is waited out and retried, as without pacing.
        expect(seen.limited).toBeLessThanOrEqual(later.length)
        expect(seen.sent).toBe(200 + seen.limited)
        expect(seen.last - start).toBeLessThanOrEqual(1.05 * (leastTime(200 - (LIMIT - 25), LIMIT) + WINDOW))
        for (const id of [...OURS, ...THEIRS]) expect(exchange.withdrawal(id)?.status).toBe("CancelByUser")
      }).pipe(Effect.provide(virtualLayer({ withdrawals: [...OURS, ...THEIRS].map(pending) }))),
    120_000
  )
})
