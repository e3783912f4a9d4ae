#!/usr/bin/env node
/**
 * The standalone mock exchange's command line: `npx @effect-bybit/mock-exchange [--port 4010] [--seed state.json]
 * [--now ms] [--client-ip ip] [--max-body-bytes n] [--journal-size n] [--max-connections n]
 * [--max-inflight-body-bytes n]` (`pnpm mock` in this repository).
 *
 * @since 0.1.0
 */
import { isIP } from "node:net"
import { parseArgs } from "node:util"
import { makeExchange } from "./internal/exchange.js"
import { loadSeedFile } from "./seedFile.js"
import { startMockServer } from "./server.js"

const USAGE = `Usage: npx @effect-bybit/mock-exchange [--port <n>] [--seed <file.json>] [--now <ms>] [--client-ip <ip>]
         [--max-body-bytes <n>] [--journal-size <n>] [--max-connections <n>] [--max-inflight-body-bytes <n>]
(in the effect-bybit repository: pnpm mock, with the same flags)

Serves the mock Bybit V5 exchange on http://127.0.0.1:<port> (loopback only), with an admin API
under /__admin/ (faults, requests, clock, reset, withdrawals, health).
  --port <n>             port to listen on (default 4010; 0 picks a free port)
  --seed <file>          JSON state: { "accounts": [...], "withdrawals": [...], "now": ms, "clientIp": "..." }
  --now <ms>             freeze the exchange clock at this time (default: follow the system clock)
  --client-ip <ip>       the client IP the exchange sees, for IP-bound keys (default 127.0.0.1)
  --max-body-bytes <n>   larger request bodies get HTTP 413 and are not kept (default 1048576,
                         at least 1024; admin bodies have their own 64 KiB cap)
  --journal-size <n>     how many requests the journal keeps (default 1000)
  --max-connections <n>  connections open at once; more are closed as they arrive (default 256)
  --max-inflight-body-bytes <n>
                         request-body bytes held at once, all requests together; a request over it
                         gets HTTP 503 (retCode 10016) (default 67108864)
  -h, --help             print this text
Stops on SIGINT / SIGTERM. Docs: https://github.com/effect-bybit/effect-bybit/tree/main/mocks#readme`

/** The smallest `--max-body-bytes`: below it no real request body fits. */
const MIN_BODY_BYTES = 1024

const fail = (message: string): never => {
  process.stderr.write(`mock-exchange: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

const main = async (): Promise<void> => {
  let values: {
    port?: string
    seed?: string
    now?: string
    "client-ip"?: string
    "max-body-bytes"?: string
    "journal-size"?: string
    "max-connections"?: string
    "max-inflight-body-bytes"?: string
    help?: boolean
  }
  try {
    ;({ values } = parseArgs({
      // pnpm forwards a literal "--" in some setups; ignore it.
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: {
        port: { type: "string", short: "p" },
        seed: { type: "string" },
        now: { type: "string" },
        "client-ip": { type: "string" },
        "max-body-bytes": { type: "string" },
        "journal-size": { type: "string" },
        "max-connections": { type: "string" },
        "max-inflight-body-bytes": { type: "string" },
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
  const bounds: { maxBodyBytes?: number; journalSize?: number } = {}
  const serverBounds: { maxConnections?: number; maxInflightBodyBytes?: number } = {}
  for (const [flag, key, into] of [
    ["max-body-bytes", "maxBodyBytes", bounds],
    ["journal-size", "journalSize", bounds],
    ["max-connections", "maxConnections", serverBounds],
    ["max-inflight-body-bytes", "maxInflightBodyBytes", serverBounds]
  ] as const) {
    const raw = values[flag]
    if (raw === undefined) continue
    if (!/^\d{1,15}$/.test(raw)) return fail(`invalid --${flag} ${raw}: expected a non-negative integer`)
    ;(into as Record<string, number>)[key] = Number(raw)
  }
  if (bounds.maxBodyBytes !== undefined && bounds.maxBodyBytes < MIN_BODY_BYTES) {
    return fail(
      `invalid --max-body-bytes ${bounds.maxBodyBytes}: at least ${MIN_BODY_BYTES} (a create body is ~200 bytes)`
    )
  }
  const clientIp = values["client-ip"]
  if (clientIp !== undefined && isIP(clientIp) === 0) {
    return fail(`invalid --client-ip ${JSON.stringify(clientIp)}: expected an IPv4 or IPv6 address`)
  }
  let seeded = {}
  if (values.seed !== undefined) {
    try {
      seeded = loadSeedFile(values.seed)
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error))
    }
  }
  let exchange: ReturnType<typeof makeExchange>
  try {
    exchange = makeExchange({
      ...seeded,
      ...bounds,
      ...(values.now === undefined ? {} : { now: Number(values.now) }),
      ...(values["client-ip"] === undefined ? {} : { clientIp: values["client-ip"] })
    })
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  const server = await startMockServer({ port, exchange, ...serverBounds }).catch((error: unknown) =>
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
