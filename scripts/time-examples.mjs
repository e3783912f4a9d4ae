#!/usr/bin/env node
// How long each example takes to start as the README runs it: from the command to its own first
// line on stdout, and to its exit. Runs each command `--runs N` times (default 3) and prints the medians.
//
//   node scripts/time-examples.mjs [--runs N] [--command '<cmd with {name}>']
//
// The default command is the quick start's: `npx --yes pnpm@<pinned> -s --filter @effect-bybit/examples {name}`.
// Compare two ways of running in the same run (the machine's load changes from minute to minute).
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const pnpm = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    command: { type: "string", multiple: true }
  }
})
const commands = values.command ?? [`npx --yes ${pnpm} -s --filter @effect-bybit/examples {name}`]
const names = ["cancel-withdrawal", "cancel-pending", "errors-tour", "two-accounts", "tracing"]

const once = (line) =>
  new Promise((done, fail) => {
    const started = performance.now()
    let first
    // GNU time adds the CPU time the command and its children used: on a busy machine the wall
    // clock waits for other work, the CPU time is about what the wall clock is on an idle one.
    const child = spawn("/usr/bin/time", ["-f", "__cpu %U %S", "sh", "-c", line], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let err = ""
    // The example's own first line, not pnpm's echo of the script (`> name script`).
    let out = ""
    child.stdout.on("data", (chunk) => {
      out += chunk
      if (first === undefined && out.split("\n").some((l) => l.trim() !== "" && !l.startsWith("> "))) {
        first = performance.now() - started
      }
    })
    child.stderr.on("data", (chunk) => {
      err += chunk
    })
    child.on("error", fail)
    child.on("close", (code) => {
      if (code !== 0) fail(new Error(`${line}: exit ${code}`))
      const cpu = /__cpu ([\d.]+) ([\d.]+)/.exec(err)
      done({
        first: first ?? Number.NaN,
        total: performance.now() - started,
        cpu: cpu === null ? Number.NaN : (Number(cpu[1]) + Number(cpu[2])) * 1000
      })
    })
  })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const s = (ms) => `${(ms / 1000).toFixed(2)} s`

for (const name of names) {
  const runs = commands.map(() => [])
  // One at a time (the runs must not slow each other down), the commands taking turns, so a change
  // of the machine's load falls on each of them alike.
  for (let i = 0; i < Number(values.runs); i++) {
    for (const [c, command] of commands.entries()) runs[c].push(await once(command.replaceAll("{name}", name)))
  }
  for (const [c, command] of commands.entries()) {
    const m = (key) => s(median(runs[c].map((r) => r[key])))
    console.log(`${name.padEnd(18)} first line ${m("first")}, exit ${m("total")}, CPU ${m("cpu")}  (${command})`)
  }
}
