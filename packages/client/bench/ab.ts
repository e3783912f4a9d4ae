// Withdrawals.cancel of two builds of the client in one process, next to the bare
// `HttpClient.execute` of the same signed request on the same transport (`raw`: execute + text +
// JSON.parse, no client), in interleaved batches of 200 calls (figures from separate runs drift on a
// shared machine by more than most changes): wall and CPU time, medians, and each build's ratio to
// `raw`. Each build runs with `traceRequests` true (the default) and false. Pacing is on (the
// default) unless PACING=false; the bench server's budget is large, so it never holds a call.
// Each build is a copy placed under bench/ (ignored by git) so that its imports resolve; a built
// `dist` works, and so does a copy of `src`:
//   npx pnpm@10.34.8 build && cp -r packages/client/dist packages/client/bench/_before
//   AB_BEFORE=./_before/index.js [AB_AFTER=./_after/index.js] [ROUNDS=40] [PACING=false] \
//     npx tsx --conditions=@effect-bybit/source packages/client/bench/ab.ts [undici|fetch|instant]
// AB_AFTER defaults to the working tree's src. Check what it resolves first: a build with 5 µs of
// busy work added to cancel showed +4.5..+6.8 µs in 3 of 3 runs on each transport here.
// The floor (what the request pipeline alone costs: signing, body cap, origin check, classification,
// rate-limit headers; no single flight, no deadline, no Withdrawals.cancel span) is a build of
// floor.patch, measured with PACING=false and read from the NoTrace line:
//   git apply packages/client/bench/floor.patch && npx pnpm@10.34.8 --filter @effect-bybit/client build \
//     && cp -r packages/client/dist packages/client/bench/_floor && git apply -R packages/client/bench/floor.patch
//   AB_BEFORE=./_floor/index.js PACING=false npx tsx --conditions=@effect-bybit/source packages/client/bench/ab.ts
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Layer, ManagedRuntime, Redacted } from "effect"
import * as Current from "../src/index.js"
import { bareCancel, instant, startServer } from "./server.js"

const beforeDir: string = process.env.AB_BEFORE ?? "./_before/index.js"
const A = (await import(beforeDir)) as typeof Current
const afterDir: string | undefined = process.env.AB_AFTER
const B = afterDir === undefined ? Current : ((await import(afterDir)) as typeof Current)
const server = await startServer()
const mode = process.argv[2] ?? "undici"
const pacing = process.env.PACING !== "false"
const transport = mode === "instant" ? instant : mode === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici
const runtimeOf = (M: typeof Current, traceRequests: boolean) =>
  ManagedRuntime.make(
    M.BybitClient.layer({
      credentials: M.BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("secret-secret") }),
      baseUrl: server.url,
      timeSync: false,
      traceRequests,
      pacing
    }).pipe(Layer.provideMerge(transport))
  )
const runtimes = {
  before: runtimeOf(A, true),
  after: runtimeOf(B, true),
  beforeNoTrace: runtimeOf(A, false),
  afterNoTrace: runtimeOf(B, false)
}
/** The floor: the signed request through the transport's `HttpClient.execute`, nothing else. */
const raw = bareCancel(`${server.url}/v5/asset/withdraw/cancel`)
const variants: Record<string, () => Promise<unknown>> = {
  raw: () => runtimes.before.runPromise(raw),
  before: () => runtimes.before.runPromise(A.Withdrawals.cancel({ id: "10197" })),
  after: () => runtimes.after.runPromise(B.Withdrawals.cancel({ id: "10197" })),
  beforeNoTrace: () => runtimes.beforeNoTrace.runPromise(A.Withdrawals.cancel({ id: "10197" })),
  afterNoTrace: () => runtimes.afterNoTrace.runPromise(B.Withdrawals.cancel({ id: "10197" }))
}
const only = process.env.ONLY?.split(",")
if (only !== undefined) for (const name of Object.keys(variants)) if (!only.includes(name)) delete variants[name]
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
const wallRaw = times.raw === undefined ? undefined : median(times.raw)
const cpuRaw = cpu.raw === undefined ? undefined : median(cpu.raw)
const ratio = (x: number, base: number | undefined) => (base === undefined ? "" : ` ${(x / base).toFixed(2)}x`)
console.log(`${mode}, pacing ${pacing ? "on" : "off"}, ${rounds - 4} batches of 200 (median per call)`)
for (const name of Object.keys(times)) {
  const w = median(times[name]!)
  const c = median(cpu[name]!)
  console.log(
    `  ${name.padEnd(14)} wall ${w.toFixed(1).padStart(6)} us${ratio(w, wallRaw).padEnd(7)}` +
      `  cpu ${c.toFixed(1).padStart(6)} us${ratio(c, cpuRaw)}`
  )
}
for (const rt of Object.values(runtimes)) await rt.dispose()
await server.close()
