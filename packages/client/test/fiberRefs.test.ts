// internal/fiberRefs.ts: several FiberRefs set for a region in one change, and each back to its
// value however the region ends (success, failure, defect, interruption), as `Effect.locally` does.
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, FiberRef } from "effect"
import { setting, withFiberRefs } from "../src/internal/fiberRefs.js"

const a = FiberRef.unsafeMake("a0")
const b = FiberRef.unsafeMake(0)
const both = Effect.all([FiberRef.get(a), FiberRef.get(b)])

describe("withFiberRefs", () => {
  it.effect("sets every FiberRef inside, from the running fiber's values", () =>
    Effect.gen(function* () {
      yield* FiberRef.set(b, 41)
      const inside = yield* withFiberRefs(both, (fiber) => [setting(a, "a1"), setting(b, fiber.getFiberRef(b) + 1)])
      expect(inside).toEqual(["a1", 42])
      expect(yield* both).toEqual(["a0", 41])
    })
  )

  it.effect("puts them back after a failure and after a defect, passing the cause on", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.exit(withFiberRefs(Effect.fail("no"), () => [setting(a, "a1")]))
      expect(failed).toEqual(Exit.fail("no"))
      expect(yield* both).toEqual(["a0", 0])
      const died = yield* Effect.exit(withFiberRefs(Effect.die("boom"), () => [setting(a, "a1"), setting(b, 7)]))
      expect(died).toEqual(Exit.die("boom"))
      expect(yield* both).toEqual(["a0", 0])
    })
  )

  it.effect("puts them back when the region is interrupted (seen by a finalizer of the same fiber)", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>()
      const seen = yield* Deferred.make<ReadonlyArray<unknown>>()
      const fiber = yield* Effect.fork(
        withFiberRefs(Effect.zipRight(Deferred.succeed(started, undefined), Effect.never), () => [
          setting(a, "a1"),
          setting(b, 9)
        ]).pipe(Effect.onInterrupt(() => Effect.flatMap(both, (values) => Deferred.succeed(seen, values))))
      )
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      expect(yield* Deferred.await(seen)).toEqual(["a0", 0])
    })
  )

  it.effect("leaves a FiberRef the region set itself to the region's own value only where it set it", () =>
    Effect.gen(function* () {
      // A setting the region makes of another FiberRef stays (only the given ones are put back).
      yield* withFiberRefs(FiberRef.set(b, 5), () => [setting(a, "a1")])
      expect(yield* both).toEqual(["a0", 5])
    })
  )
})
