// No header the server sends may carry a secret into a span: the platform's `http.client` span
// records every response header (`http.response.header.<name>`) and redacts by name only, so a header
// attribute is kept only for a known name, and always with its value redacted, on each transport. The server here echoes the request's signature
// and API key, and the HMAC secret, in headers of its own choosing and in headers with ordinary
// names (`date`, `content-type`, `retry-after`, `x-bapi-timestamp`). What is worth reading is on the
// attempt's own span, from values the client made or checked.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { recordingTracer } from "./recordingTracer.js"
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
        "x-bapi-sign": sign,
        date: SECRET,
        "retry-after": sign,
        "x-bapi-timestamp": sign.toUpperCase(),
        "content-encoding": "identity",
        "x-bapi-recv-window": `${API_KEY}`,
        // The name itself chosen by the server: the signature, in either case, and the secret.
        [`x-srvtxt-${sign}`]: "1",
        [`x-${sign.toUpperCase()}`]: "1",
        [`x-${SECRET}`]: "1"
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

describe("response headers carry no secret into a span", () => {
  for (const [name, transport] of transports) {
    it.live(`${name}: every header value is redacted, ordinary names too; the attempt span has the facts`, () =>
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
        // Every header was recorded, and every value reads <redacted>, whatever its name.
        const headerAttributes = [...attributes].filter(([key]) => /^http\.(request|response)\.header\./.test(key))
        for (const header of ["set-cookie", "x-bapi-sign", "date"]) {
          expect(attributes.get(`http.response.header.${header}`)).toBe("<redacted>")
        }
        for (const header of ["retry-after", "x-bapi-timestamp", "x-bapi-recv-window", "x-bapi-limit-status"]) {
          expect(attributes.get(`http.response.header.${header}`)).toBe("<redacted>")
        }
        expect(attributes.get("http.request.header.x-bapi-timestamp")).toBe("<redacted>")
        expect(headerAttributes.length).toBeGreaterThan(8)
        for (const [, value] of headerAttributes) expect(value).toBe("<redacted>")
        // Only known names: none the server made up (and none carrying what it was sent) is a key.
        for (const [key] of headerAttributes) expect(key).not.toMatch(/x-srvtxt|x-echo|x-debug|traceid|x-[0-9a-f]{16}/i)
        const keys = spans.flatMap((span) => [...span.attributes.keys()]).join(" ")
        for (const secret of [signatures[0]!, API_KEY, SECRET]) {
          expect(keys.toLowerCase()).not.toContain(secret.toLowerCase().slice(0, 16))
        }
        const text = spans.map((span) => `${JSON.stringify([...span.attributes])} ${inspect(span.attributes)}`).join()
        for (const secret of [signatures[0]!, signatures[0]!.toUpperCase(), API_KEY, SECRET]) {
          expect(text).not.toContain(secret)
        }
        // The attempt's span has what the headers would have told: made or checked by the client.
        const attempt = spans.find((span) => span.name === "BybitClient.request")!
        expect(String(attempt.attributes.get("bybit.timestamp"))).toMatch(/^\d{13}$/)
        expect(attempt.attributes.get("bybit.recv_window")).toBe(5000)
        expect(attempt.attributes.get("bybit.rate_limit.remaining")).toBe(59)
        expect(attempt.attributes.get("bybit.rate_limit.limit")).toBe(60)
      })
    )
  }
})
