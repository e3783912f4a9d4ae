// The Effect 4 line's two contenders for bench/lines.ts: the client (default options, undici) and
// the floor it is measured against, the same signed cancel through HttpClient.execute alone. The
// Effect 3 line has the same file (packages/client-effect3/bench/variants.ts); lines.ts runs both
// in one interleaved run.
import { createHmac } from "node:crypto"
import { NodeHttpClient } from "@effect/platform-node"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"

export interface Bench {
  readonly apiKey: string
  readonly apiSecret: string
  readonly id: string
}

export const makeVariants = (url: string, { apiKey, apiSecret, id }: Bench) => {
  const runtime = ManagedRuntime.make(
    BybitClient.layer({
      credentials: BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(apiSecret) }),
      baseUrl: url
    }).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))
  )
  const cancelUrl = `${url}/v5/asset/withdraw/cancel`
  const bare = Effect.flatMap(HttpClient.HttpClient, (client) => {
    const body = JSON.stringify({ id })
    const timestamp = String(Date.now())
    const sign = createHmac("sha256", apiSecret).update(`${timestamp}${apiKey}5000${body}`).digest("hex")
    return client
      .execute(
        HttpClientRequest.post(cancelUrl, {
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
  return {
    client: async (): Promise<"cancelled"> => {
      const result = await runtime.runPromise(Withdrawals.cancel({ id }))
      if (result.status !== "cancelled" || result.id !== id) throw new Error("client: not cancelled")
      return "cancelled"
    },
    bare: async (): Promise<{ retCode: number; result: { status: number } }> => runtime.runPromise(bare),
    dispose: () => runtime.dispose()
  }
}
