/**
 * Runs an example as a child process, as its package script does: node on the sources, through
 * scripts/source-hooks.mjs and the source condition (one process, so a signal reaches the example
 * itself, as a user's Ctrl+C sent to the whole process group does).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** The examples directory (the scripts' working directory). */
export const EXAMPLES_DIR = fileURLToPath(new URL("..", import.meta.url))
const SOURCE_HOOKS = new URL("../../scripts/source-hooks.mjs", import.meta.url).href

/** The environment of every run: no Bybit credentials, so each example uses the in-process mock. */
const cleanEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra }
  for (const name of Object.keys(env)) if (name.startsWith("BYBIT_") && !(name in extra)) delete env[name]
  return env
}

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves when the process exits. */
  readonly finished: Promise<Finished>
  /** Resolves once stdout matches `pattern` (rejects if the process exits first, or after 120 s: a bound for a hang, not for a slow machine). */
  readonly waitFor: (pattern: RegExp) => Promise<RegExpExecArray>
}

/** Starts `file` (relative to the examples directory) with `args`. */
export const start = (file: string, args: ReadonlyArray<string> = [], env: NodeJS.ProcessEnv = {}): Running => {
  const child = spawn(
    process.execPath,
    ["--import", SOURCE_HOOKS, "--conditions=@effect-bybit/source", file, ...args],
    {
      cwd: EXAMPLES_DIR,
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  let out = ""
  let err = ""
  const listeners = new Set<() => void>()
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString()
    for (const listener of listeners) listener()
  })
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString()
  })
  const finished = new Promise<Finished>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout: out, stderr: err }))
  )
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out)
        if (match === null) return
        cleanup()
        resolve(match)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no ${pattern} within 120 s:\n${out}\n${err}`))
      }, 120_000)
      const cleanup = () => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      listeners.add(check)
      void finished.then(() => {
        if (!listeners.has(check)) return
        cleanup()
        reject(new Error(`exited before ${pattern}:\n${out}\n${err}`))
      })
      check()
    })
  return { child, stdout: () => out, stderr: () => err, finished, waitFor }
}

/** Runs `file` to completion. */
export const run = (file: string, args: ReadonlyArray<string> = [], env: NodeJS.ProcessEnv = {}): Promise<Finished> =>
  start(file, args, env).finished
