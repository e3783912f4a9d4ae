// The README's example, verbatim except for the handlers' bodies, run against the mock exchange.
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { BybitClient, Withdrawals } from "@effect-bybit/client"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { ConfigProvider, Console, Effect, TestClock } from "effect"
import { freshExchange, NOW, useMsw } from "./support.js"

useMsw()

describe("README", () => {
  it.effect("the usage example typechecks and runs", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* TestClock.setTime(NOW) // the mock exchange's clock
      // --- README ---
      const program = Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.tap((result) => Console.log(`cancelled ${result.id}`)),
        Effect.catchTags({
          WithdrawalNotCancellable: (e) => Console.log(`too late: ${e.status ?? e.retMsg}`),
          RateLimitExceeded: (e) => Console.log(`rate limited until ${e.resetAt}`)
        })
      )
      const runnable = program.pipe(Effect.provide(BybitClient.layerConfig()), Effect.provide(FetchHttpClient.layer))
      // --- end ---
      yield* runnable.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["BYBIT_API_KEY", MOCK_API_KEY],
              ["BYBIT_API_SECRET", MOCK_API_SECRET],
              ["BYBIT_BASE_URL", "https://mock.bybit.test"]
            ])
          )
        )
      )
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })
  )
})
