import { type ChildProcess, execFile, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"

export const MOCKS_DIR = fileURLToPath(new URL("..", import.meta.url))
// `node --import tsx`: one process per server, not tsx's CLI (a parent relaying signals to a child).
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

export interface Spawned {
  readonly url: string
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Sends `signal` and resolves with the exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/**
 * How long a starting server may take to print its URL: a bound that only catches a hang. On a
 * loaded machine a process that loads tsx (or npx, pnpm) takes many times its usual second.
 */
const READY_MS = 120_000

/**
 * Resolves with the URL a starting server prints ("listening on http://127.0.0.1:N"); rejects if
 * it exits first or is not ready in `timeoutMs`. `kill` stops it (the process, or its group).
 */
const whenListening = (
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  kill: (signal: NodeJS.Signals) => void
): Promise<Spawned> =>
  new Promise((resolve, reject) => {
    let out = ""
    let err = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const timer = setTimeout(() => {
      kill("SIGKILL")
      reject(new Error(`${what} did not start: ${out}${err}`))
    }, timeoutMs)
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m !== null) {
        clearTimeout(timer)
        resolve({
          url: m[1]!,
          child,
          stdout: () => out,
          stderr: () => err,
          stop: (signal = "SIGTERM") => {
            kill(signal)
            return exited
          }
        })
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code} before it was ready: ${out}${err}`))
    })
  })

/** Runs any command that starts the server and resolves with the URL it prints when ready. */
export const spawnListening = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }
): Promise<Spawned> => {
  // In its own process group, as a terminal starts a command: `groupKill` is then Ctrl-C.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  return whenListening(child, command, READY_MS, (signal) => child.kill(signal))
}

/** Signals a spawned process's whole group (a terminal's Ctrl-C is SIGINT to the foreground group). */
export const groupKill = (proc: Spawned, signal: NodeJS.Signals): void => {
  try {
    process.kill(-proc.child.pid!, signal)
  } catch {
    // already gone
  }
}

/** Runs `src/bin.ts` (as `pnpm mock` does) and resolves with the URL it prints when ready. */
export const spawnBin = (
  args: ReadonlyArray<string>,
  options: { readonly nodeOptions?: ReadonlyArray<string> } = {}
): Promise<Spawned> => {
  const node = [
    ...(options.nodeOptions ?? []),
    "--import",
    TSX_LOADER,
    "--conditions=@effect-bybit/source",
    "src/bin.ts"
  ]
  const child = spawn(process.execPath, [...node, ...args], {
    cwd: MOCKS_DIR,
    stdio: ["ignore", "pipe", "pipe"]
  })
  return whenListening(child, "mock server", READY_MS, (signal) => child.kill(signal))
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command without blocking the event loop (an in-process server must keep answering). */
export const run = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {}
): Promise<RunResult> =>
  new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...options.env }, cwd: options.cwd ?? MOCKS_DIR, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resolve({ code, stdout, stderr })
      }
    )
  })

/** Whether `file args` runs and exits 0. */
export const succeeds = async (file: string, args: ReadonlyArray<string>): Promise<boolean> =>
  (await run(file, args).catch(() => ({ code: 1 }))).code === 0

/**
 * Runs `npx pnpm@<pinned> mock --port 0` from the workspace root in its own process group and
 * resolves with the URL it prints; `stop` signals the whole group (npx, pnpm, tsx, node).
 */
export const spawnPnpmMock = (pnpmVersion: string): Promise<Spawned> => {
  // The pnpm running this suite (`pnpm test`) when there is one: the same root script, without the
  // second or so npx takes to find the pinned pnpm the README's line names.
  const execpath = process.env.npm_execpath ?? ""
  const [command, pnpm] = /pnpm\.c?js$/.test(execpath)
    ? [process.execPath, [execpath]]
    : ["npx", ["--yes", `pnpm@${pnpmVersion}`]]
  const child = spawn(command, [...pnpm, "mock", "--port", "0"], {
    cwd: `${MOCKS_DIR}..`,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  return whenListening(child, "pnpm mock", READY_MS, (signal) => {
    try {
      process.kill(-child.pid!, signal)
    } catch {
      // already gone
    }
  })
}
