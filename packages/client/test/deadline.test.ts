import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
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
