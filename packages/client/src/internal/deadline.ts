import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"

/**
 * Fails with `onTimeout()` when `self` has not completed within `millis` of real time, interrupting
 * it (which aborts the HTTP request).
 *
 * Cheaper than `Effect.timeoutFail` (one child fiber and a native timer instead of a race of two
 * fibers on the `Clock`): this runs on every request. The deadline is wall-clock time, like a socket
 * timeout: `TestClock` does not move it.
 */
export const withDeadline = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.uninterruptibleMask((restore) =>
    // The child ends with its outcome as a value: a failure it handed over is not "unhandled"
    // (Effect logs those at Debug level).
    Effect.flatMap(Effect.forkDaemon(Effect.exit(restore(self))), (child) =>
      restore(
        Effect.async<A, E | E2>((resume) => {
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
            // The outcome of `self`; the child itself can only fail by being interrupted.
            resume(Exit.isSuccess(exit) ? exit.value : Exit.failCause(exit.cause))
          })
          return Effect.sync(() => {
            settled = true
            clearTimeout(timer)
            child.unsafeInterruptAsFork(FiberId.none)
          })
        })
      )
    )
  )
