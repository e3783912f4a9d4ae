import { createHmac } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Layer } from "effect"

/** The cancel success envelope, as Bybit sends it, with the rate-limit headers. */
export const SUCCESS = JSON.stringify({
  retCode: 0,
  retMsg: "success",
  result: { status: 1 },
  retExtInfo: {},
  time: 1672197228408
})

// The rate-limit headers of every answer: the most the client accepts (1,000,000 a window), with
// all but one left, so that pacing (on by default) never holds a call in a bench.
const LIMIT = "1000000"
const REMAINING = "999999"

/** Connections accepted so far (a client that does not keep connections alive opens one per call). */
export let connections = 0

/** A loopback node:http server answering every request with the cancel success envelope. */
export const startServer = async (): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(SUCCESS),
        "x-bapi-limit": LIMIT,
        "x-bapi-limit-status": REMAINING,
        "x-bapi-limit-reset-timestamp": String(Date.now())
      })
      res.end(SUCCESS)
    })
  })
  server.keepAliveTimeout = 60_000
  server.on("connection", () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * An `HttpClient` that answers the success envelope in-process, without I/O: shows the Effect-side
 * cost of a call alone.
 */
export const instant = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.succeed(
      HttpClientResponse.fromWeb(
        request,
        new Response(SUCCESS, {
          status: 200,
          headers: {
            "content-type": "application/json",
            "content-length": String(SUCCESS.length),
            "x-bapi-limit": LIMIT,
            "x-bapi-limit-status": REMAINING,
            // Now: the client believes a reset time only within minutes of its own clock.
            "x-bapi-limit-reset-timestamp": String(Date.now())
          }
        })
      )
    )
  )
)

/**
 * The floor of any `HttpClient`-based client: the signed cancel of `id` 10197 sent to `url` through
 * the transport's `HttpClient.execute`, its body read as text and parsed, nothing else.
 */
export const bareCancel = (url: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => {
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
          body: HttpBody.raw(body, { contentType: "application/json" })
        })
      )
      .pipe(
        Effect.flatMap((response) => response.text),
        Effect.map((text) => JSON.parse(text))
      )
  })
