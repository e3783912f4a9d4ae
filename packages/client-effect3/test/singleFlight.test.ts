import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { Withdrawals } from "../src/index.js"
import * as SingleFlight from "../src/internal/singleFlight.js"
import { clientLayer, freshExchange, useMsw } from "./support.js"

useMsw()

const CANCEL = "/v5/asset/withdraw/cancel"
const cancelsOf = (exchange: ReturnType<typeof freshExchange>, id: string) =>
  exchange.requests().filter((r) => r.path === CANCEL && JSON.parse(r.body).id === id)

const many = <A, E, R>(n: number, effect: Effect.Effect<A, E, R>) =>
  Effect.all(
    Array.from({ length: n }, () => Effect.exit(effect)),
    { concurrency: "unbounded" }
  )

describe("Withdrawals.cancel: one request per withdrawal at a time", () => {
  it.effect("a cancel after the shared one has ended sends a new request", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* many(5, Withdrawals.cancel({ id: "10197" }))
      expect(cancelsOf(exchange, "10197")).toHaveLength(1)
      // Already cancelled by then: the exchange answers again, 131099, and the client says so.
      const again = yield* Effect.flip(Withdrawals.cancel({ id: "10197" }))
      expect(again._tag).toBe("WithdrawalNotCancellable")
      expect(cancelsOf(exchange, "10197")).toHaveLength(2)
    }).pipe(Effect.provide(clientLayer({ retry: false })))
  )
})

describe("SingleFlight", () => {
  it.effect("runs once per key while in flight, and again after", () =>
    Effect.gen(function* () {
      const flight = SingleFlight.make<string>()
      const gate = yield* Deferred.make<void>()
      let runs = 0
      const work = () =>
        Effect.zipRight(
          Effect.sync(() => runs++),
          Effect.as(Deferred.await(gate), "done")
        )
      const leader = yield* Effect.fork(flight.run("a", work))
      const follower = yield* Effect.fork(flight.run("a", work))
      const other = yield* Effect.fork(flight.run("b", work))
      for (let i = 0; i < 50; i++) yield* Effect.yieldNow() // let the three fibers start
      expect(runs).toBe(2) // "a" once, "b" once
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(leader)).toBe("done")
      expect(yield* Fiber.join(follower)).toBe("done")
      expect(yield* Fiber.join(other)).toBe("done")
      expect(yield* flight.run("a", work)).toBe("done")
      expect(runs).toBe(3)
    })
  )

  for (const sentFirst of [true, false]) {
    it.effect(
      `when the caller running it gives up ${sentFirst ? "after" : "before"} sending, a waiting caller runs it again, told so`,
      () =>
        Effect.gen(function* () {
          const flight = SingleFlight.make<string>()
          const told: Array<boolean> = []
          let stopped = 0
          const never = (run: SingleFlight.Run) =>
            Effect.zipRight(
              Effect.sync(() => {
                told.push(run.interrupted)
                if (sentFirst) run.sent()
              }),
              Effect.onInterrupt(Effect.never, () => Effect.sync(() => stopped++))
            )
          const callers = yield* Effect.forEach([1, 2, 3], () => Effect.fork(flight.run("a", never)))
          for (let i = 0; i < 50; i++) yield* Effect.yieldNow()
          expect(told).toEqual([false])
          yield* Fiber.interrupt(callers[0]!)
          for (let i = 0; i < 50; i++) yield* Effect.yieldNow()
          expect(stopped).toBe(1)
          // One of the two waiting callers runs it again, knowing whether the first run was sent.
          expect(told).toEqual([false, sentFirst])
          yield* Fiber.interrupt(callers[1]!)
          yield* Fiber.interrupt(callers[2]!)
          expect(yield* flight.run("a", () => Effect.succeed("fresh"))).toBe("fresh")
        })
    )
  }

  it.effect("shares a failure and a defect as they are", () =>
    Effect.gen(function* () {
      const flight = SingleFlight.make<number>()
      const gate = yield* Deferred.make<void>()
      const failing = Effect.zipRight(Deferred.await(gate), Effect.fail("no" as const))
      const fibers = yield* Effect.forEach([1, 2, 3], () => Effect.fork(Effect.exit(flight.run(1, () => failing))))
      yield* Deferred.succeed(gate, undefined)
      const exits = yield* Effect.forEach(fibers, Fiber.join)
      for (const exit of exits) expect(exit).toStrictEqual(Exit.fail("no"))
      const dying = yield* Effect.exit(flight.run(2, () => Effect.die("bug")))
      expect(Exit.isFailure(dying) && !Exit.isInterrupted(dying)).toBe(true)
    })
  )
})
