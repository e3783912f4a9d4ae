import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { HttpResponse, http, passthrough } from "msw"
import { BybitClient, Withdrawals } from "../src/index.js"
import { clientLayer, freePort, freshExchange, NOW, server, useMsw } from "./support.js"

useMsw()

const noRetry = { retry: false as const }

describe("Withdrawals.cancel", () => {
  it.effect("cancels a Pending withdrawal and reports the rate-limit headers", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10197" })
      expect(result.id).toBe("10197")
      expect(result.status).toBe("cancelled")
      expect(result.confirmedAfterRetry).toBe(false)
      expect(result.rateLimit).toMatchObject({ path: "/v5/asset/withdraw/cancel", limit: 60, remaining: 59 })
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      const status = yield* BybitClient.rateLimitStatus()
      expect(status?.remaining).toBe(59)
      const cancels = exchange.requests().filter((r) => r.path === "/v5/asset/withdraw/cancel")
      expect(cancels).toHaveLength(1)
      expect(cancels[0]?.body).toBe('{"id":"10197"}')
      expect(cancels[0]?.retCode).toBe(0)
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("syncs the clock once, lazily, before the first signed request", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      // The client's clock runs 90 s behind the server's.
      yield* TestClock.setTime(NOW - 90_000)
      yield* Withdrawals.cancel({ id: "10197" })
      yield* Withdrawals.cancel({ id: "10198" })
      expect(exchange.requests().map((r) => r.path)).toEqual([
        "/v5/market/time",
        "/v5/asset/withdraw/cancel",
        "/v5/asset/withdraw/cancel"
      ])
      expect(Option.getOrUndefined(yield* BybitClient.clockOffset)).toBe(90_000)
    }).pipe(Effect.provide(clientLayer()))
  )
})

describe("Withdrawals.cancel: every error family, from the mock", () => {
  it.effect("TimestampOutsideWindow (10002) when time sync is off and the clock is wrong", () =>
    Effect.gen(function* () {
      freshExchange()
      // The client's clock reads 1970: far outside the window.
      yield* TestClock.setTime(0)
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "TimestampOutsideWindow", retCode: 10002, recvWindow: 5000, timestamp: 0 })
    }).pipe(Effect.provide(clientLayer({ timeSync: false })))
  )

  it.live("TransportError for a refused connection (nothing listens on the port)", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort)
      server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(clientLayer({ ...noRetry, baseUrl: `http://127.0.0.1:${port}`, timeSync: false }))
        )
      )
      expect(error._tag).toBe("TransportError")
      expect(error._tag === "TransportError" && error.detail).toBe("ECONNREFUSED")
    })
  )
})

describe("Withdrawals.cancel: HTTP answers without an envelope", () => {
  for (const [status, body, tag] of [
    [401, "Unauthorized", "AuthenticationFailed"],
    [404, "404 page not found", "UnknownApiError"],
    [400, "", "UnknownApiError"],
    [200, "", "UnreadableResponse"],
    // HTTP status first: a 2xx that is not JSON is unreadable, not an outage.
    [200, "<html><body>Cloudflare</body></html>", "UnreadableResponse"],
    [500, '{"retCode":10016,"retMsg":"restarting"}', "ExchangeUnavailable"]
  ] as const) {
    it.effect(`HTTP ${status} ${JSON.stringify(body.slice(0, 20))} is ${tag}`, () =>
      Effect.gen(function* () {
        freshExchange()
        server.use(http.post("*/v5/asset/withdraw/cancel", () => new HttpResponse(body, { status })))
        const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
        expect(error).toMatchObject({ _tag: tag, httpStatus: status })
      }).pipe(Effect.provide(clientLayer(noRetry)))
    )
  }
})
