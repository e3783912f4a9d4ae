// The "Testing your code" snippet of mocks/README.md, verbatim below these comment lines (checked
// by readme-blocks.test.ts): a user's @effect/vitest test against MockExchange.layer. The packaging
// test (scripts/pack-test.mjs) runs the README's own copy in a fresh project with the tarballs.

import { describe, expect, it } from "@effect/vitest"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client-effect3"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"

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
      const fiber = yield* Effect.fork(cancelWithdrawal("10197"))
      yield* TestClock.adjust("30 seconds") // the retry's backoff, in no real time
      const result = yield* Fiber.join(fiber)
      expect(result.confirmedAfterRetry).toBe(true)
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a 503 outage outlasting the retries is ExchangeUnavailable, on the TestClock", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: "/v5/asset/withdraw/cancel", times: 10 })
      const fiber = yield* Effect.fork(Effect.flip(cancelWithdrawal("10197")))
      yield* TestClock.adjust("1 minute") // every backoff sleep
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("ExchangeUnavailable")
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("a slow answer is a Timeout once the TestClock passes the client's timeout", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      exchange.faults.inject({ _tag: "Latency", ms: 20_000 }, { path: "/v5/asset/withdraw/cancel", times: 10 })
      const fiber = yield* Effect.fork(Effect.flip(cancelWithdrawal("10197")))
      yield* TestClock.adjust("2 minutes") // each attempt's 10 s timeout and backoff, in no real time
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
    }).pipe(Effect.provide(TestLayer))
  )

  it.effect("the exchange's clock moves with TestClock", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const before = exchange.clock.now()
      yield* TestClock.adjust("1 hour")
      expect(exchange.clock.now() - before).toBe(3_600_000)
    }).pipe(Effect.provide(TestLayer))
  )
})
