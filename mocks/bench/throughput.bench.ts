// Throughput of verified cancels through the standalone mock server (the node:http adapter over the
// core, no MSW), against a bare node:http handler that returns the fixed success envelope, with the
// same client and the same request count. Goal (issue 12): ratio mock / bare >= 0.5.
//
// Every mock request is a real, verified success: a distinct Pending withdrawal, HMAC-signed, going
// through auth, time window, signature, rate limit, parameters and state. The rate limiter (60
// cancels per minute per UID) is kept from capping the run by the mock clock: it is frozen, each
// batch of BATCH (< 60) concurrent requests is signed at the current mock time, and the clock moves
// one minute between batches, so every batch opens a fresh window. Nothing in the limiter is disabled.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { afterAll, bench, describe } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_UID,
  type MockWithdrawal,
  makeMockExchange,
  startMockServer
} from "../src/index.js"

const BATCH = 50
const ITERATIONS = 40
const WARMUP = 4
const TOTAL = (ITERATIONS + WARMUP * 3) * BATCH
/** Spare withdrawals, in case the runner takes an extra sample. */
const SEEDED = TOTAL * 2
const T0 = 1_700_000_000_000

const withdrawals: Array<MockWithdrawal> = Array.from({ length: SEEDED }, (_, i) => ({
  withdrawId: String(1_000_000 + i),
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "1",
  status: "Pending",
  toAddress: "0x8c5a3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
  tag: "",
  txID: "",
  createTime: T0 - 60_000,
  updateTime: T0 - 60_000,
  withdrawType: 0
}))

const exchange = makeMockExchange({ now: T0, withdrawals })
const mock = await startMockServer({ exchange })

const SUCCESS = Buffer.from(
  '{"retCode":0,"retMsg":"success","result":{"status":1},"retExtInfo":{},"time":1672197228408}'
)
const bare: Server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res
      .writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": SUCCESS.length })
      .end(SUCCESS)
  })
})
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve))
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`

const signer = hmacSigner(MOCK_API_SECRET)
const stats = { mock: { requests: 0, ms: 0 }, bare: { requests: 0, ms: 0 } }

const cancelOnce = async (url: string, id: string, timestamp: number): Promise<void> => {
  const signed = signRequest({
    method: "POST",
    signer,
    apiKey: MOCK_API_KEY,
    timestamp,
    recvWindow: 5000,
    body: { id }
  })
  const response = await fetch(`${url}/v5/asset/withdraw/cancel`, {
    method: "POST",
    body: signed.body,
    headers: { ...signed.headers, "Content-Type": "application/json" }
  })
  const json = (await response.json()) as { retCode?: number; result?: { status?: number } }
  if (json.retCode !== 0 || json.result?.status !== 1) throw new Error(`not a success: ${JSON.stringify(json)}`)
}

let nextWithdrawal = 0
const batch = async (target: "mock" | "bare"): Promise<void> => {
  const started = performance.now()
  const url = target === "mock" ? mock.url : bareUrl
  const timestamp = exchange.clock.now()
  // Each mock request cancels a withdrawal not cancelled before; the bare server ignores the id.
  const ids = Array.from({ length: BATCH }, (_, i) =>
    target === "mock" ? withdrawals[nextWithdrawal++]!.withdrawId : withdrawals[i]!.withdrawId
  )
  await Promise.all(ids.map((id) => cancelOnce(url, id, timestamp)))
  if (target === "mock") exchange.clock.advance(60_000)
  stats[target].ms += performance.now() - started
  stats[target].requests += BATCH
}

// Warm both paths first, alternating: fetch (the load generator both share) gets hot on either, so
// neither side runs with a colder client than the other.
for (let i = 0; i < WARMUP * 2; i++) {
  await batch("bare")
  await batch("mock")
}
stats.mock = { requests: 0, ms: 0 }
stats.bare = { requests: 0, ms: 0 }

afterAll(async () => {
  const rate = (s: { requests: number; ms: number }) => (s.requests / s.ms) * 1000
  const m = rate(stats.mock)
  const b = rate(stats.bare)
  const cancelled = exchange.withdrawals().filter((w) => w.status === "CancelByUser").length
  console.log(
    [
      "",
      `throughput (${BATCH} concurrent keep-alive fetches per batch, ${stats.mock.requests} requests each):`,
      `  mock server, verified cancels: ${m.toFixed(0)} req/s (${cancelled} withdrawals cancelled)`,
      `  bare node:http fixed envelope: ${b.toFixed(0)} req/s`,
      `  ratio mock / bare: ${(m / b).toFixed(2)} (${(b / m).toFixed(2)}x slower)`
    ].join("\n")
  )
  await mock.close()
  await new Promise<void>((resolve) => bare.close(() => resolve()))
  bare.closeAllConnections()
})

const options = { iterations: ITERATIONS, time: 0, warmupIterations: WARMUP, warmupTime: 0 }

// One task running a mock batch and a bare batch per iteration: under a fluctuating load (a shared
// 2-core machine) both sides see the same conditions, so the ratio is what is compared.
describe(`verified cancel throughput, ${BATCH} concurrent requests per batch`, () => {
  bench(
    "one batch on the standalone mock server (verified cancels), then one on bare node:http (fixed envelope)",
    async () => {
      await batch("mock")
      await batch("bare")
    },
    options
  )
})
