// Both lines' speed targets (issue 19's, kept by issue 21), in ONE interleaved run against a loopback
// node:http server answering the cancel success envelope (and the server time, for time sync):
//   effect4.client / effect3.client  Withdrawals.cancel on NodeHttpClient.layerUndici, default options
//   effect4.bare / effect3.bare      the same signed request through that line's HttpClient.execute,
//                                    body read and parsed, nothing else  target: client <= 1.25x its bare
//   fetch                            hand-written fetch + createHmac      target: client <= 0.9x
//   bybitApi                         bybit-api's RestClientV5.cancelWithdrawal  target: ours >= 2x its calls/s
// Every variant first runs once with the server checking the request (path, body, HMAC signature)
// and its result (cancelled), so all compute the same thing; then batches of BATCH calls per
// variant, in an order reversed every round, and the median per call of the rounds after WARMUP.
// Each line's files resolve their own `effect` (4 from packages/client, 3 from client-effect3).
//   npx tsc -b tsconfig.build.json && bash scripts/node24.sh npx tsx packages/client/bench/lines.ts
//   [ROUNDS=12] [BATCH=200] [ONLY=effect4.client,effect4.bare,fetch,bybitApi]
// The clients are imported by package name: without tsx's source condition that is the built
// dist/, the code a user runs.
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { RestClientV5 } from "bybit-api"
import { makeVariants as effect3Variants } from "../../client-effect3/bench/variants.js"
import { makeVariants as effect4Variants } from "./variants.js"

const SUCCESS = JSON.stringify({
  retCode: 0,
  retMsg: "success",
  result: { status: 1 },
  retExtInfo: {},
  time: 1672197228408
})
// Every variant signs with these.
const API_KEY = "k"
const API_SECRET = "secret-secret"
const RECV_WINDOW = "5000"
const ID = "10197"

// ---------------------------------------------------------------------------------------------
// The server: the success envelope for the cancel, the time for time sync; checks when asked.
// ---------------------------------------------------------------------------------------------

interface Checked {
  readonly path: string
  readonly body: string
  readonly signed: boolean
}
let checking = false
const checked: Array<Checked> = []

const validSignature = (req: IncomingMessage, body: string): boolean => {
  const timestamp = String(req.headers["x-bapi-timestamp"] ?? "")
  const recv = String(req.headers["x-bapi-recv-window"] ?? RECV_WINDOW)
  const sign = String(req.headers["x-bapi-sign"] ?? "")
  if (req.headers["x-bapi-api-key"] !== API_KEY) return false
  const expected = createHmac("sha256", API_SECRET)
    .update(timestamp + API_KEY + recv + body)
    .digest("hex")
  return sign.length === expected.length && timingSafeEqual(Buffer.from(sign), Buffer.from(expected))
}

const rateLimitHeaders = () => ({
  "x-bapi-limit": "1000000",
  "x-bapi-limit-status": "999999",
  "x-bapi-limit-reset-timestamp": String(Date.now())
})

const startServer = async () => {
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!
      let answer = SUCCESS
      if (path === "/v5/market/time") {
        const now = Date.now()
        answer = JSON.stringify({
          retCode: 0,
          retMsg: "OK",
          result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
          retExtInfo: {},
          time: now
        })
      } else if (checking) {
        const body = Buffer.concat(chunks).toString("utf8")
        checked.push({ path, body, signed: validSignature(req, body) })
      }
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(answer),
        ...rateLimitHeaders()
      })
      res.end(answer)
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const server = await startServer()
const cancelUrl = `${server.url}/v5/asset/withdraw/cancel`

// ---------------------------------------------------------------------------------------------
// The variants. Each returns "cancelled" or throws.
// ---------------------------------------------------------------------------------------------

const credentials = { apiKey: API_KEY, apiSecret: API_SECRET, id: ID }
const effect4 = effect4Variants(server.url, credentials)
const effect3 = effect3Variants(server.url, credentials)
const sdk = new RestClientV5({ key: API_KEY, secret: API_SECRET, baseUrl: server.url, recv_window: 5000 })

interface Envelope {
  readonly retCode: number
  readonly result: { readonly status: number }
}
const fromEnvelope = (json: Envelope): "cancelled" => {
  if (json.retCode !== 0 || json.result.status !== 1) throw new Error(`cancel failed: ${json.retCode}`)
  return "cancelled"
}

const variants: Record<string, () => Promise<"cancelled">> = {
  "effect4.client": effect4.client,
  "effect4.bare": async () => fromEnvelope(await effect4.bare()),
  "effect3.client": effect3.client,
  "effect3.bare": async () => fromEnvelope(await effect3.bare()),
  fetch: async () => {
    const body = JSON.stringify({ id: ID })
    const timestamp = String(Date.now())
    const sign = createHmac("sha256", API_SECRET)
      .update(timestamp + API_KEY + RECV_WINDOW + body)
      .digest("hex")
    const res = await fetch(cancelUrl, {
      method: "POST",
      headers: {
        "X-BAPI-API-KEY": API_KEY,
        "X-BAPI-TIMESTAMP": timestamp,
        "X-BAPI-SIGN": sign,
        "X-BAPI-RECV-WINDOW": RECV_WINDOW,
        "Content-Type": "application/json"
      },
      body,
      signal: AbortSignal.timeout(10_000)
    })
    return fromEnvelope((await res.json()) as Envelope)
  },
  bybitApi: async () => fromEnvelope((await sdk.cancelWithdrawal(ID)) as unknown as Envelope)
}

// ---------------------------------------------------------------------------------------------
// Same result first: each variant once, the server checking what it received.
// ---------------------------------------------------------------------------------------------

for (const [name, run] of Object.entries(variants)) {
  checked.length = 0
  checking = true
  const result = await run()
  checking = false
  const [only, ...more] = checked
  if (
    result !== "cancelled" ||
    more.length > 0 ||
    only === undefined ||
    only.path !== "/v5/asset/withdraw/cancel" ||
    JSON.stringify(JSON.parse(only.body)) !== JSON.stringify({ id: ID }) ||
    !only.signed
  ) {
    throw new Error(`${name}: not the same signed cancel (${JSON.stringify({ result, checked })})`)
  }
}
console.log(
  `checked: every variant sent one validly signed POST /v5/asset/withdraw/cancel {"id":"${ID}"} and read "cancelled"`
)

// ---------------------------------------------------------------------------------------------
// Interleaved batches.
// ---------------------------------------------------------------------------------------------

const ROUNDS = Number(process.env.ROUNDS ?? 12)
const BATCH = Number(process.env.BATCH ?? 200)
const WARMUP = 2
// Wall time, and this process's CPU time (user + system, the loopback server's included, the same
// work for every variant): on a machine shared with other work the CPU figure moves far less.
const times: Record<string, Array<number>> = {}
const cpuTimes: Record<string, Array<number>> = {}
const only = process.env.ONLY?.split(",")
for (let round = 0; round < ROUNDS + WARMUP; round++) {
  const entries = Object.entries(variants).filter(([name]) => only === undefined || only.includes(name))
  if (round % 2 === 1) entries.reverse()
  for (const [name, run] of entries) {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < BATCH; i++) await run()
    const perCall = ((performance.now() - t0) / BATCH) * 1000
    const cpu = process.cpuUsage(cpu0)
    if (round < WARMUP) continue
    times[name] = [...(times[name] ?? []), perCall]
    cpuTimes[name] = [...(cpuTimes[name] ?? []), (cpu.user + cpu.system) / BATCH]
  }
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const medians = (t: Record<string, Array<number>>) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<string, number>
const m = medians(times)
const c = medians(cpuTimes)
console.log(`undici, default options, ${ROUNDS} interleaved rounds of ${BATCH} calls per variant (median per call)`)
for (const [name, us] of Object.entries(m)) {
  console.log(
    `  ${name.padEnd(15)} ${us.toFixed(1).padStart(7)} us/call  ${(1e6 / us).toFixed(0).padStart(6)} calls/s  CPU ${c[name]!.toFixed(1).padStart(7)} us/call`
  )
}
const verdict = (ok: boolean) => (ok ? "met" : "NOT met")
for (const line of ["effect4", "effect3"]) {
  if (m[`${line}.client`] === undefined || m[`${line}.bare`] === undefined) continue
  const client = m[`${line}.client`]!
  const vsBare = client / m[`${line}.bare`]!
  const vsFetch = client / m.fetch!
  const vsSdk = m.bybitApi! / client
  console.log(`  ${line}:`)
  console.log(
    `    client / bare HttpClient.execute: ${vsBare.toFixed(2)}x (target <= 1.25x: ${verdict(vsBare <= 1.25)})`
  )
  console.log(
    `    client / fetch + createHmac:      ${vsFetch.toFixed(2)}x (target <= 0.9x: ${verdict(vsFetch <= 0.9)})`
  )
  console.log(`    our calls/s / bybit-api's:        ${vsSdk.toFixed(2)}x (target >= 2x: ${verdict(vsSdk >= 2)})`)
  const cpu = c[`${line}.client`]!
  console.log(
    `    CPU time: client / bare ${(cpu / c[`${line}.bare`]!).toFixed(2)}x, / fetch ${(cpu / c.fetch!).toFixed(2)}x, bybit-api / client ${(c.bybitApi! / cpu).toFixed(2)}x`
  )
}
if (m["effect3.client"] !== undefined) {
  console.log(`  effect4.client / effect3.client:   ${(m["effect4.client"]! / m["effect3.client"]!).toFixed(2)}x`)
}

await effect4.dispose()
await effect3.dispose()
await server.close()
