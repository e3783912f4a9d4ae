// Throughput of verified cancels through the standalone mock server (the node:http adapter over the
// core, no MSW), against a bare node:http handler that returns the fixed success envelope, with the
// same client and the same request count, at 50 and at 500 concurrent requests. Goal: ratio
// mock / bare >= 0.6 at both.
//
// Every mock request is a real, verified success: a distinct Pending withdrawal, HMAC-signed, going
// through auth, time window, signature, rate limit, parameters and state. The rate limiter (60
// cancels per minute per UID) is kept from capping the run without disabling it: each batch is
// spread over enough accounts (one per 50 requests), signed at the frozen mock time, and the clock
// moves one minute between batches, so every batch opens fresh windows.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { afterAll, describe, test } from "vitest"
import { type MockAccount, type MockWithdrawal, makeMockExchange, startMockServer } from "../src/index.js"

const T0 = 1_700_000_000_000
const PER_ACCOUNT = 50

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

interface Stats {
  requests: number
  ms: number
}

const setup = async (size: number, iterations: number, warmup: number) => {
  const accounts: Array<MockAccount> = Array.from({ length: Math.ceil(size / PER_ACCOUNT) }, (_, i) => ({
    uid: String(2_000_001 + i),
    apiKey: `bench-key-${i}`,
    secret: `bench-secret-${i}`,
    permissions: { withdraw: true }
  }))
  const signers = accounts.map((a) => hmacSigner(a.secret!))
  // Spare withdrawals, in case the runner takes a few extra samples; within MAX_WITHDRAWALS (10,000).
  const seeded = (iterations + warmup * 3 + 4) * size
  const withdrawals: Array<MockWithdrawal> = Array.from({ length: seeded }, (_, i) => ({
    withdrawId: String(1_000_000 + i),
    uid: accounts[i % accounts.length]!.uid,
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
  const exchange = makeMockExchange({ now: T0, accounts, withdrawals })
  const mock = await startMockServer({ exchange })
  const stats: Record<"mock" | "bare", Stats> = { mock: { requests: 0, ms: 0 }, bare: { requests: 0, ms: 0 } }

  const cancelOnce = async (url: string, n: number, timestamp: number): Promise<void> => {
    const account = n % accounts.length
    const signed = signRequest({
      method: "POST",
      signer: signers[account]!,
      apiKey: accounts[account]!.apiKey,
      timestamp,
      recvWindow: 5000,
      body: { id: withdrawals[n]!.withdrawId }
    })
    const response = await fetch(`${url}/v5/asset/withdraw/cancel`, {
      method: "POST",
      body: signed.body,
      headers: { ...signed.headers, "Content-Type": "application/json" }
    })
    const json = (await response.json()) as { retCode?: number; result?: { status?: number } }
    if (json.retCode !== 0 || json.result?.status !== 1) throw new Error(`not a success: ${JSON.stringify(json)}`)
  }

  let next = 0
  const batch = async (target: "mock" | "bare"): Promise<void> => {
    const started = performance.now()
    const url = target === "mock" ? mock.url : bareUrl
    const timestamp = exchange.clock.now()
    // Each mock request cancels a withdrawal not cancelled before; the bare server ignores the id.
    const ns = Array.from({ length: size }, (_, i) => (target === "mock" ? next++ : i))
    await Promise.all(ns.map((n) => cancelOnce(url, n, timestamp)))
    if (target === "mock") exchange.clock.advance(60_000)
    stats[target].ms += performance.now() - started
    stats[target].requests += size
  }

  // Warm both paths first, alternating: fetch (the load generator both share) gets hot on either, so
  // neither side runs with a colder client than the other.
  for (let i = 0; i < warmup * 2; i++) {
    await batch("bare")
    await batch("mock")
  }
  stats.mock = { requests: 0, ms: 0 }
  stats.bare = { requests: 0, ms: 0 }

  const report = async () => {
    const rate = (s: Stats) => (s.requests / s.ms) * 1000
    const m = rate(stats.mock)
    const b = rate(stats.bare)
    const cancelled = exchange.withdrawals().filter((w) => w.status === "CancelByUser").length
    console.log(
      [
        "",
        `throughput (${size} concurrent keep-alive fetches per batch, ${stats.mock.requests} requests each):`,
        `  mock server, verified cancels: ${m.toFixed(0)} req/s (${cancelled} withdrawals cancelled)`,
        `  bare node:http fixed envelope: ${b.toFixed(0)} req/s`,
        `  ratio mock / bare: ${(m / b).toFixed(2)} (${(b / m).toFixed(2)}x slower)`
      ].join("\n")
    )
    await mock.close()
  }
  return { batch, report, options: { iterations, time: 0, warmupIterations: warmup, warmupTime: 0 } }
}

const runs = [await setup(50, 40, 4), await setup(500, 8, 2)] as const

afterAll(async () => {
  for (const run of runs) await run.report()
  await new Promise<void>((resolve) => bare.close(() => resolve()))
  bare.closeAllConnections()
})

// One task per size running a mock batch and a bare batch per iteration: under a fluctuating load (a
// shared 2-core machine) both sides see the same conditions, so the ratio is what is compared.
for (const [size, run] of [
  [50, runs[0]],
  [500, runs[1]]
] as const) {
  describe(`verified cancel throughput, ${size} concurrent requests per batch`, () => {
    test("one batch on the standalone mock server (verified cancels), then one on bare node:http (fixed envelope)", async ({
      bench
    }) => {
      await bench("mock then bare", async () => {
        await run.batch("mock")
        await run.batch("bare")
      }).run(run.options)
    })
  })
}
