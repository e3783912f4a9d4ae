/**
 * The standalone mock exchange's command line: `pnpm mock [--port 4010] [--seed state.json] [--now ms] [--client-ip ip]`.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { makeMockExchange } from "./MockExchange.js"
import { loadSeedFile } from "./seedFile.js"
import { startMockServer } from "./server.js"

const USAGE = `Usage: pnpm mock [--port <n>] [--seed <file.json>] [--now <ms>] [--client-ip <ip>]

Serves the mock Bybit V5 exchange on http://127.0.0.1:<port> (loopback only).
  --port <n>         port to listen on (default 4010; 0 picks a free port)
  --seed <file>      JSON state: { "accounts": [...], "withdrawals": [...], "now": ms, "clientIp": "..." }
  --now <ms>         freeze the exchange clock at this time (default: follow the system clock)
  --client-ip <ip>   the client IP the exchange sees, for IP-bound keys (default 127.0.0.1)
Stops on SIGINT / SIGTERM. See mocks/README.md for the default state.`

const fail = (message: string): never => {
  process.stderr.write(`mock-exchange: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

const main = async (): Promise<void> => {
  let values: { port?: string; seed?: string; now?: string; "client-ip"?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({
      // pnpm forwards a literal "--" in some setups; ignore it.
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: {
        port: { type: "string", short: "p" },
        seed: { type: "string" },
        now: { type: "string" },
        "client-ip": { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    }))
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const port = values.port === undefined ? 4010 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`invalid --port ${values.port}`)
  if (values.now !== undefined && !/^\d{1,16}$/.test(values.now)) return fail(`invalid --now ${values.now}`)
  let seeded = {}
  if (values.seed !== undefined) {
    try {
      seeded = loadSeedFile(values.seed)
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error))
    }
  }
  const exchange = makeMockExchange({
    ...seeded,
    ...(values.now === undefined ? {} : { now: Number(values.now) }),
    ...(values["client-ip"] === undefined ? {} : { clientIp: values["client-ip"] })
  })
  const server = await startMockServer({ port, exchange }).catch((error: unknown) =>
    fail(`cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`)
  )
  process.stdout.write(`Mock Bybit exchange listening on ${server.url}\n`)
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
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
}

void main()
