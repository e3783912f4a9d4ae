// Start time of the CLI: from spawning `node packages/cli/dist/bin.js cancel <id> --yes` (built) to
// the first request the mock exchange receives, against bybit-api doing one cancel
// (RestClientV5.cancelWithdrawal) from a cold process, both against one loopback mock.
// Run: bash scripts/node24.sh node packages/cli/bench/startup.mjs [runs]  (after `pnpm build`)
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MOCK_API_KEY, MOCK_API_SECRET, startMockServer } from "@effect-bybit/mock-exchange"

const here = import.meta.dirname
const root = join(here, "..", "..", "..")
const runs = Number(process.argv[2] ?? 15)
const bybitApi = createRequire(join(root, "packages/client-effect3/package.json")).resolve("bybit-api")
const server = await startMockServer()
const env = { PATH: process.env.PATH ?? "", BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }
const freshCache = mkdtempSync(join(tmpdir(), "effect-bybit-compile-cache-"))

const variants = {
  "bybit-api cancelWithdrawal": { args: [join(here, "bybit-api-cancel.mjs"), bybitApi, server.url, "10197"], env },
  "effect-bybit cancel (compile cache warm)": {
    args: [
      join(root, "packages/cli/dist/bin.js"),
      "cancel",
      "10197",
      "--yes",
      "--env",
      "testnet",
      "--base-url",
      server.url
    ],
    env
  },
  "effect-bybit cancel (no compile cache)": {
    args: [
      join(root, "packages/cli/dist/bin.js"),
      "cancel",
      "10197",
      "--yes",
      "--env",
      "testnet",
      "--base-url",
      server.url
    ],
    env: { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }
  }
}

/** ms from spawn to the first request the exchange journals for this process. */
const once = ({ args, env: variantEnv }) =>
  new Promise((resolve, reject) => {
    const before = server.exchange.requests().length + server.exchange.requests().dropped
    const start = Date.now()
    const child = spawn(process.execPath, args, {
      env: { ...variantEnv, NODE_COMPILE_CACHE: freshCache },
      stdio: "ignore"
    })
    child.on("error", reject)
    child.on("close", (code) => {
      const journal = server.exchange.requests()
      const first = journal[before - journal.dropped]
      if (first === undefined) reject(new Error(`no request (exit ${code})`))
      else resolve(first.time - start)
    })
  })

// The mock's clock follows Date.now(): journal times and `start` are on one clock (ms).
const results = {}
for (const name of Object.keys(variants)) results[name] = []
await once(variants["effect-bybit cancel (compile cache warm)"]) // fills the compile cache
for (let i = 0; i < runs; i++) {
  for (const [name, variant] of Object.entries(variants)) results[name].push(await once(variant))
}
await server.close()

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(results["bybit-api cancelWithdrawal"])
console.log(`node ${process.version}, ${runs} runs each, interleaved; ms from spawn to the first request`)
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs)
  console.log(
    `${name.padEnd(42)} median ${m} ms  min ${Math.min(...xs)}  max ${Math.max(...xs)}  ${(m / base).toFixed(2)}x`
  )
}
