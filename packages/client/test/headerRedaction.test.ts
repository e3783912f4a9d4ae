// No header value the server sends may carry a secret into a span: the platform's `http.client`
// span records every response header (`http.response.header.<name>`), so every header name outside
// a short allow-list is redacted, on each transport. The server here echoes the request's signature
// and API key, and the HMAC secret, in headers of its own choosing.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Tracer } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { transports } from "./transports.js"

const API_KEY = "header-test-api-key-0001"
const SECRET = "header-test-hmac-secret-0123456789"

let server: Server
let baseUrl = ""
const signatures: Array<string> = []
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      const sign = String(req.headers["x-bapi-sign"] ?? "")
      signatures.push(sign)
      const body = JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: 1 } })
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-bapi-limit": "60",
        "x-bapi-limit-status": "59",
        "x-bapi-limit-reset-timestamp": String(Date.now() + 1000),
        "x-echo-sign": sign,
        "X-Debug-Request": `key=${API_KEY}; sign=${sign}`,
        "set-cookie": `session=${SECRET}`,
        traceid: SECRET,
        "x-bapi-sign": sign
      })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const recordingTracer = () => {
  const spans: Array<{ name: string; attributes: Map<string, unknown> }> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      spans.push({ name, attributes })
      return {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: () => {},
        attribute: (key, value) => {
          attributes.set(key, value)
        },
        event: () => {},
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

describe("response headers carry no secret into a span", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: echoed signature, key and secret are redacted; rate-limit headers stay readable`, () =>
      Effect.gen(function* () {
        signatures.length = 0
        const { spans, tracer } = recordingTracer()
        const layer = BybitClient.layer({
          credentials: BybitConfig.hmac({ apiKey: API_KEY, apiSecret: Redacted.make(SECRET) }),
          baseUrl,
          timeSync: false,
          retry: false
        }).pipe(Layer.provide(transport))
        const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(layer), Effect.withTracer(tracer))
        expect(result.status).toBe("cancelled")
        expect(signatures).toHaveLength(1)
        const http = spans.find((span) => span.name.startsWith("http.client"))
        expect(http).toBeDefined()
        const attributes = http!.attributes
        // The headers were recorded: the safe ones in clear, every other one redacted.
        expect(attributes.get("http.response.header.x-bapi-limit-status")).toBe("59")
        expect(attributes.get("http.response.header.content-type")).toBe("application/json")
        for (const header of ["x-echo-sign", "x-debug-request", "set-cookie", "traceid", "x-bapi-sign"]) {
          expect(attributes.get(`http.response.header.${header}`)).toBe("<redacted>")
        }
        const text = spans.map((span) => `${JSON.stringify([...span.attributes])} ${inspect(span.attributes)}`).join()
        for (const secret of [signatures[0]!, API_KEY, SECRET]) expect(text).not.toContain(secret)
        expect(Option.isSome(Option.fromNullable(attributes.get("http.request.header.x-bapi-timestamp")))).toBe(true)
      })
    )
  }
})
