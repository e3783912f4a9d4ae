/**
 * Stops the standalone server when the process the user started is gone. `npx` and `pnpm` run the
 * bin under `sh -c`; a SIGTERM to them ends them (and the shell) without reaching the server, which
 * then lives on under PID 1 holding its port. So the bin watches the package runners and shells
 * between it and the user, and stops as if signalled when one of them exits.
 */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"

/** Node-based launchers: node itself, package runners, tsx (their process titles start so). */
const LAUNCHER = /^(node|npm|npx|pnpm|yarn|tsx|corepack)\b/
/** The shells package runners run scripts with (`sh -c`). */
const SHELL = /^(sh|dash|bash)$/

interface Proc {
  readonly ppid: number
  readonly comm: string
}

const readProc = (pid: number): Proc | undefined => {
  try {
    // Linux: "pid (comm) state ppid ...", comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const close = stat.lastIndexOf(")")
    const ppid = Number(stat.slice(close + 2).split(" ")[1])
    // The program's name from its command line: since Node 22 a node process's comm is the name
    // of its main thread ("MainThread"), which says nothing of what runs. comm is the fallback.
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]?.split(" ")[0]?.split("/").pop()
    const comm = argv0 !== undefined && argv0 !== "" ? argv0 : stat.slice(stat.indexOf("(") + 1, close)
    return { ppid, comm }
  } catch {
    try {
      const out = execFileSync("ps", ["-o", "ppid=,comm=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 })
      const m = /^\s*(\d+)\s+(.*)$/.exec(out.trim())
      return m === null ? undefined : { ppid: Number(m[1]), comm: m[2]!.split("/").pop()! }
    } catch {
      return undefined
    }
  }
}

/**
 * The ancestors to watch: from the parent up, each launcher, or shell run by a launcher
 * (`npm exec` → `sh -c` → the bin). The user's own shell, terminal or CI runner is not watched:
 * the bin run straight from a script (`mock-exchange &`, `nohup`) outlives the script.
 */
export const launcherChain = (start: number = process.ppid): ReadonlyArray<number> => {
  const chain: Array<number> = []
  let pid = start
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const proc = readProc(pid)
    if (proc === undefined) break
    const watched =
      LAUNCHER.test(proc.comm) ||
      (SHELL.test(proc.comm) && proc.ppid > 1 && LAUNCHER.test(readProc(proc.ppid)?.comm ?? ""))
    if (!watched) break
    chain.push(pid)
    pid = proc.ppid
  }
  return chain
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Calls `onGone` once, when a watched launcher exits or the bin is orphaned from it (checked every
 * `intervalMs`; the timer never keeps the process alive). Nothing is watched when the parent is
 * not a launcher.
 */
export const watchLaunchers = (onGone: (pid: number) => void, intervalMs = 200): (() => void) => {
  const parent = process.ppid
  const chain = launcherChain(parent)
  if (chain.length === 0) return () => {}
  const timer = setInterval(() => {
    const gone = process.ppid !== parent ? parent : chain.find((pid) => !alive(pid))
    if (gone === undefined) return
    clearInterval(timer)
    onGone(gone)
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
