import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/** The `Clock` every fiber has unless a test or the caller provides another (e.g. `TestClock`). */
const liveClock = Effect.runSync(Effect.clockWith(Effect.succeed))

/** The longest a Node timer waits; a longer `setTimeout` fires at once. Effect's `Clock` splits it. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * Fails with `onTimeout()` when `self` has not completed within `millis` of Effect's `Clock`,
 * interrupting it (which aborts the HTTP request). Under the live clock it is one child fiber and a
 * native timer, where `Effect.timeoutOrElse` races on the `Clock`; under any other `Clock` (a
 * `TestClock`), or longer than a timer holds, it is `Effect.timeoutOrElse`, which sleeps on that clock.
 */
export const withDeadline = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.clockWith((clock: Clock.Clock) =>
    clock === liveClock && millis <= MAX_TIMER_MILLIS
      ? nativeDeadline(self, millis, onTimeout)
      : Effect.timeoutOrElse(self, { duration: millis, orElse: () => Effect.fail(onTimeout()) })
  )

const nativeDeadline = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  // The child ends with its outcome as a value: a failure it hands over is not "unhandled". It
  // starts at once (no scheduler hop) and is interrupted with its parent, so nothing leaks.
  Effect.flatMap(Effect.forkChild(Effect.exit(self), { startImmediately: true }), (child) => {
    const done = child.pollUnsafe()
    if (done !== undefined) return Exit.isSuccess(done) ? done.value : (done as Exit.Exit<never>)
    return Effect.callback<A, E | E2>((resume) => {
      const timer = setTimeout(() => {
        stop()
        child.interruptUnsafe()
        resume(Effect.fail(onTimeout()))
      }, millis)
      const stop = child.addObserver((exit) => {
        clearTimeout(timer)
        resume(Exit.isSuccess(exit) ? exit.value : (exit as Exit.Exit<never>))
      })
      return Effect.sync(() => {
        clearTimeout(timer)
        stop()
        child.interruptUnsafe()
      })
    })
  })
