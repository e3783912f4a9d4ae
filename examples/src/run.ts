/**
 * Runs an example as `NodeRuntime.runMain` would, without pulling in `@effect/platform-node`:
 * Ctrl+C or SIGTERM interrupts the program (so its finalizers run, e.g. the mock server closes), a
 * failure is printed in plain words and sets exit code 1, an interruption exits 0.
 */
import { Cause, ConfigError, Effect, Exit, Option } from "effect"

/** One readable line for what made the program fail. */
const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) return `Unexpected defect (a bug):\n${Cause.pretty(cause)}`
  const error = failure.value
  // The examples turn every typed error into a sentence; anything else still gets its message.
  if (typeof error === "string") return error
  if (ConfigError.isConfigError(error)) return `Configuration problem: ${String(error)}`
  if (typeof error === "object" && error !== null && "_tag" in error && "message" in error) {
    return `${String(error._tag)}: ${String(error.message)}`
  }
  return String(error)
}

/**
 * Forks `effect`, interrupts it on SIGINT/SIGTERM, and sets `process.exitCode` from its exit.
 */
export const runMain = <A, E>(effect: Effect.Effect<A, E>): void => {
  // Like NodeRuntime: keep the process alive while the fiber runs, even with nothing else pending.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  const fiber = Effect.runFork(effect)
  const interrupt = (): void => fiber.unsafeInterruptAsFork(fiber.id())
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)
  fiber.addObserver((exit) => {
    clearInterval(keepAlive)
    process.off("SIGINT", interrupt)
    process.off("SIGTERM", interrupt)
    if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
      console.error(`\n✘ ${describeFailure(exit.cause)}`)
      process.exitCode = 1
    }
  })
}
