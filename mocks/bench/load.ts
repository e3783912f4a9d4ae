// A load run against the standalone mock server: `clients` concurrent keep-alive clients, half on
// fetch (undici's global dispatcher) and half on undici's own `request` (an `Agent`), each sending
// requests one after another (the server time, then a signed cancel of an unknown id: both answer
// HTTP 200 with an envelope). Counts connection errors and any answer that is not such an envelope.
//
// From the command line, against a fresh bin with default settings (prints one JSON line):
//   npx tsx --conditions=@effect-bybit/source mocks/bench/load.ts --clients 500 --seconds 10
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { Agent, request } from "undici"
import { MOCK_API_KEY, MOCK_API_SECRET } from "../src/index.js"

export interface LoadOptions {
  readonly url: string
  readonly clients: number
  /** Requests per client; or, with `seconds`, until that time is up. */
  readonly requestsPerClient?: number
  readonly seconds?: number
}

export interface LoadResult {
  readonly clients: number
  readonly requests: number
  /** Requests that failed at the transport (reset, "other side closed", refused). */
  readonly connectionErrors: number
  /** Answers that were not HTTP 200 with a Bybit envelope. */
  readonly badAnswers: number
  readonly samples: ReadonlyArray<string>
  readonly seconds: number
}

const signer = hmacSigner(MOCK_API_SECRET)
const CANCEL = "/v5/asset/withdraw/cancel"

const signedCancel = () => {
  const signed = signRequest({
    method: "POST",
    signer,
    apiKey: MOCK_API_KEY,
    timestamp: Date.now(),
    recvWindow: 60_000,
    body: { id: "99999999" }
  })
  return { body: signed.body, headers: { ...signed.headers, "content-type": "application/json" } }
}

/** Runs the load; every error is counted, none thrown. */
export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const agent = new Agent({ connections: null, pipelining: 1 })
  const started = performance.now()
  const deadline = options.seconds === undefined ? Number.POSITIVE_INFINITY : started + options.seconds * 1000
  const perClient = options.requestsPerClient ?? Number.POSITIVE_INFINITY
  let requests = 0
  let connectionErrors = 0
  let badAnswers = 0
  const samples: Array<string> = []
  const note = (what: string) => {
    if (samples.length < 5) samples.push(what)
  }
  const viaFetch = async (path: string, init?: { body: string; headers: Record<string, string> }) => {
    const res = await fetch(`${options.url}${path}`, init === undefined ? {} : { method: "POST", ...init })
    return { status: res.status, text: await res.text() }
  }
  const viaUndici = async (path: string, init?: { body: string; headers: Record<string, string> }) => {
    const res = await request(`${options.url}${path}`, {
      dispatcher: agent,
      ...(init === undefined ? {} : { method: "POST" as const, ...init })
    })
    return { status: res.statusCode, text: await res.body.text() }
  }
  const client = async (i: number) => {
    const send = i % 2 === 0 ? viaFetch : viaUndici
    for (let n = 0; n < perClient && performance.now() < deadline; n++) {
      requests += 1
      try {
        const { status, text } = await (n % 2 === 0 ? send("/v5/market/time") : send(CANCEL, signedCancel()))
        const json = JSON.parse(text) as { retCode?: unknown }
        if (status !== 200 || typeof json.retCode !== "number") {
          badAnswers += 1
          note(`${status} ${text.slice(0, 120)}`)
        }
      } catch (error) {
        connectionErrors += 1
        const cause = (error as { cause?: { code?: string; message?: string } }).cause
        note(`${(error as Error).message} ${cause?.code ?? cause?.message ?? ""}`)
      }
    }
  }
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)))
  await agent.close()
  return {
    clients: options.clients,
    requests,
    connectionErrors,
    badAnswers,
    samples,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1))
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      clients: { type: "string", default: "500" },
      seconds: { type: "string", default: "10" },
      // Passed to the bin, e.g. the old default 256 to compare; omitted, the bin's default.
      "max-connections": { type: "string" }
    }
  })
  const cap = values["max-connections"]
  // A fresh bin with default settings, in its own process (as users run it).
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@effect-bybit/source",
      "src/bin.ts",
      "--port",
      "0",
      ...(cap === undefined ? [] : ["--max-connections", cap])
    ],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] }
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m !== null) resolve(m[1]!)
    })
    child.once("exit", (code) => reject(new Error(`the bin exited with ${code}`)))
  })
  try {
    const result = await runLoad({ url, clients: Number(values.clients), seconds: Number(values.seconds) })
    console.log(JSON.stringify(result))
  } finally {
    child.kill("SIGTERM")
  }
}
