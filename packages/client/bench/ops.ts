// How much Effect work one cancel is, counted, not timed: the operations Effect's runtime evaluates
// (every `flatMap`, `sync`, `async`, FiberRef change...) and the fibers it starts, per call, next to
// the bare `HttpClient.execute` of the same signed request (`raw`: execute + text + JSON.parse).
// Counts do not move with the machine's load, so two builds can be compared on a busy machine; on an
// idle one each operation costs about 0.5-1 µs of CPU (with the garbage it leaves).
// Counted by a `Supervisor` with `OpSupervision` on, over the in-process transport (bench/server.ts).
//   npx tsx --conditions=@effect-bybit/source packages/client/bench/ops.ts
// AB_BEFORE=./_before/index.js (a build copied under bench/, as for ab.ts) counts that build too.
import type { Fiber } from "effect"
import { Effect, Either, Layer, ManagedRuntime, Redacted, RuntimeFlags, RuntimeFlagsPatch, Supervisor } from "effect"
import * as Current from "../src/index.js"
import { bareCancel, instant } from "./server.js"

const builds: Record<string, typeof Current> = { current: Current }
if (process.env.AB_BEFORE !== undefined) builds.before = (await import(process.env.AB_BEFORE)) as typeof Current

/** Counts every operation evaluated and every fiber started under it. */
class Counter extends Supervisor.AbstractSupervisor<void> {
  operations = 0
  fibers = 0
  get value() {
    return Effect.void
  }
  override onStart(): void {
    this.fibers++
  }
  override onEffect(_fiber: Fiber.RuntimeFiber<unknown, unknown>, _effect: Effect.Effect<unknown, unknown, unknown>) {
    this.operations++
  }
}

const BASE_URL = "http://127.0.0.1:1"
const runtimeOf = (M: typeof Current, options: { readonly traceRequests: boolean; readonly pacing: boolean }) =>
  ManagedRuntime.make(
    M.BybitClient.layer({
      credentials: M.BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("secret-secret") }),
      baseUrl: BASE_URL,
      timeSync: false,
      ...options
    }).pipe(Layer.provideMerge(instant))
  )

const raw = bareCancel(`${BASE_URL}/v5/asset/withdraw/cancel`)

const count = async <R, E>(
  runtime: ManagedRuntime.ManagedRuntime<R, E>,
  effect: Effect.Effect<unknown, unknown, R>
) => {
  for (let i = 0; i < 50; i++) await runtime.runPromise(effect) // warm: layers built, caches filled
  const counter = new Counter()
  const counted = effect.pipe(
    Effect.supervised(counter),
    Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
  )
  for (let i = 0; i < 100; i++) await runtime.runPromise(counted)
  return { operations: counter.operations / 100, fibers: counter.fibers / 100 }
}

const rows: Array<readonly [string, { readonly operations: number; readonly fibers: number }]> = []
const baseline = runtimeOf(Current, { traceRequests: true, pacing: false })
rows.push(["raw (HttpClient.execute)", await count(baseline, raw)])
await baseline.dispose()
for (const [build, M] of Object.entries(builds)) {
  for (const traceRequests of [true, false]) {
    for (const pacing of [true, false]) {
      const runtime = runtimeOf(M, { traceRequests, pacing })
      const attempt = Effect.flatMap(M.BybitClient.BybitClient, (client) =>
        client.request({
          method: "POST",
          path: "/v5/asset/withdraw/cancel",
          signed: true,
          body: { id: "10197" },
          decodeResult: Either.right
        })
      )
      const label = `${build}, traceRequests ${traceRequests}, pacing ${pacing}`
      rows.push([`${label}: request`, await count(runtime, attempt)])
      rows.push([`${label}: cancel`, await count(runtime, M.Withdrawals.cancel({ id: "10197" }))])
      await runtime.dispose()
    }
  }
}
const base = rows[0]![1].operations
for (const [name, { operations, fibers }] of rows) {
  console.log(
    `${name.padEnd(52)} ${operations.toFixed(0).padStart(5)} operations ${(operations / base).toFixed(2)}x` +
      `  ${fibers.toFixed(1)} fibers`
  )
}
