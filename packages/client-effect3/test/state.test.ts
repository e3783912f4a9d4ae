// Point 5 of issue 10: no single bad answer poisons later calls (server time, rate-limit headers).
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { BybitClient, Withdrawals } from "../src/index.js"
import { CANCEL_OK, type Scripted, scriptedClient, scriptedLayer } from "./scripted.js"

const NOW = 1672531200000
const TIME = "/v5/market/time"
const CANCEL = "/v5/asset/withdraw/cancel"

const timeAnswer = (timeSecond: unknown, timeNano: unknown): Scripted => ({
  status: 200,
  body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { timeSecond, timeNano }, time: NOW })
})
const goodTime = timeAnswer(String(NOW / 1000), `${NOW}000000`)

describe("a server time that is not plausible is refused and not kept", () => {
  for (const [label, bad] of [
    ["timeNano 'abc'", timeAnswer("abc", "abc")],
    ["timeNano '-1'", timeAnswer("-1", "-1")],
    ["timeNano '1e300'", timeAnswer("1e300", "1e300")],
    ["timeNano of 300 digits", timeAnswer("1".repeat(300), "1".repeat(300))],
    ["the far future (year 3000)", timeAnswer("32503680000", "32503680000000000000")],
    ["25 hours ahead", timeAnswer(String(NOW / 1000 + 90_000), `${NOW + 90_000_000}000000`)],
    ["25 hours behind", timeAnswer(String(NOW / 1000 - 90_000), `${NOW - 90_000_000}000000`)],
    ["zero", timeAnswer("0", "0")],
    ["the largest 30-digit number", timeAnswer("9".repeat(21), "9".repeat(30))]
  ] as const) {
    it.effect(`${label}: UnreadableResponse, nothing sent; the next call measures again and succeeds`, () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(NOW)
        let timeCalls = 0
        const { seen, layer } = scriptedClient((s) => {
          if (s.path !== TIME) return CANCEL_OK
          return timeCalls++ === 0 ? bad : goodTime
        })
        yield* Effect.gen(function* () {
          const first = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
          expect(first).toMatchObject({ _tag: "UnreadableResponse" })
          const offset0 = yield* BybitClient.clockOffset
          expect(Option.isNone(offset0)).toBe(true)
          const second = yield* Withdrawals.cancel({ id: "10197" })
          expect(second.status).toBe("cancelled")
          expect(yield* BybitClient.clockOffset).toEqual(Option.some(0))
        }).pipe(Effect.provide(scriptedLayer(layer, { timeSync: true, retry: false })))
        expect(seen.map((s) => s.path)).toEqual([TIME, TIME, CANCEL])
      })
    )
  }

  it.effect("a real offset within the bound (3 hours) is kept", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW - 3 * 3_600_000)
      const { layer } = scriptedClient((s) => (s.path === TIME ? goodTime : CANCEL_OK))
      const offset = yield* Effect.gen(function* () {
        yield* Withdrawals.cancel({ id: "10197" })
        return yield* BybitClient.clockOffset
      }).pipe(Effect.provide(scriptedLayer(layer, { timeSync: true, retry: false })))
      expect(offset).toEqual(Option.some(3 * 3_600_000))
    })
  )
})

describe("rate-limit headers are kept only when sane", () => {
  const sane = { "x-bapi-limit": "60", "x-bapi-limit-status": "59", "x-bapi-limit-reset-timestamp": String(NOW) }
  for (const bad of ["0x10", "-5", "1e300", "12abc", "1.5", "", "Infinity", "99999999999999999999"]) {
    for (const header of ["x-bapi-limit", "x-bapi-limit-status", "x-bapi-limit-reset-timestamp"] as const) {
      it.effect(`${header}: ${JSON.stringify(bad)} is ignored; the last sane status stays`, () =>
        Effect.gen(function* () {
          // Reset times are believed only near now (server time): the clock is at NOW.
          yield* TestClock.setTime(NOW)
          const { layer } = scriptedClient((_, n) =>
            n === 0 ? { ...CANCEL_OK, headers: sane } : { ...CANCEL_OK, headers: { ...sane, [header]: bad } }
          )
          yield* Effect.gen(function* () {
            const first = yield* Withdrawals.cancel({ id: "10197" })
            expect(first.rateLimit).toEqual({ path: CANCEL, limit: 60, remaining: 59, resetAt: NOW })
            const second = yield* Withdrawals.cancel({ id: "10197" })
            expect(second.rateLimit).toBeUndefined()
            expect(yield* BybitClient.rateLimitStatus(CANCEL)).toEqual(first.rateLimit)
          }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
        })
      )
    }
  }

  it.effect("a reset header of 1e300 on a 10006 is not waited for", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient(() => ({
        status: 200,
        body: JSON.stringify({ retCode: 10006, retMsg: "Too many visits!" }),
        headers: { "x-bapi-limit-reset-timestamp": "1e300" }
      }))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      expect(error).toMatchObject({ _tag: "RateLimitExceeded", retCode: 10006 })
      expect(error).not.toHaveProperty("resetAt")
      expect(String(error)).not.toMatch(/Invalid|NaN/)
      expect(seen).toHaveLength(1)
    })
  )
})
