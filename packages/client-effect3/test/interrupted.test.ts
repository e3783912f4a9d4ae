// A cancel interrupted at any step leaves nothing held: its pacing slot is handed back (the next
// cancel of the path goes) and its id is no longer in flight (the next cancel of the id goes).
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

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
            // Another id (the path's pacing) and the same id (its single flight).
            const second = yield* Effect.fork(Effect.exit(Withdrawals.cancel({ id: "424242" })))
            const third = yield* Effect.fork(Effect.exit(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
            for (let i = 0; i < 20; i++) yield* settle
            // Past any window the budget could wait for.
            yield* TestClock.adjust("10 minutes")
            for (let i = 0; i < 20; i++) yield* settle
            const done = [yield* Fiber.poll(second), yield* Fiber.poll(third)].map((exit) => exit._tag === "Some")
            yield* Fiber.interruptAll([second, third])
            return done
          }).pipe(
            Effect.provide(
              BybitClient.layer({ credentials, environment: "testnet", retry: false }).pipe(
                Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" }))
              )
            )
          )
          if (!went[0]) held.push(`${shift}/${k}: another id`)
          if (!went[1]) held.push(`${shift}/${k}: the same id`)
        }
      }
      expect(held).toEqual([])
    })
  )

  it.effect("a queued cancel interrupted at any step leaves the pace of the path as it was", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const slowed: Array<string> = []
      // As above: yields every 16 steps, shifted so that they fall at every place.
      for (let shift = 0; shift < 16; shift++) {
        for (let k = 0; k < 16; k++) {
          const went = yield* Effect.gen(function* () {
            // The second cancel queues behind the window's first; it is interrupted after k yields.
            const first = yield* Effect.fork(Effect.exit(Withdrawals.cancel({ id: "5001" })))
            const queued = yield* Effect.fork(
              Effect.andThen(
                Effect.forEach(Array.from({ length: shift }), () => Effect.void),
                Withdrawals.cancel({ id: "5002" })
              ).pipe(Effect.withMaxOpsBeforeYield(16))
            )
            for (let i = 0; i < k; i++) yield* Effect.yieldNow()
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
            const next = yield* Effect.fork(Effect.exit(Withdrawals.cancel({ id: "5005" })))
            yield* settleAll
            const done = yield* Fiber.poll(next)
            yield* Fiber.interrupt(next)
            return done._tag === "Some"
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
          if (!went) slowed.push(`${shift}/${k}`)
        }
      }
      expect(slowed).toEqual([])
    })
  )
})
