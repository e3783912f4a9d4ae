/**
 * Reset times the exchange sends are believed only within `MAX_RESET_DISTANCE_MS` (10 minutes) of
 * now: one answer with a reset far ahead must not hold or refuse every later request (pacing, kept
 * rate-limit state, a 429's `resetAt`, `Retry-After`, a 10006's retry wait).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, TestClock } from "effect"
import { BybitClient, Withdrawals } from "../src/index.js"
import { CANCEL_OK, type Scripted, scriptedClient, scriptedLayer } from "./scripted.js"
import { NOW } from "./support.js"

const CANCEL = "/v5/asset/withdraw/cancel"

const limited = (resetAt: number, remaining = 0): Scripted => ({
  ...CANCEL_OK,
  headers: {
    "x-bapi-limit": "60",
    "x-bapi-limit-status": String(remaining),
    "x-bapi-limit-reset-timestamp": String(resetAt)
  }
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

describe("reset times far from now are not believed", () => {
  for (const [name, resetAt] of [
    ["year 2286", 9_999_999_999_999],
    ["11 minutes ahead", NOW + 11 * 60_000],
    ["a day ahead", NOW + 86_400_000]
  ] as const) {
    it.effect(`a 200 with no requests left and a reset ${name} holds nothing back`, () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(NOW)
        const { seen, layer } = scriptedClient((_, n) => (n === 0 ? limited(resetAt) : CANCEL_OK))
        const results = yield* Effect.gen(function* () {
          const out = []
          for (const id of ["1", "2", "3"]) out.push(yield* Effect.exit(Withdrawals.cancel({ id })))
          const kept = yield* BybitClient.rateLimitStatus(CANCEL)
          return { out, kept }
        }).pipe(Effect.provide(scriptedLayer(layer, { retry: false, maxRateLimitWait: "1 second" })))
        expect(results.out.map((e) => e._tag)).toEqual(["Success", "Success", "Success"])
        expect(seen).toHaveLength(3)
        // Not kept either: the public state shows no such status.
        expect(results.kept).toBeUndefined()
      })
    )
  }

  it.effect("a reset 30 s ahead is still believed: the next cancel waits for it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const { seen, layer } = scriptedClient((_, n) => (n === 0 ? limited(NOW + 30_000) : CANCEL_OK))
      const fiber = yield* Effect.gen(function* () {
        yield* Withdrawals.cancel({ id: "1" })
        return yield* Withdrawals.cancel({ id: "2" })
      }).pipe(Effect.provide(scriptedLayer(layer, { retry: false, maxRateLimitWait: "1 minute" })), Effect.fork)
      yield* TestClock.adjust(29_000)
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust(2_000)
      const exit = yield* Fiber.await(fiber)
      expect(exit._tag).toBe("Success")
      expect(seen).toHaveLength(2)
    })
  )

  it.effect("a request the pacer will not send says so in its message, never in retMsg", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const { seen, layer } = scriptedClient((_, n) => (n === 0 ? limited(NOW + 30_000) : CANCEL_OK))
      const exit = yield* Effect.gen(function* () {
        yield* Withdrawals.cancel({ id: "1" })
        return yield* Effect.exit(Withdrawals.cancel({ id: "2" }))
      }).pipe(Effect.provide(scriptedLayer(layer, { retry: false, maxRateLimitWait: "1 second" })))
      const error = failureOf(exit)
      expect(error?._tag).toBe("RateLimitExceeded")
      if (error?._tag !== "RateLimitExceeded") return
      expect(error.retMsg).toBeUndefined()
      expect(error.retCode).toBeUndefined()
      expect(error.detail).toMatch(/^not sent/)
      expect(error.message).toContain("not sent")
      expect(error.resetAt).toBe(NOW + 30_000)
      expect(seen).toHaveLength(1)
    })
  )

  const rejected = (scripted: Scripted) =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const { layer } = scriptedClient(() => scripted)
      const exit = yield* Effect.exit(
        Withdrawals.cancel({ id: "1" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      return failureOf(exit)
    })

  it.effect("a 429's reset header, Retry-After seconds and Retry-After dates far ahead are 10 minutes away", () =>
    Effect.gen(function* () {
      const far = [
        { status: 429, headers: { "x-bapi-limit-reset-timestamp": "9999999999999" } },
        { status: 429, headers: { "retry-after": "99999999" } },
        { status: 429, headers: { "retry-after": "601" } },
        { status: 429, headers: { "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" } }
      ]
      for (const answer of far) {
        const error = yield* rejected(answer)
        expect(error?._tag).toBe("RateLimitExceeded")
        expect((error as { resetAt?: number } | undefined)?.resetAt).toBe(NOW + 600_000)
      }
      const near = yield* rejected({ status: 429, headers: { "retry-after": "5" } })
      expect((near as { resetAt?: number } | undefined)?.resetAt).toBe(NOW + 5_000)
    })
  )

  it.effect("a 10006 with a reset far ahead is not retried at once: its wait is past maxRateLimitWait", () =>
    Effect.gen(function* () {
      const tooFar = {
        status: 200,
        headers: { "x-bapi-limit-reset-timestamp": "9999999999999" },
        body: JSON.stringify({ retCode: 10006, retMsg: "Too many visits!", result: {} })
      }
      yield* TestClock.setTime(NOW)
      const { seen, layer } = scriptedClient(() => tooFar)
      const fiber = yield* Effect.fork(
        Withdrawals.cancel({ id: "1" }).pipe(Effect.provide(scriptedLayer(layer, { maxRateLimitWait: "1 second" })))
      )
      yield* TestClock.adjust(5_000)
      const exit = yield* Fiber.await(fiber)
      const error = failureOf(exit)
      expect(error?._tag).toBe("RateLimitExceeded")
      expect((error as { resetAt?: number } | undefined)?.resetAt).toBe(NOW + 600_000)
      expect(seen).toHaveLength(1)
    })
  )
})
