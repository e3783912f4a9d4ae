/**
 * Traces and request logs of a cancel, exported with OpenTelemetry: `@effect/opentelemetry`'s
 * `NodeSdk` with the SDK's `ConsoleSpanExporter`, which prints every finished span.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples tracing
 *
 * The cancel's first answer is lost (the mock's `LoseResponse` fault), so the trace shows the whole
 * story: `Withdrawals.cancel` > one `BybitClient.request` span per attempt (method, path, HTTP
 * status, retCode, rate limit, attempt number) > `@effect/platform`'s `http.client POST` span,
 * whose `X-BAPI-API-KEY` and `X-BAPI-SIGN` header attributes read `<redacted>`; then the lookup that
 * confirms the cancel (`confirmedAfterRetry`). With the minimum log level at Debug, the client also
 * logs one line per attempt (method, path, HTTP status, retCode, duration; never a header).
 * Always runs against the in-process mock exchange.
 */
import { NodeSdk } from "@effect/opentelemetry"
import { Withdrawals } from "@effect-bybit/client"
import { makeMockExchange, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect, Layer, Logger, LogLevel } from "effect"
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
    Effect.catchAll((error) => Effect.fail(error.message))
  )
  yield* Console.log(
    `\n✔ Withdrawal ${result.id} is cancelled (confirmedAfterRetry: ${result.confirmedAfterRetry}). The spans above show each attempt.`
  )
}).pipe(
  Effect.scoped,
  // Debug lets the client's request log lines through (Effect's default minimum level is Info).
  Logger.withMinimumLogLevel(LogLevel.Debug),
  Effect.provide(Layer.mergeAll(Tracing, Logger.pretty))
)

if (isEntryPoint(import.meta)) runMain(main)
