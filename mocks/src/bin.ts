#!/usr/bin/env node
/**
 * The standalone mock exchange's command line: `npx @effect-bybit/mock-exchange [--port 4010] [--seed state.json]
 * [--now ms] [--client-ip ip] [--max-body-bytes n] [--journal-size n] [--max-connections n]
 * [--max-inflight-body-bytes n]` (`pnpm mock` in this repository).
 *
 * @since 0.1.0
 */
import { parseCommandLine, USAGE } from "./internal/cli.js"
import { makeExchange } from "./internal/exchange.js"
import { watchLaunchers } from "./internal/parentWatch.js"
import { loadSeedFile } from "./seedFile.js"
import { startMockServer } from "./server.js"

const fail = (message: string): never => {
  process.stderr.write(`mock-exchange: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

const main = async (): Promise<void> => {
  const command = parseCommandLine(process.argv.slice(2))
  if (command._tag === "Help") {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (command._tag === "Invalid") return fail(command.message)
  const { port } = command
  let seeded = {}
  if (command.seed !== undefined) {
    try {
      seeded = loadSeedFile(command.seed)
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error))
    }
  }
  let exchange: ReturnType<typeof makeExchange>
  try {
    exchange = makeExchange({ ...seeded, ...command.exchange })
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  const server = await startMockServer({ port, exchange, ...command.server }).catch((error: unknown) =>
    fail(`cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`)
  )
  process.stdout.write(`Mock Bybit exchange listening on ${server.url}\n`)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    server.close().then(
      () => {
        process.stderr.write(`mock-exchange: stopped (${signal})\n`)
        process.exit(0)
      },
      (error: unknown) => {
        process.stderr.write(`mock-exchange: error while stopping: ${String(error)}\n`)
        process.exit(1)
      }
    )
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  // npx / pnpm may die of a SIGTERM without passing it on: their exit stops the server too.
  watchLaunchers((pid) => stop(`launcher ${pid} exited`))
}

void main()
