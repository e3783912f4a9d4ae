/**
 * Runs an example's program inside the test's process: its `Console` output is captured, its
 * environment is a `ConfigProvider` of the test's choosing (never the machine's BYBIT_* variables),
 * and its exit code and stderr line come from `report`, the same function `runMain` uses. Only the
 * process boundary itself (signals, the exit code reaching the shell) needs a child process:
 * `boundary.test.ts`.
 */
import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import { ConfigProvider, Console, Effect } from "effect"
import { type RunOptions, report } from "../src/run.js"

export interface Finished {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A stream that keeps what is written to it (synchronously, like a pipe on Linux). */
const sink = () => {
  let text = ""
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    }
  })
  return { stream, text: () => text }
}

/**
 * Runs `program` to its end with `env` as its whole environment, as `runMain` would report it.
 * Not concurrently with another: the mock target starts MSW, which patches this process's `fetch`.
 */
export const runInProcess = async <A, E>(
  program: Effect.Effect<A, E>,
  env: Readonly<Record<string, string>> = {},
  options: RunOptions = {}
): Promise<Finished> => {
  const out = sink()
  const err = sink()
  // Effect 4's Console is the Console interface itself: a Node console writing to the sinks.
  const console = new NodeConsole({ stdout: out.stream, stderr: err.stream, colorMode: false })
  const exit = await Effect.runPromiseExit(
    program.pipe(
      Effect.provideService(Console.Console, console),
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({ ...env }))
    )
  )
  const { code, stderr } = report(exit, options)
  return { code, stdout: out.text(), stderr: `${err.text()}${stderr === undefined ? "" : `${stderr}\n`}` }
}
