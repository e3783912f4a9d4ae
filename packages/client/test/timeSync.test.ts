// Time sync when the time endpoint hangs: callers that come while a measurement runs share its
// outcome, so each fails after about one timeout, however many there are.
import { describe, expect, it } from "@effect/vitest"
import { Cause, Clock, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"

const credentials = BybitConfig.hmac({
  apiKey: "TimeSyncKey0123456789",
  apiSecret: Redacted.make("TimeSyncSecret0123456789abcdef")
})

describe("time sync", () => {
  it.effect("10 lists while the time endpoint hangs: each fails as Timeout by 2 timeouts, 2 time requests", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      let timeRequests = 0
      const hanging = HttpClient.make((_request, url) => {
        if (url.pathname === "/v5/market/time") timeRequests++
        return Effect.never
      })
      const layer = BybitClient.layer({ credentials, retry: false, timeout: "1 second" }).pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, hanging))
      )
      const start = yield* Clock.currentTimeMillis
      const all = yield* Effect.forkChild(
        Effect.forEach(
          Array.from({ length: 10 }),
          () => Effect.zip(Effect.exit(Withdrawals.list()), Clock.currentTimeMillis),
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(layer))
      )
      for (let i = 0; i < 20 && all.pollUnsafe() === undefined; i++) yield* TestClock.adjust("500 millis")
      const results = yield* Fiber.join(all)
      for (const [exit, at] of results) {
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({
          _tag: "TransportError",
          reason: "Timeout"
        })
        // The window's first request goes alone (pacing), then the others share one measurement.
        expect(at - start).toBeLessThanOrEqual(2_000)
      }
      expect(timeRequests).toBe(2)
    })
  )
})
