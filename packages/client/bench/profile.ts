// The Effect 4 line alone, for quick comparisons and `node --cpu-prof`: the client and its bare
// `HttpClient.execute` (variants.ts) interleaved against a loopback server in another process (its
// time stays out of the profile). ONLY=client profiles the client alone.
//   bash scripts/node24.sh npx tsx packages/client/bench/profile.ts   [ROUNDS=10] [BATCH=1000]
//   bash scripts/node24.sh node --cpu-prof --import tsx packages/client/bench/profile.ts
import { fork } from "node:child_process"
import { makeVariants } from "./variants.js"

const ROUNDS = Number(process.env.ROUNDS ?? 10)
const BATCH = Number(process.env.BATCH ?? 1000)
const child = fork(new URL("./profileServer.mjs", import.meta.url), { stdio: ["ignore", "inherit", "inherit", "ipc"] })
const url = await new Promise<string>((resolve) => child.once("message", (m) => resolve(String(m))))
const v = makeVariants(url, { apiKey: "k", apiSecret: "secret-secret", id: "10197" })
const names = process.env.ONLY === "client" ? (["client"] as const) : (["client", "bare"] as const)
const times: Record<string, Array<number>> = { client: [], bare: [] }
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const t0 = performance.now()
    for (let i = 0; i < BATCH; i++) await v[name]()
    if (round > 0) times[name]!.push(((performance.now() - t0) / BATCH) * 1000)
  }
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const client = median(times.client!)
console.log(`client ${client.toFixed(1)} µs/call`)
if (times.bare!.length > 0) {
  const bare = median(times.bare!)
  const ratios = times.client!.map((c, i) => c / times.bare![i]!)
  console.log(
    `bare ${bare.toFixed(1)} µs/call; client/bare ${(client / bare).toFixed(2)}x (median of rounds ${median(ratios).toFixed(2)}x)`
  )
}
await v.dispose()
child.kill()
