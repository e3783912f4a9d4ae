// A cancel through BybitClient on MockExchange.layer (in process) against the same cancel on
// FetchHttpClient.layer intercepted by MSW, in one run. Both are real, verified cancels: signed,
// checked, each of a withdrawal added just before, by exchanges with the same options.
import { FetchHttpClient } from "@effect/platform"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { Layer, ManagedRuntime, Redacted } from "effect"
import { setupServer } from "msw/node"
import { afterAll, bench, describe } from "vitest"
import { MockExchange } from "../src/effect.js"
import { type Exchange, MOCK_API_KEY, MOCK_API_SECRET, MOCK_UID, makeMockExchange } from "../src/index.js"

const ITERATIONS = 400
const WARMUP = 50
// No rate limit in the way: this measures the transport, not the 60/min window.
const options = { rateLimits: { cancel: { limit: 1_000_000_000, windowMs: 60_000 } } }
const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
const client = BybitClient.layer({ credentials, environment: "testnet", retry: false })

const viaLayer = ManagedRuntime.make(client.pipe(Layer.provideMerge(MockExchange.layer(options))))
const layerExchange = await viaLayer.runPromise(MockExchange)

const mswExchange = makeMockExchange(options)
const msw = setupServer(...mswExchange.handlers)
msw.listen({ onUnhandledRequest: "error" })
const viaMsw = ManagedRuntime.make(client.pipe(Layer.provide(FetchHttpClient.layer)))

let next = 2_000_000
const cancelOne = async (
  runtime: ManagedRuntime.ManagedRuntime<BybitClient.BybitClient, unknown>,
  exchange: Exchange
): Promise<void> => {
  const id = String(next++)
  const now = exchange.clock.now()
  exchange.addWithdrawal({
    withdrawId: id,
    uid: MOCK_UID,
    coin: "USDT",
    chain: "ETH",
    amount: "1",
    withdrawFee: "1",
    status: "Pending",
    toAddress: "0x8c5a3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
    tag: "",
    txID: "",
    createTime: now,
    updateTime: now,
    withdrawType: 0
  })
  const result = await runtime.runPromise(Withdrawals.cancel({ id }))
  if (result.status !== "cancelled") throw new Error(`not cancelled: ${JSON.stringify(result)}`)
}

const stats = { layer: { n: 0, ms: 0 }, msw: { n: 0, ms: 0 } }
const timed = async (which: "layer" | "msw"): Promise<void> => {
  const started = performance.now()
  await (which === "layer" ? cancelOne(viaLayer, layerExchange) : cancelOne(viaMsw, mswExchange))
  stats[which].ms += performance.now() - started
  stats[which].n += 1
}

afterAll(async () => {
  const per = (s: { n: number; ms: number }) => (s.ms / s.n) * 1000
  const l = per(stats.layer)
  const m = per(stats.msw)
  console.log(
    [
      "",
      `one cancel through BybitClient (${stats.layer.n} / ${stats.msw.n} cancels):`,
      `  MockExchange.layer:        ${l.toFixed(0)} µs/cancel`,
      `  MSW + FetchHttpClient:     ${m.toFixed(0)} µs/cancel`,
      `  ratio layer / MSW+fetch:   ${(l / m).toFixed(3)} (goal <= 0.25)`
    ].join("\n")
  )
  msw.close()
  await viaLayer.dispose()
  await viaMsw.dispose()
})

const benchOptions = { iterations: ITERATIONS, time: 0, warmupIterations: WARMUP, warmupTime: 0 }

describe("a cancel through BybitClient", () => {
  bench("MockExchange.layer (in process)", () => timed("layer"), benchOptions)
  bench("MSW + FetchHttpClient.layer", () => timed("msw"), benchOptions)
})
