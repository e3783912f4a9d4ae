/**
 * Runs an example as `NodeRuntime.runMain` would, without pulling in `@effect/platform-node`:
 * Ctrl+C or SIGTERM interrupts the program (so its finalizers run, e.g. the mock server closes), a
 * failure is printed in plain words and sets exit code 1.
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
 * An interrupted job was not done, so it exits 130 (as a shell does after Ctrl+C), unless being
 * stopped is its normal end (a server): `{ interruptedExitCode: 0 }`.
 */
export const runMain = <A, E>(
  effect: Effect.Effect<A, E>,
  options: { readonly interruptedExitCode?: number } = {}
): void => {
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
    if (Exit.isSuccess(exit)) return
    if (Cause.isInterruptedOnly(exit.cause)) {
      const code = options.interruptedExitCode ?? 130
      if (code !== 0) {
        console.error("\n✘ Interrupted before the end. A request in flight may have reached the exchange: check first.")
      }
      process.exitCode = code
      return
    }
    console.error(`\n✘ ${describeFailure(exit.cause)}`)
    process.exitCode = 1
  })
}
