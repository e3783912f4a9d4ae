/**
 * Runs an example with `NodeRuntime.runMain` from `@effect/platform-node`: Ctrl+C or SIGTERM
 * interrupts the program (so its finalizers run, e.g. the mock server closes). What the examples
 * add is the exit report: a failure is one readable line on stderr and exit code 1; an interrupted
 * job exits 130 (as a shell does after Ctrl+C) unless being stopped is its normal end (a server).
 */
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { runMain as nodeRunMain } from "@effect/platform-node/NodeRuntime"
import { Cause, Config, type Effect, Exit, Option } from "effect"

/** One readable line for what made the program fail. */
const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isNone(failure)) return `Unexpected defect (a bug):\n${Cause.pretty(cause)}`
  const error = failure.value
  // The examples turn every typed error into a sentence; anything else still gets its message.
  if (typeof error === "string") return error
  if (error instanceof Config.ConfigError) return `Configuration problem: ${String(error)}`
  if (typeof error === "object" && error !== null && "_tag" in error && "message" in error) {
    return `${String(error._tag)}: ${String(error.message)}`
  }
  return String(error)
}

export interface RunOptions {
  /** The exit code after an interruption (Ctrl+C, SIGTERM); default 130. */
  readonly interruptedExitCode?: number
}

/** What a finished example reports: its exit code and, unless it succeeded, a line for stderr. */
export interface Report {
  readonly code: number
  readonly stderr?: string
}

/** The exit code and stderr line for `exit` (the tests run examples in process and check this). */
export const report = (exit: Exit.Exit<unknown, unknown>, options: RunOptions = {}): Report => {
  if (Exit.isSuccess(exit)) return { code: 0 }
  if (Cause.hasInterruptsOnly(exit.cause)) {
    const code = options.interruptedExitCode ?? 130
    return code === 0
      ? { code }
      : {
          code,
          stderr: "\n✘ Interrupted before the end. A request in flight may have reached the exchange: check first."
        }
  }
  return { code: 1, stderr: `\n✘ ${describeFailure(exit.cause)}` }
}

/**
 * Runs `effect` as the process's main program (`NodeRuntime.runMain`), with the exit code and
 * stderr line of `report` instead of its default error log.
 */
export const runMain = <A, E>(effect: Effect.Effect<A, E>, options: RunOptions = {}): void =>
  nodeRunMain(effect, {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      const { code, stderr } = report(exit, options)
      if (stderr !== undefined) console.error(stderr)
      onExit(code)
    }
  })

/**
 * Whether the module of `meta` is the script node was started with (`tsx cancel-withdrawal.ts`),
 * rather than imported (by the tests, which run the examples' programs in process).
 */
export const isEntryPoint = (meta: ImportMeta): boolean =>
  process.argv[1] !== undefined && fileURLToPath(meta.url) === resolve(process.argv[1])
