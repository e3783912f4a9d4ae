// A hostile server on loopback (node:http), answering what Bybit never would, through each
// transport a user provides: the client reads every answer the same way, whatever the transport.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig } from "../src/index.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient.layer", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layerNodeHttp", NodeHttpClient.layerNodeHttp]
]

const credentials = BybitConfig.hmac({ apiKey: "HostileKey01", apiSecret: Redacted.make("HostileSecret0123456789") })

let answer: (res: ServerResponse, req: IncomingMessage) => void = (res) => res.end()
let url = ""
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => answer(res, req))
})
beforeAll(
  () =>
    new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", () => {
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        resolve()
      })
    )
)
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const TIME = JSON.stringify({
  retCode: 0,
  retMsg: "OK",
  result: { timeSecond: "1700000000", timeNano: "1700000000000000000" }
})

describe.each(transports)("on %s", (_, transport) => {
  const serverTime = Effect.suspend(() =>
    Effect.flatMap(BybitClient.BybitClient, (client) => client.serverTime).pipe(
      Effect.provide(
        BybitClient.layer({ credentials, baseUrl: url, timeSync: false, retry: false }).pipe(Layer.provide(transport))
      )
    )
  )

  it.live.each([
    ["with a Content-Length", true],
    ["streamed, without a Content-Length", false]
  ])("a JSON body after a UTF-8 byte order mark is read, %s", ([, withLength]) =>
    Effect.gen(function* () {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TIME)])
      answer = (res) => {
        res.writeHead(200, withLength ? { "content-type": "application/json", "content-length": body.length } : {})
        res.end(body)
      }
      const time = yield* serverTime
      expect(time.millis).toBe(1_700_000_000_000)
    })
  )

  it.live("a refusal echoing the signature (upper case, after an İ), the key and the secret shows none of them", () =>
    Effect.gen(function* () {
      let signature = ""
      answer = (res, req) => {
        signature = String(req.headers["x-bapi-sign"])
        const retMsg = `error sign! İ ${signature.toUpperCase()} origin_string[HostileKey01] ${"HostileSecret0123456789".toLowerCase()}`
        res.writeHead(401, { "content-type": "application/json" })
        res.end(JSON.stringify({ retCode: 10004, retMsg, result: {} }))
      }
      const error = yield* Effect.flip(
        Effect.flatMap(BybitClient.BybitClient, (client) => client.cancel({ id: "10197" })).pipe(
          Effect.provide(
            BybitClient.layer({ credentials, baseUrl: url, timeSync: false, retry: false }).pipe(
              Layer.provide(transport)
            )
          )
        )
      )
      expect(error._tag).toBe("AuthenticationFailed")
      expect(signature).toMatch(/^[0-9a-f]{64}$/)
      for (const shown of [JSON.stringify(error), String(error), inspect(error, { depth: 5 }), error.message]) {
        const lower = shown.toLowerCase()
        expect(lower).not.toContain(signature.slice(0, 16))
        expect(lower).not.toContain("hostilekey01")
        expect(lower).not.toContain("hostilesecret")
        expect(shown).toContain("<redacted>")
      }
    })
  )
})
