// Cold start, the same program written with Effect 4's HttpClient.execute alone: the imports a
// user's ESM program would make (effect, effect/http, @effect/platform-node, node:crypto), the same
// undici layer, the signed cancel sent to the URL in argv[2], its answer checked, then exit.
// Prints {"result":"cancelled","maxRSS":<KiB>} on stdout. Run by bench/coldStart.ts.
import { createHmac } from "node:crypto"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect } from "effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"

const url = `${process.argv[2]}/v5/asset/withdraw/cancel`
const cancel = Effect.flatMap(HttpClient.HttpClient, (client) => {
  const body = JSON.stringify({ id: "10197" })
  const timestamp = String(Date.now())
  const sign = createHmac("sha256", "secret-secret").update(`${timestamp}k5000${body}`).digest("hex")
  return client
    .execute(
      HttpClientRequest.post(url, {
        headers: {
          "X-BAPI-API-KEY": "k",
          "X-BAPI-TIMESTAMP": timestamp,
          "X-BAPI-SIGN": sign,
          "X-BAPI-RECV-WINDOW": "5000"
        },
        body: HttpBody.text(body, "application/json")
      })
    )
    .pipe(
      Effect.flatMap((response) => response.json),
      Effect.timeout("10 seconds")
    )
})
const json = await Effect.runPromise(Effect.provide(cancel, NodeHttpClient.layerUndici))
if (json.retCode !== 0 || json.result?.status !== 1) process.exit(1)
process.stdout.write(JSON.stringify({ result: "cancelled", maxRSS: process.resourceUsage().maxRSS }))
process.exit(0)
