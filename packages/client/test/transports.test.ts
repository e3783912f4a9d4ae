// The client on the transports a user provides, against the mock exchange's real loopback server:
// FetchHttpClient (Effect 4's, fetch told never to follow a redirect) and NodeHttpClient.layerUndici
// (@effect/platform-node 4). Also: a 3xx is refused on both, and the other host never sees a request.
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID, startMockServer } from "@effect-bybit/mock-exchange"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import { afterAll, beforeAll } from "vitest"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient.layer", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })

/** A loopback server that answers every request with a redirect to `location`, counting them. */
const startRedirector = (location: () => string) =>
  new Promise<{ url: string; hits: () => number; close: () => Promise<void> }>((resolve) => {
    let hits = 0
    const server: Server = createServer((req, res) => {
      hits++
      req.resume()
      res.writeHead(302, { location: location() + (req.url ?? "/"), "content-length": 0 })
      res.end()
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits: () => hits,
        close: () => new Promise<void>((done) => server.close(() => done()))
      })
    })
  })

describe.each(transports)("on %s", (_, transport) => {
  let mock: Awaited<ReturnType<typeof startMockServer>>
  let target: Awaited<ReturnType<typeof startRedirector>>
  let redirector: Awaited<ReturnType<typeof startRedirector>>
  beforeAll(async () => {
    mock = await startMockServer()
    target = await startRedirector(() => "http://127.0.0.1:1")
    redirector = await startRedirector(() => target.url)
  })
  afterAll(async () => {
    await Promise.all([mock.close(), target.close(), redirector.close()])
  })

  it.live("cancels the seed withdrawal through the mock's server", () =>
    Effect.gen(function* () {
      const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
      expect(result).toMatchObject({ id: SEED_WITHDRAWAL_ID, status: "cancelled", confirmedAfterRetry: false })
      expect(mock.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
      // A second cancel: the exchange refuses it (131099), a typed error.
      const again = yield* Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      expect(again._tag).toBe("WithdrawalNotCancellable")
    }).pipe(Effect.provide(BybitClient.layer({ credentials, baseUrl: mock.url }).pipe(Layer.provide(transport))))
  )

  it.live("a 302 is RedirectRefused, never followed: the other host sees no request", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
      expect(error._tag).toBe("RedirectRefused")
      expect(error).toMatchObject({ httpStatus: 302 })
      expect(redirector.hits()).toBe(1)
      expect(target.hits()).toBe(0)
    }).pipe(
      Effect.provide(
        BybitClient.layer({ credentials, baseUrl: redirector.url, timeSync: false, retry: false }).pipe(
          Layer.provide(transport)
        )
      )
    )
  )
})
