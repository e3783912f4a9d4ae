/**
 * Traces of a cancel, exported with OpenTelemetry: `@effect/opentelemetry`'s `NodeSdk` with the
 * SDK's `ConsoleSpanExporter`, which prints every finished span.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples tracing
 *
 * The cancel's first answer is lost (the mock's `LoseResponse` fault), so the trace shows the whole
 * story: `Withdrawals.cancel` (with `bybit.withdrawal.id`) > `effect/http`'s `POST` span per
 * attempt (method, URL, status: no header, so no key or signature); then `Withdrawals.settleCancel`, the lookup that confirms the cancel (`confirmedAfterRetry`).
 * Always runs against the in-process mock exchange.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { Withdrawals } from "@effect-bybit/client"
import { makeMockExchange, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect } from "effect"
import { isEntryPoint, runMain } from "./src/run.js"
import { mockClientLayer, mswServer, serve } from "./src/target.js"

/** OpenTelemetry for this program: every span, as it ends, printed by the console exporter. */
const Tracing = NodeSdk.layer(() => ({
  resource: { serviceName: "effect-bybit-example" },
  spanProcessor: new SimpleSpanProcessor(new ConsoleSpanExporter())
}))

/** The example's program (the tests run it in process). */
export const main = Effect.gen(function* () {
  const server = yield* mswServer
  const exchange = makeMockExchange()
  yield* serve(server, exchange)
  yield* Console.log("Target: the built-in mock Bybit exchange, inside this process (no network, no keys).")
  // The cancel happens, but its answer never reaches the client.
  exchange.faults.inject({ _tag: "LoseResponse" }, { path: Withdrawals.cancelPath, times: 1 })
  yield* Console.log(`Cancelling ${SEED_WITHDRAWAL_ID}; the exchange will lose the first answer...\n`)
  const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }).pipe(
    Effect.provide(mockClientLayer()),
    Effect.catch((error) => Effect.fail(error.message))
  )
  yield* Console.log(
    `\n✔ Withdrawal ${result.id} is cancelled (confirmedAfterRetry: ${result.confirmedAfterRetry}). The spans above show each attempt.`
  )
}).pipe(Effect.scoped, Effect.provide(Tracing))

if (isEntryPoint(import.meta)) runMain(main)
