// Where the time of one cancel goes (not part of the suite): interleaved batches of 200 calls, the
// median per-call time of each layer of the stack, from a hand-written request up to
// Withdrawals.cancel:
//   hand           hand-written request (undici.request or fetch) + createHmac
//   raw            HttpClient.execute + text + JSON.parse (the platform alone)
//   attempt        BybitClient.request: signing, deadline, envelope decode, rate-limit headers
//   traced         attempt inside an Effect.fn span (what the span and its call-site capture cost)
//   cancelNoRetry  Withdrawals.cancel with retry: false (adds the span, id check, result)
//   cancel         Withdrawals.cancel as configured by default (adds the retry driver)
// "instant" answers in-process without I/O, to see the Effect-side cost alone.
//   npx tsx --conditions=@effect-bybit/source packages/client/bench/profile.ts [undici|fetch|instant]
// ONLY=attempt,cancel (environment) runs only the named layers.
import { createHmac } from "node:crypto"
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Layer, ManagedRuntime, Redacted } from "effect"
import { request as undiciRequest } from "undici"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { instant, SUCCESS, startServer } from "./server.js"

const server = await startServer()
const url = `${server.url}/v5/asset/withdraw/cancel`
const useFetch = process.argv[2] === "fetch"
const transport =
  process.argv[2] === "instant" ? instant : useFetch ? FetchHttpClient.layer : NodeHttpClient.layerUndici
const make = (extra: Partial<BybitConfig.Options>) =>
  ManagedRuntime.make(
    BybitClient.layer({
      credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("secret-secret") }),
      baseUrl: server.url,
      timeSync: false,
      pacing: false, // as when the layers were first compared (ab.ts measures with pacing on)
      ...extra
    }).pipe(Layer.provideMerge(transport))
  )
const rt = make({})
const rtNoRetry = make({ retry: false })
const headers = (body: string) => {
  const ts = String(Date.now())
  const sign = createHmac("sha256", "secret-secret").update(`${ts}k5000${body}`).digest("hex")
  return {
    "X-BAPI-API-KEY": "k",
    "X-BAPI-TIMESTAMP": ts,
    "X-BAPI-SIGN": sign,
    "X-BAPI-RECV-WINDOW": "5000",
    "Content-Type": "application/json"
  }
}
const hand = useFetch
  ? async () => {
      const body = JSON.stringify({ id: "10197" })
      const r = await fetch(url, { method: "POST", body, headers: headers(body) })
      await r.json()
    }
  : async () => {
      const body = JSON.stringify({ id: "10197" })
      const r = await undiciRequest(url, { method: "POST", body, headers: headers(body) })
      await r.body.json()
    }
const raw = Effect.flatMap(HttpClient.HttpClient, (c) =>
  c
    .execute(
      HttpClientRequest.post(url, {
        headers: headers('{"id":"10197"}'),
        body: HttpBody.raw('{"id":"10197"}', { contentType: "application/json" })
      })
    )
    .pipe(
      Effect.flatMap((r) => r.text),
      Effect.map((t) => JSON.parse(t))
    )
)
const attempt = Effect.flatMap(BybitClient.BybitClient, (c) =>
  c.request({
    method: "POST",
    path: "/v5/asset/withdraw/cancel",
    signed: true,
    body: { id: "10197" },
    decodeResult: Either.right
  })
)
const traced = Effect.fn("traced")(() => attempt)
const variants: Record<string, () => Promise<unknown>> = {
  hand:
    process.argv[2] === "instant"
      ? async () => {
          const body = JSON.stringify({ id: "10197" })
          headers(body)
          await new Response(SUCCESS).json()
        }
      : hand,
  raw: () => rt.runPromise(raw),
  attempt: () => rt.runPromise(attempt),
  traced: () => rt.runPromise(traced()),
  cancelNoRetry: () => rtNoRetry.runPromise(Withdrawals.cancel({ id: "10197" })),
  cancel: () => rt.runPromise(Withdrawals.cancel({ id: "10197" }))
}
const only = process.env.ONLY?.split(",")
if (only !== undefined) for (const name of Object.keys(variants)) if (!only.includes(name)) delete variants[name]
const times: Record<string, Array<number>> = {}
for (let round = 0; round < 24; round++) {
  for (const [name, f] of Object.entries(variants)) {
    const t0 = performance.now()
    for (let i = 0; i < 200; i++) await f()
    if (round < 4) continue // warm-up rounds
    const list = times[name] ?? []
    list.push(((performance.now() - t0) / 200) * 1000)
    times[name] = list
  }
}
const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = times.hand === undefined ? undefined : median(times.hand)
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs)
  console.log(
    `${name.padEnd(14)} ${m.toFixed(1).padStart(7)} us${base === undefined ? "" : `  ${(m / base).toFixed(2)}x`}`
  )
}
await rt.dispose()
await rtNoRetry.dispose()
await server.close()
