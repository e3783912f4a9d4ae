// A cancel through BybitClient on MockExchange.layer (in process) against the same cancel on
// FetchHttpClient.layer intercepted by MSW, in one run. Both are real, verified cancels: signed,
// checked, each of a withdrawal added just before, by exchanges with the same options.
// Goal (issue 11): the layer costs at most 1/4 of MSW + fetch.
import { FetchHttpClient, HttpClient, type HttpClientRequest } from "@effect/platform"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client-effect3"
import { type Exchange, MOCK_API_KEY, MOCK_API_SECRET, MOCK_UID, makeMockExchange } from "@effect-bybit/mock-exchange"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { setupServer } from "msw/node"
import { afterAll, bench, describe } from "vitest"
import { toClientResponse } from "../src/internal/testResponse.js"
import { MockExchange } from "../src/testing.js"

const ITERATIONS = 600
const WARMUP = 100
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

// The floor: the client on an HttpClient that answers a prebuilt success at once (no exchange, no
// verification). What the layer and MSW + fetch cost above it is their own.
const SUCCESS = {
  _tag: "Response" as const,
  status: 200,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: '{"retCode":0,"retMsg":"success","result":{"status":1},"retExtInfo":{},"time":1700000000000}'
}
const instant = HttpClient.makeWith(
  (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) =>
    Effect.map(effect, (request) => toClientResponse(request, SUCCESS)),
  Effect.succeed
)
// (Time sync off there: the instant answer is no server time; the others sync once, at warm-up.)
const viaFloor = ManagedRuntime.make(
  BybitClient.layer({ credentials, environment: "testnet", retry: false, timeSync: false }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, instant))
  )
)

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

const samples: Record<"layer" | "msw" | "floor", Array<number>> = { layer: [], msw: [], floor: [] }
const timed = async (which: "layer" | "msw" | "floor"): Promise<void> => {
  const started = performance.now()
  if (which === "floor") await viaFloor.runPromise(Withdrawals.cancel({ id: "10197" }))
  else await (which === "layer" ? cancelOne(viaLayer, layerExchange) : cancelOne(viaMsw, mswExchange))
  samples[which].push(performance.now() - started)
}

// Warm both paths first, alternating (the client code they share gets hot on either), then count.
for (let i = 0; i < WARMUP; i++) {
  await timed("layer")
  await timed("msw")
  await timed("floor")
}
samples.layer = []
samples.msw = []
samples.floor = []

afterAll(async () => {
  const mean = (xs: Array<number>) => (xs.reduce((a, b) => a + b, 0) / xs.length) * 1000
  // The median is the cost of a typical call; the mean also carries GC pauses and load spikes
  // (on a shared machine a pause caused by one side often lands in the other's call).
  const median = (xs: Array<number>) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)]! * 1000
  }
  const { layer, msw: viaMswSamples, floor } = samples
  const above = (xs: Array<number>) => median(xs) - median(floor)
  console.log(
    [
      "",
      `one cancel through BybitClient (${layer.length} / ${viaMswSamples.length} cancels), µs per cancel:`,
      `  MockExchange.layer:      median ${median(layer).toFixed(0)}, mean ${mean(layer).toFixed(0)}`,
      `  MSW + FetchHttpClient:   median ${median(viaMswSamples).toFixed(0)}, mean ${mean(viaMswSamples).toFixed(0)}`,
      `  client on an instant HttpClient (floor): median ${median(floor).toFixed(0)}, mean ${mean(floor).toFixed(0)}`,
      `  ratio layer / MSW+fetch: median ${(median(layer) / median(viaMswSamples)).toFixed(3)}, mean ${(mean(layer) / mean(viaMswSamples)).toFixed(3)} (goal <= 0.25)`,
      `  above the floor: layer ${above(layer).toFixed(0)}, MSW+fetch ${above(viaMswSamples).toFixed(0)} (ratio ${(above(layer) / above(viaMswSamples)).toFixed(3)})`
    ].join("\n")
  )
  msw.close()
  await viaLayer.dispose()
  await viaMsw.dispose()
})

const benchOptions = { iterations: ITERATIONS, time: 0, warmupIterations: 0, warmupTime: 0 }

// One task running a cancel on each per iteration: under a fluctuating load (a shared 2-core
// machine) both see the same conditions, so the ratio is what is compared.
describe("a cancel through BybitClient", () => {
  bench(
    "one cancel on MockExchange.layer (in process), one on MSW + FetchHttpClient.layer, one on the floor",
    async () => {
      await timed("layer")
      await timed("msw")
      await timed("floor")
    },
    benchOptions
  )
})
