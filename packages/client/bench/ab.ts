// Withdrawals.cancel of two builds of the client in one process, in interleaved batches of 200
// calls (figures from separate runs drift on a shared machine by more than most changes), wall and
// CPU time, medians. Each build is a copy of src placed under bench/ (ignored by git) so that its
// imports resolve; delete the copies afterwards:
//   rm -rf /tmp/ab && mkdir /tmp/ab && git archive REV packages/client/src | tar -x -C /tmp/ab \
//     && cp -r /tmp/ab/packages/client/src packages/client/bench/_before
//   AB_BEFORE=./_before/index.js [AB_AFTER=./_after/index.js] \
//     npx tsx --conditions=@effect-bybit/source packages/client/bench/ab.ts [undici|fetch|instant]
// AB_AFTER defaults to the working tree's src. Check what it resolves first: a build with 5 µs of
// busy work added to cancel showed +4.5..+6.8 µs in 3 of 3 runs on each transport here.
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Layer, ManagedRuntime, Redacted } from "effect"
import * as Current from "../src/index.js"
import { instant, startServer } from "./server.js"

const beforeDir: string = process.env.AB_BEFORE ?? "./_before/index.js"
const A = (await import(beforeDir)) as typeof Current
const afterDir: string | undefined = process.env.AB_AFTER
const B = afterDir === undefined ? Current : ((await import(afterDir)) as typeof Current)
const server = await startServer()
const mode = process.argv[2] ?? "undici"
const transport = mode === "instant" ? instant : mode === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici
const runtimeOf = (M: typeof Current) =>
  ManagedRuntime.make(
    M.BybitClient.layer({
      credentials: M.BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("secret-secret") }),
      baseUrl: server.url,
      timeSync: false,
      // The server always answers "59 left": pacing would hold call 61 for a minute. Per-call cost only.
      pacing: false
    }).pipe(Layer.provideMerge(transport))
  )
const rtA = runtimeOf(A)
const rtB = runtimeOf(B)
const variants: Record<string, () => Promise<unknown>> = {
  before: () => rtA.runPromise(A.Withdrawals.cancel({ id: "10197" })),
  after: () => rtB.runPromise(B.Withdrawals.cancel({ id: "10197" }))
}
const times: Record<string, Array<number>> = {}
/** CPU time (user + system, µs per call): less disturbed by other processes than wall time. */
const cpu: Record<string, Array<number>> = {}
const rounds = Number(process.env.ROUNDS ?? 40)
for (let round = 0; round < rounds; round++) {
  const entries = Object.entries(variants)
  if (round % 2 === 1) entries.reverse()
  for (const [name, f] of entries) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    for (let i = 0; i < 200; i++) await f()
    if (round < 4) continue
    const c1 = process.cpuUsage(c0)
    const list = times[name] ?? []
    list.push(((performance.now() - t0) / 200) * 1000)
    times[name] = list
    const cpuList = cpu[name] ?? []
    cpuList.push((c1.user + c1.system) / 200)
    cpu[name] = cpuList
  }
}
const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const before = median(times.before!)
const after = median(times.after!)
const cpuBefore = median(cpu.before!)
const cpuAfter = median(cpu.after!)
console.log(
  `${mode.padEnd(8)} wall: before ${before.toFixed(1)} us, after ${after.toFixed(1)} us (${(after - before).toFixed(1)})` +
    `  cpu: before ${cpuBefore.toFixed(1)} us, after ${cpuAfter.toFixed(1)} us (${(cpuAfter - cpuBefore).toFixed(1)})`
)
await rtA.dispose()
await rtB.dispose()
await server.close()
