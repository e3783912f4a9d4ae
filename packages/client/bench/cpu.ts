// The client's own CPU per call, without a network: Withdrawals.cancel and the bare signed
// HttpClient.execute on an HttpClient that answers at once from memory (a fetch `Response`).
// Measured in CPU time per call. What the client adds over the bare call is all here; the network only adds the same to both.
//   bash scripts/node24.sh npx tsx packages/client/bench/cpu.ts   [ROUNDS=10] [BATCH=5000] [ASYNC=1]
import { createHmac } from "node:crypto"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"

const ROUNDS = Number(process.env.ROUNDS ?? 10)
const BATCH = Number(process.env.BATCH ?? 5000)
const url = "http://127.0.0.1:9"
const [apiKey, apiSecret, id] = ["k", "secret-secret", "10197"]

const answer = (request: HttpClientRequest.HttpClientRequest) => {
  const now = Date.now()
  const body = request.url.includes("/v5/market/time")
    ? JSON.stringify({
        retCode: 0,
        retMsg: "OK",
        result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
        time: now
      })
    : JSON.stringify({ retCode: 0, retMsg: "success", result: { status: 1 }, retExtInfo: {}, time: now })
  return HttpClientResponse.fromWeb(
    request,
    new Response(body, {
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "x-bapi-limit": "1000000",
        "x-bapi-limit-status": "999999",
        "x-bapi-limit-reset-timestamp": String(now)
      }
    })
  )
}
// ASYNC=1: the answer comes on a later turn (setImmediate), as from a socket.
const memory = Layer.succeed(HttpClient.HttpClient)(
  HttpClient.make((request) =>
    process.env.ASYNC === "1"
      ? Effect.callback((resume) => {
          setImmediate(() => resume(Effect.succeed(answer(request))))
        })
      : Effect.sync(() => answer(request))
  )
)
const runtime = ManagedRuntime.make(
  BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(apiSecret) }),
    baseUrl: url
  }).pipe(Layer.provideMerge(memory))
)
const bare = Effect.flatMap(HttpClient.HttpClient, (client) => {
  const body = JSON.stringify({ id })
  const timestamp = String(Date.now())
  const sign = createHmac("sha256", apiSecret).update(`${timestamp}${apiKey}5000${body}`).digest("hex")
  return client
    .execute(
      HttpClientRequest.post(`${url}/v5/asset/withdraw/cancel`, {
        headers: {
          "X-BAPI-API-KEY": apiKey,
          "X-BAPI-TIMESTAMP": timestamp,
          "X-BAPI-SIGN": sign,
          "X-BAPI-RECV-WINDOW": "5000"
        },
        body: HttpBody.text(body, "application/json")
      })
    )
    .pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => JSON.parse(text) as { retCode: number; result: { status: number } })
    )
})
const variants = {
  client: async () => {
    const result = await runtime.runPromise(Withdrawals.cancel({ id }))
    if (result.status !== "cancelled") throw new Error("not cancelled")
  },
  bare: async () => {
    const result = await runtime.runPromise(bare)
    if (result.result.status !== 1) throw new Error("not cancelled")
  }
}
const names = process.env.ONLY === "client" ? (["client"] as const) : (["client", "bare"] as const)
const times: Record<string, Array<number>> = { client: [], bare: [] }
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    // CPU time, not wall time: the figure holds on a machine shared with other work.
    const t0 = process.cpuUsage()
    for (let i = 0; i < BATCH; i++) await variants[name]()
    const used = process.cpuUsage(t0)
    if (round > 0) times[name]!.push((used.user + used.system) / BATCH)
  }
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const [c, b] = [median(times.client!), median(times.bare!)]
console.log(
  `in memory: client ${c.toFixed(1)} µs CPU/call, bare ${b?.toFixed(1)} µs/call, client - bare ${(c - b).toFixed(1)} µs`
)
await runtime.dispose()
