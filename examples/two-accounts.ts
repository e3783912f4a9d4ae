/**
 * Two Bybit accounts in one program: a master account and a sub-account, each with its own API key,
 * cancel one withdrawal each at the same time.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples two-accounts
 *
 * The pattern: one `Context.Service` per account whose service is a `BybitClient.Service`, built by
 * `BybitClient.make` in a layer; `Effect.provideService(BybitClient.BybitClient, account)` runs
 * `Withdrawals.cancel` (or any module function) on that account. Always runs against the in-process
 * mock exchange, whose seed has two accounts: UID 1000001 (withdrawal 10197) and UID 1000002
 * (withdrawal 20001).
 */
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_OTHER_API_KEY,
  MOCK_OTHER_API_SECRET,
  makeMockExchange,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_ID
} from "@effect-bybit/mock-exchange"
import { Console, Context, Effect, Layer, Redacted } from "effect"
import { isEntryPoint, runMain } from "./src/run.js"
import { MOCK_BASE_URL, mswFetchLayer, mswServer, serve } from "./src/target.js"

/** The master account's client. */
class Master extends Context.Service<Master, BybitClient.Service>()("examples/Master") {}
/** The sub-account's client. */
class SubAccount extends Context.Service<SubAccount, BybitClient.Service>()("examples/SubAccount") {}

/**
 * An account's client. With real keys, read each account's key from its own variables instead
 * (`Config.String("SUB_BYBIT_API_KEY")`, `Config.Redacted("SUB_BYBIT_API_SECRET")`: see the client's
 * README, "Several accounts").
 */
const account = (apiKey: string, apiSecret: string) =>
  BybitClient.make({
    credentials: BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(apiSecret) }),
    baseUrl: MOCK_BASE_URL
  })

const Accounts = Layer.mergeAll(
  Layer.effect(Master, account(MOCK_API_KEY, MOCK_API_SECRET)),
  Layer.effect(SubAccount, account(MOCK_OTHER_API_KEY, MOCK_OTHER_API_SECRET))
).pipe(Layer.provide(mswFetchLayer))

/** Runs a module function (`Withdrawals.cancel`, ...) on the given account. */
const on =
  (client: BybitClient.Service) =>
  <A, E>(effect: Effect.Effect<A, E, BybitClient.BybitClient>) =>
    Effect.provideService(effect, BybitClient.BybitClient, client)

const cancelOn = (name: string, client: BybitClient.Service, id: string) =>
  on(client)(Withdrawals.cancel({ id })).pipe(
    Effect.flatMap((result) =>
      Effect.andThen(
        Console.log(`  ${name.padEnd(12)} withdrawal ${result.id} cancelled`),
        // Each account's own withdrawal records, read with its own key.
        on(client)(Withdrawals.list({ withdrawID: result.id, withdrawType: 2 }))
      )
    ),
    Effect.map((page) => page.rows[0]?.status),
    Effect.catch((error) => Effect.fail(`${name}: ${error.message}`))
  )

/** The example's program (the tests run it in process). */
export const main = Effect.gen(function* () {
  const server = yield* mswServer
  const exchange = makeMockExchange()
  yield* serve(server, exchange)
  yield* Console.log("Target: the built-in mock Bybit exchange, inside this process (no network, no keys).\n")
  const master = yield* Master
  const sub = yield* SubAccount
  yield* Console.log(
    `Cancelling ${SEED_WITHDRAWAL_ID} on the master account and ${SEED_OTHER_ACCOUNT_WITHDRAWAL_ID} on the sub-account, at once...`
  )
  const [masterStatus, subStatus] = yield* Effect.all(
    [cancelOn("master", master, SEED_WITHDRAWAL_ID), cancelOn("sub-account", sub, SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)],
    { concurrency: 2 }
  )
  yield* Console.log(`\nWithdrawal records, each read with its account's key:`)
  yield* Console.log(`  master       ${SEED_WITHDRAWAL_ID} ${masterStatus ?? "not listed"}`)
  yield* Console.log(`  sub-account  ${SEED_OTHER_ACCOUNT_WITHDRAWAL_ID} ${subStatus ?? "not listed"}`)
  yield* Console.log("What the exchange saw:")
  for (const request of exchange.requests().filter((r) => r.path === Withdrawals.cancelPath)) {
    yield* Console.log(`  the exchange got a cancel of ${JSON.parse(request.body).id} signed by ${request.apiKey}`)
  }
  if (masterStatus !== "CancelByUser" || subStatus !== "CancelByUser") {
    return yield* Effect.fail("the withdrawal records do not show both cancels")
  }
  yield* Console.log("✔ Both withdrawals are cancelled, each by its own account.")
}).pipe(Effect.provide(Accounts), Effect.scoped)

if (isEntryPoint(import.meta)) runMain(main)
