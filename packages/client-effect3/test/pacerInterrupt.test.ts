// A paced request interrupted at any step gives its slot back: the next request on the path goes.
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

const NOW = 1_700_000_000_000
const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("pacing and interruption", () => {
  it.effect("a cancel interrupted at any step never holds the next cancel of the path", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const held: Array<string> = []
      // The first cancel yields every 16 steps, after `shift` steps of its own so that the yields fall
      // at every place; it is interrupted after k of them. (Effect 3 hangs an interrupt when fewer
      // than about 16 steps run between yields, so every step is reached through `shift` instead.)
      for (let shift = 0; shift < 16; shift++) {
        for (let k = 0; k < 12; k++) {
          const went = yield* Effect.gen(function* () {
            const first = yield* Effect.fork(
              Effect.andThen(
                Effect.forEach(Array.from({ length: shift }), () => Effect.void),
                Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
              ).pipe(Effect.withMaxOpsBeforeYield(16))
            )
            for (let i = 0; i < k; i++) yield* Effect.yieldNow()
            yield* Fiber.interrupt(first)
            const second = yield* Effect.fork(Effect.exit(Withdrawals.cancel({ id: "424242" })))
            for (let i = 0; i < 20; i++) yield* settle
            // Past any window the budget could wait for.
            yield* TestClock.adjust("10 minutes")
            for (let i = 0; i < 20; i++) yield* settle
            const done = yield* Fiber.poll(second)
            if (done._tag === "None") yield* Fiber.interrupt(second)
            return done._tag === "Some"
          }).pipe(
            Effect.provide(
              BybitClient.layer({ credentials, environment: "testnet", retry: false }).pipe(
                Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" }))
              )
            )
          )
          if (!went) held.push(`${shift}/${k}`)
        }
      }
      expect(held).toEqual([])
    })
  )
})
