// The per-request timeout under `it.effect` with `MockExchange.layer({ clock: "effect" })`: a
// `Latency` fault sleeps on the TestClock, and the client's deadline follows the same clock.
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange"
import { Clock, Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

const NOW = 1_700_000_000_000
const CANCEL = "/v5/asset/withdraw/cancel"

const layerWith = (options: Partial<BybitConfig.Options>) =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) }),
    environment: "testnet",
    retry: false,
    ...options
  }).pipe(Layer.provideMerge(MockExchange.layer({ now: NOW, clock: "effect" })))

const testLayer = layerWith({ timeout: "60 seconds" })

/** Joins `fiber`, failing when that takes a real second (a deadline on a real timer would take 60 s). */
const joinUnderTestClock = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Fiber.join(fiber).pipe(
    Effect.timeoutFail({ duration: 1000, onTimeout: () => "still waiting on a real timer" as const }),
    Effect.withClock(Clock.make())
  )

describe("the request timeout under a TestClock", () => {
  for (const ms of [60_001, 120_000, 600_000]) {
    it.effect(`a Latency of ${ms} ms (over the 60 s timeout) is a Timeout once the TestClock passes 60 s`, () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        exchange.faults.inject({ _tag: "Latency", ms }, { path: CANCEL })
        const fiber = yield* Effect.fork(Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
        yield* TestClock.adjust(59_999)
        expect(fiber.unsafePoll()).toBeNull()
        yield* TestClock.adjust(1)
        const error = yield* joinUnderTestClock(fiber)
        expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", path: CANCEL })
        // The slow answer was abandoned: the withdrawal was not cancelled.
        yield* TestClock.adjust(ms)
        expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
      }).pipe(Effect.provide(testLayer))
    )
  }

  for (const ms of [0, 1_000, 4_999]) {
    it.effect(`a Latency of ${ms} ms (under the timeout and the 5 s recvWindow) answers`, () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        exchange.faults.inject({ _tag: "Latency", ms }, { path: CANCEL })
        const fiber = yield* Effect.fork(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
        yield* TestClock.adjust(ms)
        const result = yield* joinUnderTestClock(fiber)
        expect(result.status).toBe("cancelled")
        expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
      }).pipe(Effect.provide(testLayer))
    )
  }

  it.effect("with the default 10 s timeout, a Latency of 20 s is a Timeout (not the 10002 of a late answer)", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "Latency", ms: 20_000 }, { path: CANCEL })
      const fiber = yield* Effect.fork(Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
      yield* TestClock.adjust(20_000)
      expect(yield* joinUnderTestClock(fiber)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
    }).pipe(Effect.provide(layerWith({})))
  )
})
