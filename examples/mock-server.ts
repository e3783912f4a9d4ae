/**
 * Serves the mock Bybit exchange on 127.0.0.1 and prints how to point curl, Python, another SDK or
 * this client at it. Stops cleanly on Ctrl+C (SIGINT) or SIGTERM.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples mock-server [--port 4010] [--once]
 *
 * The port also comes from MOCK_PORT (default 4010). `--once` is for CI: it starts the server (on a
 * free port unless one is given), cancels 10197 through it with this client, and exits.
 */
import { parseArgs } from "node:util"
import { BybitClient, Withdrawals } from "@effect-bybit/client"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockServer, startMockServer } from "@effect-bybit/mock-exchange"
import { Config, ConfigProvider, Console, Effect, Layer, Option, type Scope } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { recipe } from "./src/recipe.js"
import { isEntryPoint, runMain } from "./src/run.js"

const USAGE = "usage: mock-server [--port <n>] [--once]   (the port may also come from MOCK_PORT; default 4010)"

interface Options {
  readonly port: number
  readonly once: boolean
  readonly help: boolean
}

/** The command line (`args`), with the port from MOCK_PORT when `--port` is not given. */
const options = (args: ReadonlyArray<string>): Effect.Effect<Options, string> =>
  Effect.gen(function* () {
    const { values } = yield* Effect.try({
      try: () =>
        parseArgs({
          args: args.filter((arg) => arg !== "--"),
          options: {
            port: { type: "string", short: "p" },
            once: { type: "boolean" },
            help: { type: "boolean", short: "h" }
          }
        }),
      catch: (e) => `${e instanceof Error ? e.message : String(e)}\n${USAGE}`
    })
    if (values.help === true) return { port: 0, once: false, help: true }
    const once = values.once === true
    const fromEnv = yield* Config.option(Config.String("MOCK_PORT")).pipe(Effect.orElseSucceed(() => Option.none()))
    const raw = values.port ?? Option.getOrUndefined(fromEnv) ?? (once ? "0" : "4010")
    const port = Number(raw)
    if (!/^\d{1,5}$/.test(raw) || port > 65535) return yield* Effect.fail(`invalid port "${raw}"\n${USAGE}`)
    return { port, once, help: false }
  })

/** The server, closed (with its open connections) when the program ends or is interrupted. */
const serve = (port: number): Effect.Effect<MockServer, string, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => startMockServer({ port }),
      catch: (error) =>
        String(error).includes("EADDRINUSE")
          ? `Port ${port} is already in use (is \`pnpm mock\` running?). Pass --port 0 to pick a free port.`
          : `The mock server could not start: ${String(error)}`
    }),
    (server) => Effect.promise(() => server.close()).pipe(Effect.andThen(Console.log("Mock exchange stopped. Bye.")))
  )

/**
 * The check `--once` runs: this client, configured exactly as the recipe says (BYBIT_BASE_URL and
 * the mock's key and secret, here through a ConfigProvider rather than the real environment).
 */
const selfCheck = (server: MockServer) =>
  Effect.gen(function* () {
    yield* Console.log(`Self-check: cancelling 10197 through ${server.url} with BybitClient.layerConfig()...`)
    const result = yield* Withdrawals.cancel({ id: "10197" })
    const recorded = server.exchange.withdrawal("10197")?.status
    if (recorded !== "CancelByUser") return yield* Effect.fail(`the server records 10197 as ${recorded}`)
    yield* Console.log(`✔ Withdrawal ${result.id} is cancelled; the server now records it as ${recorded}.`)
  }).pipe(
    Effect.provide(BybitClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
    Effect.provideService(
      ConfigProvider.ConfigProvider,
      ConfigProvider.fromUnknown({
        BYBIT_BASE_URL: server.url,
        BYBIT_API_KEY: MOCK_API_KEY,
        BYBIT_API_SECRET: MOCK_API_SECRET
      })
    ),
    Effect.catch((e) => Effect.fail(`Self-check failed: ${typeof e === "string" ? e : String(e)}`))
  )

/** The example as its script runs it, with the command-line arguments `args`. */
export const main = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { port, once, help } = yield* options(args)
    if (help) return yield* Console.log(USAGE)
    const server = yield* serve(port)
    yield* Console.log(`Mock Bybit exchange listening on ${server.url} (loopback only; default seed; no real money).\n`)
    yield* Console.log(recipe(server.url))
    if (once) {
      yield* Console.log("")
      return yield* selfCheck(server)
    }
    yield* Console.log("\nPress Ctrl+C to stop.")
    return yield* Effect.never
  }).pipe(Effect.scoped)

/** Ctrl+C is how a server is meant to stop: exit 0. */
export const runOptions = { interruptedExitCode: 0 }

if (isEntryPoint(import.meta)) runMain(main(process.argv.slice(2)), runOptions)
