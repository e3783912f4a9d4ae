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

/** An Effect `Console` over a Node console writing to `stdout`/`stderr`. */
const captureConsole = (node: globalThis.Console): Console.Console => {
  const run =
    <Args extends ReadonlyArray<unknown>>(f: (...args: Args) => void) =>
    (...args: Args) =>
      Effect.sync(() => f(...args))
  return {
    [Console.TypeId]: Console.TypeId,
    assert: run((condition: boolean, ...args: ReadonlyArray<unknown>) =>
      node.assert(condition, ...(args as Array<string>))
    ),
    clear: Effect.void,
    count: run((label?: string) => node.count(label)),
    countReset: run((label?: string) => node.countReset(label)),
    debug: run((...args: ReadonlyArray<unknown>) => node.debug(...args)),
    dir: run((item: unknown, options?: unknown) => node.dir(item, options as never)),
    dirxml: run((...args: ReadonlyArray<unknown>) => node.dirxml(...args)),
    error: run((...args: ReadonlyArray<unknown>) => node.error(...args)),
    group: run((options?: { readonly label?: string | undefined }) => node.group(options?.label)),
    groupEnd: Effect.sync(() => node.groupEnd()),
    info: run((...args: ReadonlyArray<unknown>) => node.info(...args)),
    log: run((...args: ReadonlyArray<unknown>) => node.log(...args)),
    table: run((data: unknown, properties?: ReadonlyArray<string>) => node.table(data, properties)),
    time: run((label?: string) => node.time(label)),
    timeEnd: run((label?: string) => node.timeEnd(label)),
    timeLog: run((label?: string, ...args: ReadonlyArray<unknown>) => node.timeLog(label, ...args)),
    trace: run((...args: ReadonlyArray<unknown>) => node.trace(...args)),
    warn: run((...args: ReadonlyArray<unknown>) => node.warn(...args)),
    unsafe: node
  }
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
  const console = captureConsole(new NodeConsole({ stdout: out.stream, stderr: err.stream, colorMode: false }))
  const exit = await Effect.runPromiseExit(
    program.pipe(
      Effect.withConsole(console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
  )
  const { code, stderr } = report(exit, options)
  return { code, stdout: out.text(), stderr: `${err.text()}${stderr === undefined ? "" : `${stderr}\n`}` }
}
