import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"

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
    // The child's failure is handed to the caller below: it is not "unhandled" (which Effect logs).
    Effect.flatMap(Effect.withUnhandledErrorLogLevel(Effect.forkDaemon(restore(self)), Option.none()), (child) =>
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
            resume(exit)
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
