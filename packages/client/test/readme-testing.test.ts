// The "Testing your code" snippet of packages/client/README.md, verbatim below these comment lines
// (checked by mocks/test/readme-blocks.test.ts): a user's @effect/vitest 4 test against
// MockExchange.layer. The packaging test (scripts/pack-test.mjs) runs the README's own copy in a
// fresh Effect 4 project with the tarballs.

import { describe, expect, it } from "@effect/vitest"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { MockExchange } from "@effect-bybit/client/testing"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { Effect, Fiber, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"

// The code under test: whatever yours does with the client.
const cancelWithdrawal = (id: string) => Withdrawals.cancel({ id })

// The client as in production, on the mock exchange's HttpClient. The exchange starts at `now`
// and its clock moves with Effect's (TestClock in it.effect).
const TestLayer = BybitClient.layer({
  credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) }),
  environment: "testnet"
}).pipe(Layer.provideMerge(MockExchange.layer({ now: Date.UTC(2025, 0, 1), clock: "effect" })))

describe("cancelWithdrawal", () => {
  it.effect("cancels a pending withdrawal", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const result = yield* cancelWithdrawal("10197")
      expect(result.status).toBe("cancelled")
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a lost answer: the cancel happened, the client confirms it", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "LoseResponse" }, { path: "/v5/asset/withdraw/cancel" })
      const fiber = yield* Effect.forkChild(cancelWithdrawal("10197"))
      yield* TestClock.adjust("30 seconds") // the retry's backoff, in no real time
      const result = yield* Fiber.join(fiber)
      expect(result.confirmedAfterRetry).toBe(true)
    }).pipe(Effect.provide(TestLayer))
  )
})
