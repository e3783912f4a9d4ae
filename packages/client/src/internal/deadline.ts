import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"

/**
 * Fails with `onTimeout()` when `self` has not completed within `millis` of real time, interrupting
 * it (which aborts the HTTP request).
 *
 * Cheaper than `Effect.timeoutFail` (one child fiber and a native timer instead of a race of two
 * fibers on the `Clock`): this runs on every request. The child starts at once, in the same tick
 * (`Runtime.runFork` with the caller's context, fiber refs and runtime flags), rather than being
 * scheduled like `Effect.fork`'s; it is forked inside the registration of the waiting `async`, so
 * no interruption can come between the two and leave it running unobserved. The deadline is
 * wall-clock time, like a socket timeout: `TestClock` does not move it.
 */
export const withDeadline = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.withFiberRuntime((parent, status) =>
    Effect.async<A, E | E2>((resume) => {
      const child = Runtime.runFork(
        Runtime.make({
          context: parent.currentContext,
          runtimeFlags: status.runtimeFlags,
          fiberRefs: parent.getFiberRefs()
        }),
        self
      )
      let settled = false
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        child.unsafeInterruptAsFork(FiberId.none)
        resume(Effect.fail(onTimeout()))
      }, millis)
      child.addObserver((exit) => {
        clearTimeout(timer)
        if (settled) return
        settled = true
        resume(exit)
      })
      return Effect.sync(() => {
        settled = true
        clearTimeout(timer)
        child.unsafeInterruptAsFork(FiberId.none)
      })
    })
  )
