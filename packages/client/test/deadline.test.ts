import { describe, expect, it } from "@effect/vitest"
import { Clock, Context, DefaultServices, Deferred, Effect, Exit, Fiber, TestClock } from "effect"
import { withDeadline } from "../src/internal/deadline.js"

const timeout = () => "timeout" as const

describe("withDeadline", () => {
  it.live("passes a result that arrives in time", () =>
    Effect.gen(function* () {
      expect(yield* withDeadline(Effect.succeed(1), 1000, timeout)).toBe(1)
      expect(yield* Effect.flip(withDeadline(Effect.fail("boom"), 1000, timeout))).toBe("boom")
    })
  )

  it.live("fails with onTimeout and interrupts the work when it is late", () =>
    Effect.gen(function* () {
      const interrupted = yield* Deferred.make<void>()
      const slow = Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))
      expect(yield* Effect.flip(withDeadline(slow, 20, timeout))).toBe("timeout")
      yield* Deferred.await(interrupted)
    })
  )

  it.live("interrupting the caller interrupts the work", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const work = Deferred.succeed(started, undefined).pipe(
        Effect.zipRight(Effect.never),
        Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
      )
      const fiber = yield* Effect.fork(withDeadline(work, 60_000, timeout))
      yield* Deferred.await(started)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* Deferred.await(interrupted)
    })
  )
})

// The deadline follows Effect's `Clock`: under a TestClock only `TestClock.adjust` moves it.
/** Joins `fiber`, failing when that takes a real second (a deadline on a real timer would take 60 s). */
const joinUnderTestClock = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Fiber.join(fiber).pipe(
    Effect.timeoutFail({ duration: 1000, onTimeout: () => "still waiting on a real timer" as const }),
    Effect.withClock(Clock.make())
  )

describe("withDeadline under a TestClock", () => {
  it.effect("times out once the TestClock passes the deadline, not before", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(withDeadline(Effect.never, 60_000, timeout))
      yield* TestClock.adjust(59_999)
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(1)
      expect(yield* Effect.flip(joinUnderTestClock(fiber))).toBe("timeout")
    })
  )

  it.effect("work that sleeps less than the deadline on the TestClock succeeds", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(withDeadline(Effect.as(Effect.sleep(59_999), "done"), 60_000, timeout))
      yield* TestClock.adjust(120_000)
      expect(yield* joinUnderTestClock(fiber)).toBe("done")
    })
  )

  it.effect("work that sleeps longer than the deadline on the TestClock is interrupted", () =>
    Effect.gen(function* () {
      const interrupted = yield* Deferred.make<void>()
      const slow = Effect.sleep(120_000).pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))
      const fiber = yield* Effect.fork(withDeadline(slow, 60_000, timeout))
      yield* TestClock.adjust(120_000)
      expect(yield* Effect.flip(joinUnderTestClock(fiber))).toBe("timeout")
      expect(yield* Deferred.isDone(interrupted)).toBe(true)
    })
  )
})

describe("withDeadline under the live clock", () => {
  it("a program run as usual has Effect's live clock, which keeps the native timer", async () => {
    // The premise of the fast path: an ordinary runtime's Clock is the liveServices instance.
    const live = Context.get(DefaultServices.liveServices, Clock.Clock)
    expect(await Effect.runPromise(Effect.clockWith((clock) => Effect.succeed(clock === live)))).toBe(true)
    expect(
      await Effect.runPromise(
        Effect.clockWith((clock) => Effect.succeed(clock === live)).pipe(Effect.withClock(Clock.make()))
      )
    ).toBe(false)
  })
})
