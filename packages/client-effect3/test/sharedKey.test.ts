/**
 * Issue 19, point 8: pacing that shares a key. Two clients (two `BybitClient.layer`s, as two
 * processes would be) on ONE API key, 100 cancels each at once, against ONE mock exchange and its
 * real per-UID limit of the cancel endpoint (60 per 60 s window): all 200 end cancelled, at most 5
 * answers are 10006 in total, and the run takes at most 1.2x the least time the limit allows.
 *
 * The least time: the mock's windows are fixed, each opening at its first request and holding 60;
 * 200 requests fill 4 windows (60 + 60 + 60 + 20), and the 4th can open no earlier than 3 x 60 s
 * after the first request: (ceil(200 / 60) - 1) x 60 s = 180 s.
 *
 * In virtual time (the exchange follows the TestClock); the figures are printed:
 *   npx vitest run --project client test/sharedKey.test.ts
 */
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { Clock, Effect, Exit, Layer } from "effect"
import { BybitClient, Withdrawals } from "../src/index.js"
import { CANCEL, clientOptions, exchangeLayer, ids, pending, runVirtual, tagOf } from "./issue19.js"

const LIMIT = 60
const WINDOW_MS = 60_000
const FIRST = ids(710_000, 100)
const SECOND = ids(720_000, 100)
const TOTAL = FIRST.length + SECOND.length
/** The least time the limit allows between the first request and the last (see above). */
const LEAST_MS = (Math.ceil(TOTAL / LIMIT) - 1) * WINDOW_MS

const cancelAll = (list: ReadonlyArray<string>) =>
  Effect.forEach(list, (id) => Effect.either(Withdrawals.cancel({ id })), { concurrency: "unbounded" })

describe("point 8: two clients on one API key share the cancel endpoint's limit", () => {
  it.scoped(
    `100 cancels each: all 200 cancelled, at most 5 answers 10006, within 1.2x of ${LEAST_MS / 1000} s`,
    () =>
      Effect.gen(function* () {
        const exchange = yield* MockExchange
        // Two layers, each its own client (its own budget, clock offset, single flight), one key.
        const first = yield* Layer.build(BybitClient.layer(clientOptions()))
        const second = yield* Layer.build(BybitClient.layer(clientOptions()))
        const start = yield* Clock.currentTimeMillis
        const exit = yield* runVirtual(
          Effect.all([Effect.provide(cancelAll(FIRST), first), Effect.provide(cancelAll(SECOND), second)], {
            concurrency: 2
          })
        )
        const elapsed = (yield* Clock.currentTimeMillis) - start
        const cancels = exchange.requests().filter((r) => r.path === CANCEL)
        const limited = cancels.filter((r) => r.retCode === 10006).length
        const span = cancels.length === 0 ? 0 : cancels.at(-1)!.time - cancels[0]!.time
        console.log(
          `[sharedKey] 2 clients x 100 cancels, one key, cancel limit ${LIMIT}/${WINDOW_MS / 1000} s: run ${elapsed / 1000} s virtual (first to last cancel request ${span / 1000} s); least the limit allows ${LEAST_MS / 1000} s; ratio ${(elapsed / LEAST_MS).toFixed(3)} (target <= 1.2); ${cancels.length} cancel requests, ${limited} answered 10006 (target <= 5)`
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        if (Exit.isSuccess(exit)) {
          const [a, b] = exit.value
          const failures = [...a, ...b].flatMap((o) => (o._tag === "Left" ? [tagOf(o.left)] : []))
          expect(failures).toEqual([])
        }
        const notCancelled = [...FIRST, ...SECOND].filter((id) => exchange.withdrawal(id)?.status !== "CancelByUser")
        expect(notCancelled).toEqual([])
        expect(limited).toBeLessThanOrEqual(5)
        expect(elapsed).toBeLessThanOrEqual(1.2 * LEAST_MS)
      }).pipe(Effect.provide(exchangeLayer({ withdrawals: [...FIRST, ...SECOND].map(pending) }))),
    60_000
  )
})
