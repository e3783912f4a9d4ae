import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"

/** The `Clock` every fiber has unless a test or the caller provides another (e.g. `TestClock`). */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/**
 * Fails with `onTimeout()` when `self` has not completed within `millis` of Effect's `Clock`,
 * interrupting it (which aborts the HTTP request).
 *
 * Under Effect's live clock this is a native timer: cheaper than `Effect.timeoutFail` (one child
 * fiber and a native timer instead of a race of two fibers on the `Clock`), and this runs on every
 * request. Under any other `Clock` (a `TestClock`, a clock of the caller's) it is
 * `Effect.timeoutFail`, which sleeps on that clock: `TestClock.adjust` past `millis` times out.
 */
export const withDeadline = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.clockWith((clock) =>
    clock === liveClock
      ? nativeDeadline(self, millis, onTimeout)
      : Effect.timeoutFail(self, { duration: millis, onTimeout })
  )

/** The deadline on a native timer (wall-clock time), for Effect's live clock. */
const nativeDeadline = <A, E, E2>(
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
