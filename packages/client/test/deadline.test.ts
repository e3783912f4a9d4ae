// The per-attempt timeout on the live clock: a timeout longer than a Node timer can hold (2^31-1 ms,
// about 24.8 days) is still a timeout that long, not one that fires at once.
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted } from "effect"
import { BybitClient, BybitConfig } from "../src/index.js"

const credentials = BybitConfig.hmac({
  apiKey: "DeadlineKey0123456789",
  apiSecret: Redacted.make("DeadlineSecret0123456789abcdef")
})

describe("deadline", () => {
  for (const timeout of ["30 days", "10 seconds"] as const) {
    it.live(`a server time answered after 50 ms, timeout ${timeout}: the answer is taken`, () =>
      Effect.acquireRelease(
        Effect.promise(
          () =>
            new Promise<ReturnType<typeof createServer>>((resolve) => {
              const server = createServer((_req, res) => {
                const t = Date.now()
                setTimeout(() => {
                  res.writeHead(200, { "content-type": "application/json" })
                  res.end(
                    JSON.stringify({
                      retCode: 0,
                      retMsg: "OK",
                      result: { timeSecond: String(Math.floor(t / 1000)), timeNano: `${t}000000` }
                    })
                  )
                }, 50)
              })
              server.listen(0, "127.0.0.1", () => resolve(server))
            })
        ),
        (server) =>
          Effect.promise(
            () =>
              new Promise<void>((done) => {
                server.closeAllConnections()
                server.close(() => done())
              })
          )
      ).pipe(
        Effect.flatMap((server) =>
          BybitClient.serverTime.pipe(
            Effect.exit,
            Effect.provide(
              BybitClient.layer({
                credentials,
                baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
                retry: false,
                timeout
              }).pipe(Layer.provide(NodeHttpClient.layerUndici))
            )
          )
        ),
        Effect.map((exit) => expect(Exit.isSuccess(exit) ? "answered" : exit.cause).toBe("answered")),
        Effect.scoped
      )
    )
  }
})
