import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_OTHER_API_KEY,
  MOCK_OTHER_API_SECRET,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID
} from "@effect-bybit/mock-exchange"
import { Config, ConfigProvider, Context, Effect, Layer, Redacted } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { alignTestClock, BASE_URL, freshExchange, useMsw } from "./support.js"

useMsw()

// The pattern of the README ("Several accounts"): one tag per account, each built with
// `BybitClient.make` (which needs a `Scope`: `Layer.scoped`), and `Effect.provideService(BybitClient.BybitClient, account)` to point the
// module functions (`Withdrawals.cancel`, ...) at one of them.
class Master extends Context.Tag("test/Master")<Master, BybitClient.Service>() {}
class SubAccount extends Context.Tag("test/SubAccount")<SubAccount, BybitClient.Service>() {}

const account = (apiKey: string, secret: string) =>
  BybitClient.make({
    credentials: BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(secret) }),
    baseUrl: BASE_URL
  })

const Accounts = Layer.mergeAll(
  Layer.scoped(Master, account(MOCK_API_KEY, MOCK_API_SECRET)),
  Layer.scoped(SubAccount, account(MOCK_OTHER_API_KEY, MOCK_OTHER_API_SECRET))
).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, alignTestClock)))

/** Runs `effect` on `client`: the module functions use whichever service is provided. */
const on =
  (client: BybitClient.Service) =>
  <A, E>(effect: Effect.Effect<A, E, BybitClient.BybitClient>) =>
    Effect.provideService(effect, BybitClient.BybitClient, client)

describe("several accounts", () => {
  it.effect("cancels on two accounts at once, each request signed with its own key", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const master = yield* Master
      const sub = yield* SubAccount
      const [a, b] = yield* Effect.all(
        [
          on(master)(Withdrawals.cancel({ id: "10197" })),
          on(sub)(Withdrawals.cancel({ id: SEED_OTHER_ACCOUNT_WITHDRAWAL_ID }))
        ],
        { concurrency: 2 }
      )
      expect([a.id, b.id]).toEqual(["10197", SEED_OTHER_ACCOUNT_WITHDRAWAL_ID])
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      expect(exchange.withdrawal(SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
      const cancels = exchange.requests().filter((r) => r.path === Withdrawals.cancelPath)
      expect(cancels.map((r) => [r.apiKey, JSON.parse(r.body).id]).sort()).toEqual([
        [MOCK_API_KEY, "10197"],
        [MOCK_OTHER_API_KEY, SEED_OTHER_ACCOUNT_WITHDRAWAL_ID]
      ])
    }).pipe(Effect.provide(Accounts))
  )

  it.effect("each account sees only its own withdrawals", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const master = yield* Master
      const sub = yield* SubAccount
      // The sub-account's withdrawal is unknown to the master's key, and the other way round.
      const fromMaster = yield* Effect.flip(on(master)(Withdrawals.cancel({ id: SEED_OTHER_ACCOUNT_WITHDRAWAL_ID })))
      expect(fromMaster._tag).toBe("WithdrawalNotFound")
      const fromSub = yield* Effect.flip(on(sub)(Withdrawals.cancel({ id: "10197" })))
      expect(fromSub._tag).toBe("WithdrawalNotFound")
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
      const subRows = (yield* on(sub)(Withdrawals.list({ withdrawType: 2 }))).rows.map((row) => row.withdrawId)
      expect(subRows).toEqual([SEED_OTHER_ACCOUNT_WITHDRAWAL_ID])
    }).pipe(Effect.provide(Accounts))
  )

  it.effect("keeps the rate-limit status and the clock of each account apart", () =>
    Effect.gen(function* () {
      freshExchange()
      const master = yield* Master
      const sub = yield* SubAccount
      yield* on(master)(Withdrawals.cancel({ id: "10197" }))
      yield* on(master)(Withdrawals.cancel({ id: "10198" }))
      yield* on(sub)(Withdrawals.cancel({ id: SEED_OTHER_ACCOUNT_WITHDRAWAL_ID }))
      // The exchange limits per UID: two cancels on the master, one on the sub-account.
      const masterLimit = yield* on(master)(BybitClient.rateLimitStatus())
      const subLimit = yield* on(sub)(BybitClient.rateLimitStatus())
      expect(masterLimit!.limit - masterLimit!.remaining).toBe(2)
      expect(subLimit!.limit - subLimit!.remaining).toBe(1)
      // Each service measured its own clock offset on its first signed request.
      expect((yield* on(master)(BybitClient.clockOffset))._tag).toBe("Some")
      expect((yield* on(sub)(BybitClient.clockOffset))._tag).toBe("Some")
    }).pipe(Effect.provide(Accounts))
  )

  it.effect("the README's example: the default tag and a sub-account's tag, each from its own variables", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      // --- README ---
      class SubAccount extends Context.Tag("app/SubAccount")<SubAccount, BybitClient.Service>() {}

      const SubAccountLive = Layer.scoped(
        SubAccount,
        Effect.gen(function* () {
          const apiKey = yield* Config.string("SUB_BYBIT_API_KEY")
          const apiSecret = yield* Config.redacted("SUB_BYBIT_API_SECRET")
          return yield* BybitClient.make({
            credentials: BybitConfig.hmac({ apiKey, apiSecret }),
            environment: "testnet"
          })
        })
      )

      const program = Effect.gen(function* () {
        const sub = yield* SubAccount
        // The default tag (BybitClient.layerConfig(): the master account) and the sub-account, at once.
        yield* Effect.all(
          [
            Withdrawals.cancel({ id: "10197" }),
            Withdrawals.cancel({ id: "20001" }).pipe(Effect.provideService(BybitClient.BybitClient, sub))
          ],
          { concurrency: 2 }
        )
      })

      const runnable = program.pipe(
        Effect.provide(Layer.mergeAll(BybitClient.layerConfig(), SubAccountLive)),
        Effect.provide(Layer.merge(FetchHttpClient.layer, alignTestClock))
      )
      // --- end ---
      yield* runnable.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["BYBIT_API_KEY", MOCK_API_KEY],
              ["BYBIT_API_SECRET", MOCK_API_SECRET],
              ["BYBIT_ENV", "testnet"],
              ["SUB_BYBIT_API_KEY", MOCK_OTHER_API_KEY],
              ["SUB_BYBIT_API_SECRET", MOCK_OTHER_API_SECRET]
            ])
          )
        )
      )
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      expect(exchange.withdrawal("20001")?.status).toBe("CancelByUser")
    })
  )

  it.effect("a layer per account also works through BybitClient.layer and Layer.project", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      // From a layer of the default tag to an account's own tag, without calling make yourself.
      const SubFromLayer = Layer.project(
        BybitClient.layer({
          credentials: BybitConfig.hmac({
            apiKey: MOCK_OTHER_API_KEY,
            apiSecret: Redacted.make(MOCK_OTHER_API_SECRET)
          }),
          baseUrl: BASE_URL
        }),
        BybitClient.BybitClient,
        SubAccount,
        (client) => client
      ).pipe(Layer.provide(Layer.merge(FetchHttpClient.layer, alignTestClock)))
      const sub = yield* Effect.provide(SubAccount, SubFromLayer)
      yield* on(sub)(Withdrawals.cancel({ id: SEED_OTHER_ACCOUNT_WITHDRAWAL_ID }))
      expect(exchange.withdrawal(SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    })
  )
})
