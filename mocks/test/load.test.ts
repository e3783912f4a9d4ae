// Load, scaled to run in seconds: 500 concurrent keep-alive clients (fetch and undici) against the
// bin with default settings get no connection error; over the connection cap the answer is an
// HTTP 503 with Bybit's envelope, never a reset. The 10 s run is `bench/load.ts` (README).
import { Client } from "undici"
import { afterAll, describe, expect, it } from "vitest"
import { runLoad } from "../bench/load.js"
import { makeMockExchange, startMockServer } from "../src/index.js"
import { type Spawned, spawnBin } from "./process.js"

const spawned: Array<Spawned> = []
afterAll(async () => {
  await Promise.all(spawned.map((p) => p.stop("SIGTERM")))
})

describe("load", () => {
  it("500 concurrent keep-alive clients (250 fetch, 250 undici), 4 requests each, default settings: no connection error", async () => {
    const proc = await spawnBin(["--port", "0"])
    spawned.push(proc)
    const result = await runLoad({ url: proc.url, clients: 500, requestsPerClient: 4 })
    console.log(`[load] ${JSON.stringify(result)}`)
    expect(result).toMatchObject({ requests: 2000, connectionErrors: 0, badAnswers: 0 })
  }, 180_000)

  it("a connection over maxConnections gets HTTP 503 with a 10016 envelope and is closed, not reset", async () => {
    const server = await startMockServer({ exchange: makeMockExchange({ now: 1_700_000_000_000 }), maxConnections: 2 })
    const clients = [new Client(server.url), new Client(server.url), new Client(server.url)]
    try {
      const time = async (client: Client) => {
        const res = await client.request({ path: "/v5/market/time", method: "GET" })
        return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as { retCode: number } }
      }
      // Each Client holds one keep-alive connection: the first two are served, the third is over.
      expect((await time(clients[0]!)).status).toBe(200)
      expect((await time(clients[1]!)).status).toBe(200)
      const over = await time(clients[2]!)
      expect(over).toMatchObject({ status: 503, headers: { connection: "close", "retry-after": "1" } })
      expect(over.json).toMatchObject({
        retCode: 10016,
        retMsg: "server busy: 3 connections open, the limit is 2; retry later"
      })
      // The served connections keep being served.
      expect((await time(clients[0]!)).status).toBe(200)
    } finally {
      await Promise.all(clients.map((c) => c.close()))
      await server.close()
    }
  })
})
