// Start time of the CLI: ms from spawning `node <bin> cancel <id> --yes` to the first request the
// mock exchange receives, side by side with bybit-api doing one cancel (RestClientV5.cancelWithdrawal)
// from a cold process, all against one loopback mock, interleaved, median of several runs.
//   - "bundle": dist/bin.js, what the package ships (scripts/bundle.mjs);
//   - "unbundled": build/bin.js, tsc's output importing effect and the workspace packages module by
//     module, as the package shipped before it was bundled (the reference for the bundle's gain);
//   - "no compile cache": the bundle with NODE_DISABLE_COMPILE_CACHE=1 (a first run, or a Node
//     without the cache);
//   - "npx": `npx --no-install effect-bybit` in a scratch project holding the package as it is
//     packed (package.json and `files`): npm's own start comes first, whatever the package;
//   - "npx bybit-api": the baseline's script behind a bin in the same scratch project, started the
//     same way, so the two npx figures pay the same npm start.
// Run: pnpm build, then  bash scripts/node24.sh node packages/cli/bench/startup.mjs [runs]
import { spawn } from "node:child_process"
import { chmodSync, cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MOCK_API_KEY, MOCK_API_SECRET, startMockServer } from "@effect-bybit/mock-exchange"

const here = import.meta.dirname
const cli = join(here, "..")
const root = join(cli, "..", "..")
const runs = Number(process.argv[2] ?? 15)
const bybitApi = createRequire(join(root, "packages/client-effect3/package.json")).resolve("bybit-api")
const server = await startMockServer()
const env = { PATH: process.env.PATH ?? "", BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }
const freshCache = mkdtempSync(join(tmpdir(), "effect-bybit-compile-cache-"))

// The package as installed: what `files` ships, under node_modules, with its bin linked.
const scratch = mkdtempSync(join(tmpdir(), "effect-bybit-npx-"))
const installed = join(scratch, "node_modules", "@effect-bybit", "cli")
mkdirSync(join(scratch, "node_modules", ".bin"), { recursive: true })
for (const file of ["package.json", "README.md", "dist"])
  cpSync(join(cli, file), join(installed, file), { recursive: true })
chmodSync(join(installed, "dist", "bin.js"), 0o755)
symlinkSync(join(installed, "dist", "bin.js"), join(scratch, "node_modules", ".bin", "effect-bybit"))
writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }))
const bybitApiBin = join(scratch, "node_modules", ".bin", "bybit-api-cancel")
writeFileSync(bybitApiBin, `#!/usr/bin/env node\nawait import(${JSON.stringify(join(here, "bybit-api-cancel.mjs"))})\n`)
chmodSync(bybitApiBin, 0o755)

const command = (bin, extraEnv = {}) => ({
  args: [bin, "cancel", "10197", "--yes", "--env", "testnet", "--base-url", server.url],
  env: { ...env, ...extraEnv }
})
const BASELINE = "bybit-api cancelWithdrawal"
const variants = {
  [BASELINE]: { args: [join(here, "bybit-api-cancel.mjs"), bybitApi, server.url, "10197"], env },
  "effect-bybit cancel, bundle": command(join(cli, "dist/bin.js")),
  "effect-bybit cancel, bundle, no compile cache": command(join(cli, "dist/bin.js"), {
    NODE_DISABLE_COMPILE_CACHE: "1"
  }),
  "effect-bybit cancel, unbundled (tsc output)": command(join(cli, "build/bin.js")),
  "npx effect-bybit cancel (installed bundle)": {
    ...command("effect-bybit"),
    npx: true
  },
  "npx bybit-api cancelWithdrawal (same script)": {
    args: ["bybit-api-cancel", bybitApi, server.url, "10197"],
    env,
    npx: true
  }
}

/** ms from spawn to the first request the exchange journals for this process. */
const once = ({ args, env: variantEnv, npx = false }) =>
  new Promise((resolve, reject) => {
    const before = server.exchange.requests().length + server.exchange.requests().dropped
    const start = Date.now()
    const child = npx
      ? spawn("npx", ["--no-install", ...args], {
          cwd: scratch,
          env: { ...variantEnv, HOME: scratch, NODE_COMPILE_CACHE: freshCache },
          stdio: "ignore"
        })
      : spawn(process.execPath, args, { env: { ...variantEnv, NODE_COMPILE_CACHE: freshCache }, stdio: "ignore" })
    child.on("error", reject)
    child.on("close", (code) => {
      const journal = server.exchange.requests()
      const first = journal[before - journal.dropped]
      if (first === undefined) reject(new Error(`no request (exit ${code}): ${args[0]}`))
      else resolve(first.time - start)
    })
  })

// The mock's clock follows Date.now(): journal times and `start` are on one clock (ms).
const results = {}
for (const [name, variant] of Object.entries(variants)) {
  results[name] = []
  await once(variant) // warms the OS file cache, and fills the compile cache where it is on
}
for (let i = 0; i < runs; i++) {
  for (const [name, variant] of Object.entries(variants)) results[name].push(await once(variant))
}
await server.close()

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const base = median(results[BASELINE])
console.log(`node ${process.version}, ${runs} runs each, interleaved; ms from spawn to the first request`)
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs)
  console.log(
    `${name.padEnd(46)} median ${String(m).padStart(5)} ms  min ${Math.min(...xs)}  max ${Math.max(...xs)}  ${(m / base).toFixed(2)}x`
  )
}
const npxRatio =
  median(results["npx effect-bybit cancel (installed bundle)"]) /
  median(results["npx bybit-api cancelWithdrawal (same script)"])
console.log(`npx effect-bybit against npx bybit-api (both pay npm's start): ${npxRatio.toFixed(2)}x`)
