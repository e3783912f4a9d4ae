// A paced request interrupted at any step gives its slot back: the next request on the path goes.
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Effect, Fiber, Layer, Redacted, Scheduler } from "effect"
import { TestClock } from "effect/testing"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const NOW = 1_700_000_000_000
const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("pacing and interruption", () => {
  it.effect("a cancel interrupted at any step never holds the next cancel of the path", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const held: Array<number> = []
      // The first cancel yields after every step (MaxOpsBeforeYield 1); interrupted after k of them.
      for (let k = 0; k < 60; k++) {
        const went = yield* Effect.gen(function* () {
          const first = yield* Effect.forkChild(
            Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }).pipe(Effect.provideService(Scheduler.MaxOpsBeforeYield, 1))
          )
          for (let i = 0; i < k; i++) yield* Effect.yieldNow
          yield* Fiber.interrupt(first)
          const second = yield* Effect.forkChild(Effect.exit(Withdrawals.cancel({ id: "424242" })))
          for (let i = 0; i < 20; i++) yield* settle
          // Past any window the budget could wait for.
          yield* TestClock.adjust("10 minutes")
          for (let i = 0; i < 20; i++) yield* settle
          const done = second.pollUnsafe()
          if (done === undefined) yield* Fiber.interrupt(second)
          return done !== undefined
        }).pipe(
          Effect.provide(
            BybitClient.layer({ credentials, environment: "testnet", retry: false }).pipe(
              Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" }))
            )
          )
        )
        if (!went) held.push(k)
      }
      expect(held).toEqual([])
    })
  )
})
