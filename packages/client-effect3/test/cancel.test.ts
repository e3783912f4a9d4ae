import { describe, expect, it } from "@effect/vitest"
import {
  MOCK_IP_BOUND_API_KEY,
  MOCK_IP_BOUND_API_SECRET,
  MOCK_READONLY_API_KEY,
  MOCK_READONLY_API_SECRET,
  MOCK_RSA_API_KEY,
  mockRsaPrivateKeyPem,
  SEED_WITHDRAWAL_IDS_BY_STATUS
} from "@effect-bybit/mock-exchange"
import { Effect, Option, Redacted, TestClock } from "effect"
import { HttpResponse, http, passthrough } from "msw"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { BASE_URL, clientLayer, freePort, freshExchange, hmacCredentials, NOW, server, useMsw } from "./support.js"

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

  it.effect("signs with an RSA key as well", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10201" })
      expect(result.status).toBe("cancelled")
      expect(exchange.withdrawal("10201")?.status).toBe("CancelByUser")
    }).pipe(
      Effect.provide(
        clientLayer({
          credentials: BybitConfig.rsa({
            apiKey: MOCK_RSA_API_KEY,
            rsaPrivateKey: Redacted.make(mockRsaPrivateKeyPem())
          })
        })
      )
    )
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

  for (const id of ["", "   ", " 10197", "10197 ", "10a97", "-1", "1e5", "010197", "١٠١٩٧", "9".repeat(33)]) {
    it.effect(
      `rejects the id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 5)}...(${id.length})` : id)} before sending anything`,
      () =>
        Effect.gen(function* () {
          const exchange = freshExchange()
          const error = yield* Effect.flip(Withdrawals.cancel({ id }))
          expect(error._tag).toBe("InvalidRequest")
          expect(error).toMatchObject({ field: "id" })
          expect(exchange.requests()).toEqual([])
        }).pipe(Effect.provide(clientLayer()))
    )
  }

  it.effect("rejects a non-string id (from untyped callers) without a request", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: 10197 as unknown as string }))
      expect(error).toMatchObject({ _tag: "InvalidRequest", field: "id" })
      expect(exchange.requests()).toEqual([])
    }).pipe(Effect.provide(clientLayer()))
  )
})

describe("Withdrawals.cancel: every error family, from the mock", () => {
  it.effect("WithdrawalNotFound for an unknown id (131002)", () =>
    Effect.gen(function* () {
      freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "999999" }))
      expect(error).toMatchObject({ _tag: "WithdrawalNotFound", id: "999999", retCode: 131002 })
      expect(error.message).toContain("999999")
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("WithdrawalNotFound for another account's withdrawal", () =>
    Effect.gen(function* () {
      freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "20001" }))
      expect(error._tag).toBe("WithdrawalNotFound")
    }).pipe(Effect.provide(clientLayer()))
  )

  for (const status of ["success", "CancelByUser", "Reject", "Fail", "BlockchainConfirmed"] as const) {
    it.effect(`WithdrawalNotCancellable (131099) for a withdrawal in status ${status}`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        const id = SEED_WITHDRAWAL_IDS_BY_STATUS[status]
        const error = yield* Effect.flip(Withdrawals.cancel({ id }))
        expect(error).toMatchObject({ _tag: "WithdrawalNotCancellable", id, retCode: 131099 })
        // No lost answer: no lookup was needed.
        expect(exchange.requests().filter((r) => r.path.endsWith("query-record"))).toEqual([])
      }).pipe(Effect.provide(clientLayer()))
    )
  }

  it.effect("CancelFailed when the exchange answers result.status 0", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "CancelStatusZero" }, { path: "/v5/asset/withdraw/cancel" })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "CancelFailed", id: "10197", retCode: 0 })
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("AuthenticationFailed for an unknown key (10003)", () =>
    Effect.gen(function* () {
      freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "AuthenticationFailed", retCode: 10003 })
    }).pipe(Effect.provide(clientLayer({ credentials: hmacCredentials("no-such-key", "whatever-secret") })))
  )

  it.effect("AuthenticationFailed for a request signed with the wrong secret (10004)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "AuthenticationFailed", retCode: 10004 })
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
    }).pipe(Effect.provide(clientLayer({ credentials: hmacCredentials(undefined, "wrong-secret-value") })))
  )

  it.effect("PermissionDenied for a key without the withdraw permission (10005)", () =>
    Effect.gen(function* () {
      freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "PermissionDenied", retCode: 10005 })
    }).pipe(
      Effect.provide(clientLayer({ credentials: hmacCredentials(MOCK_READONLY_API_KEY, MOCK_READONLY_API_SECRET) }))
    )
  )

  it.effect("PermissionDenied for a key bound to another IP (10010)", () =>
    Effect.gen(function* () {
      freshExchange()
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "PermissionDenied", retCode: 10010 })
    }).pipe(
      Effect.provide(clientLayer({ credentials: hmacCredentials(MOCK_IP_BOUND_API_KEY, MOCK_IP_BOUND_API_SECRET) }))
    )
  )

  it.effect("TimestampOutsideWindow (10002) when time sync is off and the clock is wrong", () =>
    Effect.gen(function* () {
      freshExchange()
      // The client's clock reads 1970: far outside the window.
      yield* TestClock.setTime(0)
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "TimestampOutsideWindow", retCode: 10002, recvWindow: 5000, timestamp: 0 })
    }).pipe(Effect.provide(clientLayer({ timeSync: false })))
  )

  it.effect("RateLimitExceeded (10006) with the reset time, once the endpoint's limit is used up", () =>
    Effect.gen(function* () {
      freshExchange({ rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } })
      yield* Withdrawals.cancel({ id: "10197" })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10198" }))
      expect(error).toMatchObject({ _tag: "RateLimitExceeded", retCode: 10006, resetAt: NOW + 60_000 })
      // Without pacing, the second cancel is sent and refused (pacing would hold it: pacing.test.ts).
    }).pipe(Effect.provide(clientLayer({ ...noRetry, pacing: false })))
  )

  it.effect("RateLimitExceeded for HTTP 403 (IP ban) and HTTP 429", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "IpBanned" }, { path: "/v5/asset/withdraw/cancel" })
      const banned = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(banned).toMatchObject({ _tag: "RateLimitExceeded", httpStatus: 403 })
      exchange.faults.inject({ _tag: "TooManyRequests" }, { path: "/v5/asset/withdraw/cancel" })
      const limited = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(limited).toMatchObject({ _tag: "RateLimitExceeded", httpStatus: 429 })
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("InvalidRequest for a parameter error from the exchange (10001)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject(
        { _tag: "RetCode", retCode: 10001, retMsg: "params error" },
        { path: "/v5/asset/withdraw/cancel" }
      )
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "InvalidRequest", retCode: 10001, retMsg: "params error" })
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  for (const retCode of [10000, 10016, 131001, 131003, 131200, 131201, 131230]) {
    it.effect(`ExchangeUnavailable for retCode ${retCode}`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        exchange.faults.inject({ _tag: "RetCode", retCode }, { path: "/v5/asset/withdraw/cancel" })
        const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
        expect(error).toMatchObject({ _tag: "ExchangeUnavailable", retCode })
      }).pipe(Effect.provide(clientLayer(noRetry)))
    )
  }

  it.effect("ExchangeUnavailable with the status for a 5xx HTML page", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: "/v5/asset/withdraw/cancel" })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "ExchangeUnavailable", httpStatus: 503 })
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("TransportError for a dropped connection", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "DropConnection" }, { path: "/v5/asset/withdraw/cancel" })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Network", path: "/v5/asset/withdraw/cancel" })
      expect(exchange.withdrawal("10197")?.status).toBe("Pending")
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.live("TransportError with reason Timeout when the answer is too slow", () =>
    Effect.gen(function* () {
      const exchange = freshExchange({ now: Date.now() })
      exchange.faults.inject({ _tag: "Latency", ms: 300 }, { path: "/v5/asset/withdraw/query-record" })
      const error = yield* Effect.flip(Withdrawals.list({}))
      expect(error._tag).toBe("TransportError")
      expect(error).toMatchObject({ reason: "Timeout", path: "/v5/asset/withdraw/query-record" })
    }).pipe(Effect.provide(clientLayer({ ...noRetry, timeout: "50 millis" })))
  )

  it.live("a cancel that timed out and whose record cannot be read is CancelOutcomeUnknown, saying how to check", () =>
    Effect.gen(function* () {
      const exchange = freshExchange({ now: Date.now() })
      exchange.faults.inject({ _tag: "Latency", ms: 300 }, { path: "/v5/asset/withdraw/cancel" })
      exchange.faults.inject(
        { _tag: "ServerErrorHtml", status: 503 },
        { path: "/v5/asset/withdraw/query-record", times: 10 }
      )
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error._tag).toBe("CancelOutcomeUnknown")
      expect(error.message).toMatch(/TransportError/)
      expect(error.message).toMatch(/withdrawID: "10197"/)
    }).pipe(Effect.provide(clientLayer({ ...noRetry, timeout: "50 millis" })))
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

  for (const [fault, reason] of [
    ["NotJson", "NotJson"],
    ["MissingFields", "InvalidEnvelope"]
  ] as const) {
    it.effect(`UnreadableResponse (${reason}) for the ${fault} fault, after a lookup finds it still pending`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        exchange.faults.inject({ _tag: fault }, { path: "/v5/asset/withdraw/cancel" })
        const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
        expect(error).toMatchObject({ _tag: "UnreadableResponse", reason, httpStatus: 200 })
        expect(exchange.requests().filter((r) => r.path.endsWith("query-record"))).toHaveLength(1)
        expect(exchange.withdrawal("10197")?.status).toBe("Pending")
      }).pipe(Effect.provide(clientLayer(noRetry)))
    )
  }

  it.effect("a truncated answer to a cancel that went through ends in success, confirmed by a lookup", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "TruncatedBody" }, { path: "/v5/asset/withdraw/cancel" })
      const result = yield* Withdrawals.cancel({ id: "10197" })
      expect(result).toMatchObject({ id: "10197", status: "cancelled", confirmedAfterRetry: true })
      expect(exchange.requests().map((r) => r.path.replace("/v5/", ""))).toEqual([
        "market/time",
        "asset/withdraw/cancel",
        "asset/withdraw/query-record"
      ])
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("an IP ban (HTTP 403) is not retried: retrying only extends the ban", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "IpBanned" }, { path: "/v5/asset/withdraw/cancel", times: 5 })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "RateLimitExceeded", httpStatus: 403 })
      expect(exchange.requests().filter((r) => r.path.endsWith("withdraw/cancel"))).toHaveLength(1)
    }).pipe(Effect.provide(clientLayer()))
  )

  it.effect("UnknownApiError keeps any other retCode and message", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject({ _tag: "RetCode", retCode: 131090, retMsg: "User withdraw has been banned" })
      const error = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(error).toMatchObject({ _tag: "UnknownApiError", retCode: 131090, retMsg: "User withdraw has been banned" })
    }).pipe(Effect.provide(clientLayer({ ...noRetry, timeSync: false, baseUrl: BASE_URL })))
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
