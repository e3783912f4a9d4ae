/**
 * The main job on the Effect 3 line: cancel withdrawal 10197 and say what happened. It runs against
 * the in-process mock exchange of `@effect-bybit/client-effect3/testing` (no keys, no network), on
 * the machine's own Node (20 or later):
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/client-effect3 example [id]
 *
 * With real keys, provide `BybitClient.layerConfig()` and `FetchHttpClient.layer` (from
 * `@effect/platform`) instead of `MockExchange.layer` (the README's usage).
 */
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client-effect3"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { Cause, Console, Effect, Layer, Option, Redacted } from "effect"

/** The client as in production, on the mock exchange's `HttpClient` (and the exchange itself). */
const MockClient = BybitClient.layer({
  credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) }),
  environment: "testnet"
}).pipe(Layer.provideMerge(MockExchange.layer()))

/** Cancels `id`, then reads what the exchange records; every error is a sentence. */
export const main = (id: string) =>
  Effect.gen(function* () {
    yield* Console.log(`Cancelling withdrawal ${id} on the in-process mock exchange (Effect 3 line)...`)
    const result = yield* Withdrawals.cancel({ id })
    const exchange = yield* MockExchange
    yield* Console.log(`✔ Withdrawal ${result.id} is cancelled: Bybit confirmed it, the funds stay on the account.`)
    yield* Console.log(`  The exchange now records it as ${exchange.withdrawal(result.id)?.status ?? "unknown"}.`)
  }).pipe(
    Effect.catchTags({
      WithdrawalNotFound: (e) => Effect.fail(`There is no withdrawal ${e.id} on this account.`),
      WithdrawalNotCancellable: (e) =>
        Effect.fail(`Withdrawal ${e.id} can no longer be cancelled${e.status ? ` (its status is ${e.status})` : ""}.`),
      InvalidRequest: (e) => Effect.fail(`The request is invalid: ${e.message}. Nothing was sent to Bybit.`)
    }),
    Effect.catchAll((e) => Effect.fail(typeof e === "string" ? e : `${e._tag}: ${e.message}`)),
    Effect.provide(MockClient)
  )

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  Effect.runPromiseExit(main(process.argv[2] ?? "10197")).then((exit) => {
    if (exit._tag === "Success") return
    console.error(`✘ ${Option.getOrElse(Cause.failureOption(exit.cause), () => Cause.pretty(exit.cause))}`)
    process.exitCode = 1
  })
}
