/**
 * The standalone server's command line, read into what to do: print the usage, refuse (exit 2), or
 * serve with these options. No side effects, so every rule is tested in process.
 */
import { isIP } from "node:net"
import { parseArgs } from "node:util"

export const USAGE = `Usage: npx @effect-bybit/mock-exchange [--port <n>] [--seed <file.json>] [--now <ms>] [--client-ip <ip>]
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
  --max-connections <n>  connections served at once; a request on one over it gets HTTP 503
                         (retCode 10016) and its connection closed (default 10000)
  --max-inflight-body-bytes <n>
                         request-body bytes held at once, all requests together; a request over it
                         gets HTTP 503 (retCode 10016) (default 67108864)
  -h, --help             print this text
Stops on SIGINT / SIGTERM, or when the npx / pnpm that started it exits. Docs: https://github.com/effect-bybit/effect-bybit/tree/main/mocks#readme`

/** The smallest `--max-body-bytes`: below it no real request body fits. */
const MIN_BODY_BYTES = 1024

/** What the command line asks for. */
export type Command =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Invalid"; readonly message: string }
  | {
      readonly _tag: "Serve"
      readonly port: number
      readonly seed: string | undefined
      readonly exchange: {
        maxBodyBytes?: number
        journalSize?: number
        now?: number
        clientIp?: string
      }
      readonly server: { maxConnections?: number; maxInflightBodyBytes?: number }
    }

const invalid = (message: string): Command => ({ _tag: "Invalid", message })

/** Reads the arguments (without `node` and the script), checking every flag. */
export const parseCommandLine = (args: ReadonlyArray<string>): Command => {
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
      args: args.filter((arg) => arg !== "--"),
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
    return invalid(error instanceof Error ? error.message : String(error))
  }
  if (values.help === true) return { _tag: "Help" }
  const port = values.port === undefined ? 4010 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return invalid(`invalid --port ${values.port}`)
  if (values.now !== undefined && !/^\d{1,16}$/.test(values.now)) return invalid(`invalid --now ${values.now}`)
  const exchange: { maxBodyBytes?: number; journalSize?: number; now?: number; clientIp?: string } = {}
  const server: { maxConnections?: number; maxInflightBodyBytes?: number } = {}
  for (const [flag, key, into] of [
    ["max-body-bytes", "maxBodyBytes", exchange],
    ["journal-size", "journalSize", exchange],
    ["max-connections", "maxConnections", server],
    ["max-inflight-body-bytes", "maxInflightBodyBytes", server]
  ] as const) {
    const raw = values[flag]
    if (raw === undefined) continue
    if (!/^\d{1,15}$/.test(raw)) return invalid(`invalid --${flag} ${raw}: expected a non-negative integer`)
    ;(into as Record<string, number>)[key] = Number(raw)
  }
  if (exchange.maxBodyBytes !== undefined && exchange.maxBodyBytes < MIN_BODY_BYTES) {
    return invalid(
      `invalid --max-body-bytes ${exchange.maxBodyBytes}: at least ${MIN_BODY_BYTES} (a create body is ~200 bytes)`
    )
  }
  const clientIp = values["client-ip"]
  if (clientIp !== undefined && isIP(clientIp) === 0) {
    return invalid(`invalid --client-ip ${JSON.stringify(clientIp)}: expected an IPv4 or IPv6 address`)
  }
  if (values.now !== undefined) exchange.now = Number(values.now)
  if (clientIp !== undefined) exchange.clientIp = clientIp
  return { _tag: "Serve", port, seed: values.seed, exchange, server }
}
