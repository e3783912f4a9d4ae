/**
 * Where the examples send their requests, in one place so each example stays about its own job.
 *
 * - By default: a mock Bybit exchange served in-process by MSW. Nothing leaves the process (MSW
 *   fails any request its handlers do not know), no keys are needed, and the mock verifies the
 *   real signatures.
 * - With `BYBIT_API_KEY` (+ `BYBIT_API_SECRET` or `BYBIT_RSA_PRIVATE_KEY`) and `BYBIT_ENV` (or
 *   `BYBIT_BASE_URL`) set: that exchange, through `BybitClient.layerConfig()`. A key alone is not
 *   enough, so that a key exported for something else never sends a cancel to mainnet by surprise.
 */

import { BybitClient, BybitConfig } from "@effect-bybit/client"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockExchange, makeMockExchange } from "@effect-bybit/mock-exchange"
import { Config, Console, Context, Effect, Layer, Redacted, type Scope } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import { type SetupServer, setupServer } from "msw/node"

type ConfigError = Config.ConfigError

/**
 * The host the in-process mock answers for. `.invalid` never resolves (RFC 2606): if MSW were not
 * listening, a request would fail instead of reaching a real exchange.
 */
export const MOCK_BASE_URL = "https://mock-exchange.invalid"

/** Which exchange the environment asks for. */
export type Target = { readonly _tag: "Mock"; readonly note?: string } | { readonly _tag: "Live" }

/**
 * Reads the choice from the environment, through Effect's `ConfigProvider` (the process's
 * environment by default; the tests give one of their own).
 */
export const chooseTarget: Effect.Effect<Target, ConfigError> = Effect.gen(function* () {
  const set = (name: string) =>
    Config.String(name).pipe(
      Config.map((value) => value.trim() !== ""),
      Config.withDefault(false)
    )
  if (!(yield* set("BYBIT_API_KEY"))) {
    // An exchange named without a key: say so, or a user who set BYBIT_ENV=testnet would read a
    // success on the mock as one on testnet.
    const named = (yield* set("BYBIT_ENV"))
      ? "BYBIT_ENV"
      : (yield* set("BYBIT_BASE_URL"))
        ? "BYBIT_BASE_URL"
        : undefined
    return named === undefined
      ? ({ _tag: "Mock" } as const)
      : ({
          _tag: "Mock",
          note: `${named} is set but BYBIT_API_KEY is not, so this run stays on the mock exchange. Set BYBIT_API_KEY and BYBIT_API_SECRET to use ${named}'s exchange.`
        } as const)
  }
  if ((yield* set("BYBIT_ENV")) || (yield* set("BYBIT_BASE_URL"))) return { _tag: "Live" } as const
  return {
    _tag: "Mock",
    note: "BYBIT_API_KEY is set but BYBIT_ENV is not, so this run stays on the mock exchange. Set BYBIT_ENV=testnet (recommended) to use the real one."
  } as const
})

/** Starts MSW in this process (unknown requests fail, nothing escapes) and stops it with the scope. */
export const mswServer: Effect.Effect<SetupServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => {
    const server = setupServer()
    server.listen({ onUnhandledRequest: "error" })
    return server
  }),
  (server) => Effect.sync(() => server.close())
)

/** Makes `server` answer with `exchange`'s handlers (replacing any earlier exchange's). */
export const serve = (server: SetupServer, exchange: MockExchange): Effect.Effect<void> =>
  Effect.sync(() => server.resetHandlers(...exchange.handlers))

/**
 * `fetch` for the in-process mock: Effect 4's `FetchHttpClient` takes `globalThis.fetch` once per
 * process (the first time any of its clients runs), and MSW replaces `globalThis.fetch` when it
 * starts listening; this one looks it up at each request, so it reaches whichever MSW listens now
 * (the tests run several examples, each with its own MSW server, in one process).
 */
export const mswFetchLayer: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.Fetch, (input, init) => globalThis.fetch(input, init)))
)

/**
 * The client against the in-process mock, signing with the mock's default key. `options` override
 * the client's options (a wrong secret, a retry schedule, ...).
 */
export const mockClientLayer = (
  options: Partial<BybitConfig.Options> = {}
): Layer.Layer<BybitClient.BybitClient, ConfigError> =>
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) }),
    baseUrl: MOCK_BASE_URL,
    ...options
  }).pipe(Layer.provide(mswFetchLayer))

const live: Layer.Layer<BybitClient.BybitClient, ConfigError> = BybitClient.layerConfig().pipe(
  Layer.provide(FetchHttpClient.layer),
  Layer.tap((context) => {
    const client = Context.get(context, BybitClient.BybitClient)
    const where = client.environment === "custom" ? "a custom base URL" : `Bybit ${client.environment}`
    const warning =
      client.environment === "mainnet"
        ? "\n        This is MAINNET: real withdrawals are cancelled. Prefer BYBIT_ENV=testnet to try things."
        : ""
    return Console.log(`Target: ${where} (${client.baseUrl}), with the key from BYBIT_API_KEY.${warning}\n`)
  })
)

/**
 * The client every example runs with: the in-process mock (fresh default state) or the exchange
 * named by the environment. Prints which one, so the output never leaves it in doubt.
 */
export const clientLayer: Layer.Layer<BybitClient.BybitClient, ConfigError> = Layer.unwrap(
  Effect.gen(function* () {
    const target = yield* chooseTarget
    if (target._tag === "Live") return live
    const server = yield* mswServer
    const exchange = makeMockExchange()
    yield* serve(server, exchange)
    if (target.note !== undefined) yield* Console.log(`Note: ${target.note}`)
    yield* Console.log(
      "Target: the built-in mock Bybit exchange, inside this process (no network, no keys, no real money).\n" +
        "        To use Bybit's testnet instead, set BYBIT_API_KEY, BYBIT_API_SECRET and BYBIT_ENV=testnet.\n"
    )
    return mockClientLayer()
  })
)
