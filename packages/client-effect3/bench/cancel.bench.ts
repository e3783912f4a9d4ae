// Our Withdrawals.cancel against a hand-written request, on each transport, in one run:
//   npx vitest bench --run --project client
// The server is an in-process node:http server on 127.0.0.1 answering the success envelope.
// Time sync is OFF in the client's configuration (a real program syncs once; it is not per call).
import { createHmac } from "node:crypto"
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { request as undiciRequest } from "undici"
import { afterAll, bench, describe } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { startServer } from "./server.js"

const API_KEY = "bench-api-key"
const API_SECRET = "bench-api-secret"
const RECV_WINDOW = "5000"
const server = await startServer()
const url = `${server.url}/v5/asset/withdraw/cancel`

const clientLayer = BybitClient.layer({
  credentials: BybitConfig.hmac({ apiKey: API_KEY, apiSecret: Redacted.make(API_SECRET) }),
  baseUrl: server.url,
  timeSync: false,
  // Pacing off: the bench measures the pipe, not the budget (packages/client/bench/lines.ts measures with it on).
  pacing: false
})
const onFetch = ManagedRuntime.make(clientLayer.pipe(Layer.provideMerge(FetchHttpClient.layer)))
const onUndici = ManagedRuntime.make(clientLayer.pipe(Layer.provideMerge(NodeHttpClient.layerUndici)))
await onFetch.runPromise(Withdrawals.cancel({ id: "10197" }))
await onUndici.runPromise(Withdrawals.cancel({ id: "10197" }))

afterAll(async () => {
  await onFetch.dispose()
  await onUndici.dispose()
  await server.close()
})

/** What a careful hand-written client does: sign, send, parse, check retCode and status. */
const signedHeaders = (body: string) => {
  const timestamp = String(Date.now())
  const sign = createHmac("sha256", API_SECRET)
    .update(timestamp + API_KEY + RECV_WINDOW + body)
    .digest("hex")
  return {
    "X-BAPI-API-KEY": API_KEY,
    "X-BAPI-TIMESTAMP": timestamp,
    "X-BAPI-SIGN": sign,
    "X-BAPI-RECV-WINDOW": RECV_WINDOW,
    "Content-Type": "application/json"
  }
}

const check = (json: { retCode: number; result: { status: number } }) => {
  if (json.retCode !== 0 || json.result.status !== 1) throw new Error(`cancel failed: ${json.retCode}`)
}

const handFetch = async () => {
  const body = JSON.stringify({ id: "10197" })
  const res = await fetch(url, {
    method: "POST",
    headers: signedHeaders(body),
    body,
    signal: AbortSignal.timeout(10_000)
  })
  check((await res.json()) as never)
}

const handUndici = async () => {
  const body = JSON.stringify({ id: "10197" })
  const res = await undiciRequest(url, { method: "POST", headers: signedHeaders(body), body, headersTimeout: 10_000 })
  check((await res.body.json()) as never)
}

/** The floor of any HttpClient-based client: the same signed request through HttpClient.execute, nothing else. */
const platformOnly = Effect.flatMap(HttpClient.HttpClient, (client) => {
  const body = JSON.stringify({ id: "10197" })
  return client
    .execute(
      HttpClientRequest.post(url, {
        headers: signedHeaders(body),
        body: HttpBody.raw(body, { contentType: "application/json" })
      })
    )
    .pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => check(JSON.parse(text)))
    )
})
const platform = (runtime: typeof onFetch) => () => runtime.runPromise(platformOnly)

const ours = (runtime: typeof onFetch) => async () => {
  const result = await runtime.runPromise(Withdrawals.cancel({ id: "10197" }))
  if (result.status !== "cancelled") throw new Error("cancel failed")
}

const options = { time: 2000, warmupTime: 300 }

describe("cancel on fetch", () => {
  bench("hand-written fetch + createHmac", handFetch, options)
  bench("HttpClient.execute alone on FetchHttpClient.layer (platform floor)", platform(onFetch), options)
  bench("Withdrawals.cancel on FetchHttpClient.layer", ours(onFetch), options)
})

describe("cancel on undici", () => {
  bench("hand-written undici.request + createHmac", handUndici, options)
  bench("HttpClient.execute alone on NodeHttpClient.layerUndici (platform floor)", platform(onUndici), options)
  bench("Withdrawals.cancel on NodeHttpClient.layerUndici", ours(onUndici), options)
})
