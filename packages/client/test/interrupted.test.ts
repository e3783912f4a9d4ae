// A cancel interrupted at any step leaves nothing held: its pacing slot is handed back (the next
// cancel of the path goes) and its id is no longer in flight (the next cancel of the id goes).
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Effect, Fiber, Layer, Redacted, Scheduler } from "effect"
import { TestClock } from "effect/testing"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const NOW = 1_700_000_000_000
const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
const settleAll = Effect.gen(function* () {
  for (let i = 0; i < 20; i++) yield* settle
})

describe("interrupted cancels", () => {
  it.effect("a cancel interrupted at any step never holds the next cancel of the path or of the id", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const held: Array<string> = []
      // The first cancel yields after every step (MaxOpsBeforeYield 1); interrupted after k of them.
      for (let k = 0; k < 60; k++) {
        const went = yield* Effect.gen(function* () {
          const first = yield* Effect.forkChild(
            Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }).pipe(Effect.provideService(Scheduler.MaxOpsBeforeYield, 1))
          )
          for (let i = 0; i < k; i++) yield* Effect.yieldNow
          yield* Fiber.interrupt(first)
          // Another id (the path's pacing) and the same id (its single flight).
          const second = yield* Effect.forkChild(Effect.exit(Withdrawals.cancel({ id: "424242" })))
          const third = yield* Effect.forkChild(Effect.exit(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
          for (let i = 0; i < 20; i++) yield* settle
          // Past any window the budget could wait for.
          yield* TestClock.adjust("10 minutes")
          for (let i = 0; i < 20; i++) yield* settle
          const done = [second.pollUnsafe(), third.pollUnsafe()].map((exit) => exit !== undefined)
          yield* Fiber.interruptAll([second, third])
          return done
        }).pipe(
          Effect.provide(
            BybitClient.layer({ credentials, environment: "testnet", retry: false }).pipe(
              Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" }))
            )
          )
        )
        if (!went[0]) held.push(`${k}: another id`)
        if (!went[1]) held.push(`${k}: the same id`)
      }
      expect(held).toEqual([])
    })
  )

  it.effect("a queued cancel interrupted at any step leaves the pace of the path as it was", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const slowed: Array<number> = []
      for (let k = 0; k < 40; k++) {
        const went = yield* Effect.gen(function* () {
          // The second cancel queues behind the window's first; it is interrupted after k steps.
          const first = yield* Effect.forkChild(Effect.exit(Withdrawals.cancel({ id: "5001" })))
          const queued = yield* Effect.forkChild(
            Withdrawals.cancel({ id: "5002" }).pipe(Effect.provideService(Scheduler.MaxOpsBeforeYield, 1))
          )
          for (let i = 0; i < k; i++) yield* Effect.yieldNow
          yield* Fiber.interrupt(queued)
          yield* settleAll
          yield* TestClock.adjust("10 minutes")
          yield* settleAll
          yield* Fiber.interrupt(first)
          // The limit (2 a minute) is learnt, then a window opens with one request left in it:
          // the next cancel goes at once, unless the path still counts the interrupted one as queued.
          yield* Effect.exit(Withdrawals.cancel({ id: "5003" }))
          yield* TestClock.adjust("10 minutes")
          yield* Effect.exit(Withdrawals.cancel({ id: "5004" }))
          const next = yield* Effect.forkChild(Effect.exit(Withdrawals.cancel({ id: "5005" })))
          yield* settleAll
          const done = next.pollUnsafe()
          yield* Fiber.interrupt(next)
          return done !== undefined
        }).pipe(
          Effect.provide(
            BybitClient.layer({ credentials, environment: "testnet", retry: false }).pipe(
              Layer.provideMerge(
                MockExchange.layer({
                  now: NOW,
                  clock: "effect",
                  rateLimits: { cancel: { limit: 2, windowMs: 60_000 } }
                })
              )
            )
          )
        )
        if (!went) slowed.push(k)
      }
      expect(slowed).toEqual([])
    })
  )
})
