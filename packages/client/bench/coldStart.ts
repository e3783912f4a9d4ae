// Cold start of both lines, side by side in one run: from a fresh `node` process to the first
// cancel answered, each line's client program (bench/cold/client.mjs: import the package, build the
// layer, one cancel, exit) against the same program written with that line's HttpClient.execute
// alone (cold/bare.mjs), and bybit-api's (cold/bybit-api.mjs); each one's peak RSS
// (`process.resourceUsage().maxRSS`, printed by the child at its end). The children load what a
// user's ESM program loads: the packages' BUILT `dist` entries, with plain `node` (no tsx), so
// build first:
//   npx tsc -b tsconfig.build.json
//   bash scripts/node24.sh npx tsx packages/client/bench/coldStart.ts   [RUNS=15]
// Processes are started one at a time, the programs interleaved (order reversed every round);
// wall time is measured by this process from spawn to exit. The first round only checks that every
// program sends the same validly signed cancel and reads "cancelled"; it is not timed.
import { spawn } from "node:child_process"
import { createHmac } from "node:crypto"
import { existsSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"

const SUCCESS = JSON.stringify({
  retCode: 0,
  retMsg: "success",
  result: { status: 1 },
  retExtInfo: {},
  time: 1672197228408
})

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
for (const dist of ["../dist/index.js", "../../client-effect3/dist/index.js"]) {
  if (!existsSync(here(dist))) {
    console.error(`${here(dist)} is missing: run \`npx tsc -b tsconfig.build.json\` first`)
    process.exit(1)
  }
}

interface Seen {
  readonly path: string
  readonly body: string
  readonly signed: boolean
}
const seen: Array<Seen> = []

const server: Server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    const path = (req.url ?? "").split("?")[0]!
    const now = Date.now()
    let answer = SUCCESS
    if (path === "/v5/market/time") {
      answer = JSON.stringify({
        retCode: 0,
        retMsg: "OK",
        result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
        retExtInfo: {},
        time: now
      })
    } else {
      const body = Buffer.concat(chunks).toString("utf8")
      const expected = createHmac("sha256", "secret-secret")
        .update(`${req.headers["x-bapi-timestamp"]}k${req.headers["x-bapi-recv-window"]}${body}`)
        .digest("hex")
      seen.push({
        path,
        body,
        signed: req.headers["x-bapi-api-key"] === "k" && req.headers["x-bapi-sign"] === expected
      })
    }
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(answer),
      "x-bapi-limit": "1000000",
      "x-bapi-limit-status": "999999",
      "x-bapi-limit-reset-timestamp": String(now)
    })
    res.end(answer)
  })
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const programs: Record<string, { readonly file: string; readonly env: Record<string, string> }> = {
  "effect4 client": { file: here("./cold/client.mjs"), env: {} },
  "effect4 client, timeSync: false": { file: here("./cold/client.mjs"), env: { TIME_SYNC: "false" } },
  "effect4 bare": { file: here("./cold/bare.mjs"), env: {} },
  "effect3 client": { file: here("../../client-effect3/bench/cold/client.mjs"), env: {} },
  "effect3 bare": { file: here("../../client-effect3/bench/cold/bare.mjs"), env: {} },
  "effect3 bare (subpath imports)": { file: here("../../client-effect3/bench/cold/bare-subpath.mjs"), env: {} },
  "bybit-api": { file: here("./cold/bybit-api.mjs"), env: {} }
}

const run = (program: { readonly file: string; readonly env: Record<string, string> }) =>
  new Promise<{ readonly ms: number; readonly maxRSS: number }>((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [program.file, url], {
      env: { ...process.env, ...program.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8")
    })
    child.on("error", reject)
    child.on("exit", (code) => {
      const ms = performance.now() - t0
      try {
        const parsed = JSON.parse(out) as { result: string; maxRSS: number }
        if (code !== 0 || parsed.result !== "cancelled") throw new Error(`exit ${code}`)
        resolve({ ms, maxRSS: parsed.maxRSS })
      } catch (error) {
        reject(new Error(`${program.file}: ${String(error)}; stdout ${JSON.stringify(out)}`))
      }
    })
  })

// The check: every program sends one validly signed cancel of 10197 and reads "cancelled".
for (const [name, program] of Object.entries(programs)) {
  seen.length = 0
  await run(program)
  const [only, ...more] = seen
  if (only === undefined || more.length > 0 || !only.signed || only.path !== "/v5/asset/withdraw/cancel") {
    throw new Error(`${name}: not one validly signed cancel (${JSON.stringify(seen)})`)
  }
  if (JSON.stringify(JSON.parse(only.body)) !== JSON.stringify({ id: "10197" })) {
    throw new Error(`${name}: body ${only.body}`)
  }
}
console.log("checked: every program sent one validly signed POST /v5/asset/withdraw/cancel and read cancelled")

const RUNS = Number(process.env.RUNS ?? 15)
const wall: Record<string, Array<number>> = {}
const rss: Record<string, Array<number>> = {}
for (let round = 0; round < RUNS; round++) {
  const entries = Object.entries(programs)
  if (round % 2 === 1) entries.reverse()
  for (const [name, program] of entries) {
    const { ms, maxRSS } = await run(program)
    wall[name] = [...(wall[name] ?? []), ms]
    rss[name] = [...(rss[name] ?? []), maxRSS]
  }
}
server.close()

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  `cold start to the first cancel, ${RUNS} fresh node ${process.version} processes each (built dist, medians)`
)
const base = { ms: median(wall["effect4 bare"]!), rss: median(rss["effect4 bare"]!) }
console.log("  (ratios against effect4 bare)")
for (const name of Object.keys(programs)) {
  const ms = median(wall[name]!)
  const kib = median(rss[name]!)
  console.log(
    `  ${name.padEnd(31)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / base.ms).toFixed(3)}x   peak RSS ${(kib / 1024).toFixed(1).padStart(6)} MiB  ${(kib / base.rss).toFixed(2)}x`
  )
}
for (const [client, against] of [
  ["effect4 client", "effect4 bare"],
  ["effect3 client", "effect3 bare"],
  ["effect3 client", "effect3 bare (subpath imports)"],
  ["effect4 client", "effect3 client"],
  ["effect4 client", "bybit-api"],
  ["effect3 client", "bybit-api"]
] as const) {
  const ratio = median(wall[client]!) / median(wall[against]!)
  const memory = median(rss[client]!) / median(rss[against]!)
  console.log(`  ${client} / ${against}: ${ratio.toFixed(3)}x; peak RSS ${memory.toFixed(2)}x`)
}
