// The built CLI (dist/bin.js) as a child process against the standalone mock exchange (served in
// process on a loopback port), with the mock's key and secret in its environment. Each test has its
// own exchange; every wait is on the child's own output or exit, bounded.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { join } from "node:path"
import { type MockServer, startMockServer } from "@effect-bybit/mock-exchange"
import {
  type Exchange,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_UID,
  type MockWithdrawal,
  makeExchange
} from "@effect-bybit/mock-exchange/core"
import { afterEach, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..", "..")
const bin = join(import.meta.dirname, "..", "dist", "bin.js")
const CANCEL = "/v5/asset/withdraw/cancel"
const SECRET_PARTS = [MOCK_API_SECRET]

interface Run {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the exit code (a signal is a failure of the test). */
  readonly exit: Promise<number>
  /** Resolves once stdout or stderr holds `pattern`. */
  readonly waitFor: (pattern: RegExp, ms?: number) => Promise<void>
}

const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Run => {
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      BYBIT_API_KEY: MOCK_API_KEY,
      BYBIT_API_SECRET: MOCK_API_SECRET,
      ...env
    },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let out = ""
  let err = ""
  const waiters: Array<() => void> = []
  const wake = () => {
    for (const w of waiters.splice(0)) w()
  }
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString()
    wake()
  })
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString()
    wake()
  })
  const exit = new Promise<number>((resolve, reject) =>
    child.on("close", (code, signal) =>
      code === null ? reject(new Error(`killed by ${signal}; stderr: ${err}`)) : resolve(code)
    )
  )
  const waitFor = (pattern: RegExp, ms = 120_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} within ${ms} ms; stdout: ${out}; stderr: ${err}`)),
        ms
      )
      const check = () => {
        if (pattern.test(out) || pattern.test(err)) {
          clearTimeout(timer)
          resolve()
        } else waiters.push(check)
      }
      check()
    })
  return { child, stdout: () => out, stderr: () => err, exit, waitFor }
}

const pending = (withdrawId: string, coin = "USDT", amount = "10"): MockWithdrawal => ({
  withdrawId,
  uid: MOCK_UID,
  coin,
  chain: "ETH",
  amount,
  withdrawFee: "1",
  status: "Pending",
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  txID: "",
  createTime: Date.now() - 60_000,
  updateTime: Date.now() - 60_000,
  withdrawType: 0
})

const FIVE = ["910001", "910002", "910003", "910004", "910005"]

let server: MockServer | undefined
const serve = async (exchange: Exchange = makeExchange()) => {
  server = await startMockServer({ exchange })
  return server
}
afterEach(async () => {
  await server?.close()
  server = undefined
})

const target = (s: MockServer) => ["--env", "testnet", "--base-url", s.url]

interface JsonReport {
  readonly withdrawals: ReadonlyArray<Record<string, unknown> & { readonly id?: string; readonly _tag: string }>
  readonly summary: Record<string, unknown>
  readonly exitCode: number
}
const report = (run: Run): JsonReport => JSON.parse(run.stdout()) as JsonReport

/** Every reported outcome agrees with the exchange's final record, and no secret was printed. */
const agrees = (run: Run, exchange: Exchange) => {
  for (const o of report(run).withdrawals) {
    const status = o.id === undefined ? undefined : exchange.withdrawal(o.id)?.status
    if (o._tag === "Cancelled") expect(status, o.id).toBe("CancelByUser")
    else if (o._tag === "NotCancellable") expect(["Pending", "SecurityCheck", "CancelByUser"]).not.toContain(status)
    else if (o._tag === "Failed" || o._tag === "NotSent") expect(status, o.id).not.toBe("CancelByUser")
    else expect(o._tag, o.id).toBe("Unknown")
  }
  for (const secret of SECRET_PARTS) expect(run.stdout() + run.stderr()).not.toContain(secret)
}

beforeAll(() => {
  // The CLI as it ships: dist/bin.js, built from the sources (incremental: quick when up to date).
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  execFileSync(process.execPath, [tsc, "-b", "packages/cli/tsconfig.build.json"], { cwd: root, stdio: "inherit" })
}, 300_000)

describe("effect-bybit against the standalone mock", () => {
  it("--help of every command, with examples; exit 0", async () => {
    for (const command of [[], ["cancel-pending"], ["cancel"], ["list"]]) {
      const run = cli([...command, "--help"])
      expect(await run.exit).toBe(0)
      expect(run.stdout()).toMatch(/EXAMPLES/)
      expect(run.stdout()).toMatch(/effect-bybit/)
    }
  })

  it("five pending withdrawals: all cancelled, one cancel each, exit 0", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    const run = cli(["cancel-pending", ...target(s), "--yes", "--json"])
    expect(await run.exit).toBe(0)
    const r = report(run)
    expect(r.withdrawals.map((o) => `${o.id} ${o._tag}`).sort()).toEqual(FIVE.map((id) => `${id} Cancelled`))
    expect(r.summary).toMatchObject({ found: 5, cancelled: 5, totals: [{ coin: "USDT", count: 5, amount: "50" }] })
    for (const id of FIVE) {
      expect(s.exchange.withdrawal(id)?.status).toBe("CancelByUser")
      expect(s.exchange.requests().filter((q) => q.path === CANCEL && JSON.parse(q.body).id === id)).toHaveLength(1)
    }
    agrees(run, s.exchange)
  })

  it("--dry-run lists what would be cancelled and sends no cancel", async () => {
    const s = await serve()
    const before = s.exchange
      .withdrawals()
      .filter((w) => w.uid === MOCK_UID && ["Pending", "SecurityCheck"].includes(w.status))
    const run = cli(["cancel-pending", ...target(s), "--dry-run", "--json"])
    expect(await run.exit).toBe(0)
    const r = report(run)
    expect(r.withdrawals.map((o) => o.id).sort()).toEqual(before.map((w) => w.withdrawId).sort())
    expect(r.withdrawals.every((o) => o._tag === "WouldCancel")).toBe(true)
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
    expect(before.every((w) => s.exchange.withdrawal(w.withdrawId)?.status === w.status)).toBe(true)
  })

  it("without a terminal and without --yes: refuses, exit 2, nothing cancelled", async () => {
    const s = await serve()
    const run = cli(["cancel-pending", ...target(s)])
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toMatch(/refusing to cancel without a terminal.*--yes/)
    expect(run.stdout()).toBe("")
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
  })

  it("a full run over the seed: every cancellable one cancelled, the rest left alone, plain lines", async () => {
    const s = await serve()
    const cancellable = s.exchange
      .withdrawals()
      .filter((w) => w.uid === MOCK_UID && ["Pending", "SecurityCheck"].includes(w.status))
      .map((w) => w.withdrawId)
    const others = s.exchange.withdrawals().filter((w) => !cancellable.includes(w.withdrawId))
    const run = cli(["cancel-pending", ...target(s), "--yes"])
    expect(await run.exit).toBe(0)
    for (const id of cancellable) {
      expect(run.stdout()).toMatch(new RegExp(`^cancelled\\s+${id}\\b`, "m"))
      expect(s.exchange.withdrawal(id)?.status).toBe("CancelByUser")
    }
    for (const w of others) expect(s.exchange.withdrawal(w.withdrawId)?.status).toBe(w.status)
    expect(run.stdout()).toMatch(new RegExp(`^${cancellable.length}/${cancellable.length} cancelled`, "m"))
  })

  it("faults mid-run (a lost answer, a 503, a 10006): every reported outcome matches the mock's final state", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    s.exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL, match: { id: FIVE[0]! } })
    s.exchange.faults.inject({ _tag: "ServerErrorHtml", status: 503 }, { path: CANCEL, match: { id: FIVE[2]! } })
    s.exchange.faults.inject({ _tag: "RetCode", retCode: 10006 }, { path: CANCEL, match: { id: FIVE[4]! } })
    const run = cli(["cancel-pending", ...target(s), "--yes", "--json"])
    const code = await run.exit
    const r = report(run)
    expect(r.withdrawals.map((o) => o.id).sort()).toEqual(FIVE)
    agrees(run, s.exchange)
    expect(code).toBe(r.withdrawals.every((o) => o._tag === "Cancelled") ? 0 : 1)
    expect(r.exitCode).toBe(code)
    const faults = s.exchange.requests().flatMap((q) => (q.fault === undefined ? [] : [q.fault]))
    expect(faults.sort()).toEqual(["LoseResponse", "RetCode", "ServerErrorHtml"])
  })

  it("an outcome that cannot be known: exit 1, reported as unknown with how to check", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.slice(0, 2).map((id) => pending(id)) }))
    s.exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL, match: { id: FIVE[0]! } })
    s.exchange.faults.inject(
      { _tag: "ServerErrorHtml", status: 503 },
      { path: CANCEL, match: { id: FIVE[0]! }, times: 50 }
    )
    s.exchange.faults.inject(
      { _tag: "ServerErrorHtml", status: 503 },
      { path: "/v5/asset/withdraw/query-record", match: { withdrawID: FIVE[0]! }, times: 50 }
    )
    const run = cli(["cancel-pending", ...target(s), "--yes", "--json"])
    expect(await run.exit).toBe(1)
    const unknown = report(run).withdrawals.find((o) => o.id === FIVE[0])
    expect(unknown).toMatchObject({ _tag: "Unknown" })
    expect(String(unknown?.howToCheck)).toContain(FIVE[0])
    agrees(run, s.exchange)
  }, 180_000)

  it("a lower-case coin: usdt cancels the USDT withdrawals and only them", async () => {
    const s = await serve(
      makeExchange({ withdrawals: [...FIVE.map((id) => pending(id)), pending("920001", "BTC", "1")] })
    )
    const run = cli(["cancel-pending", ...target(s), "--coin", "usdt", "--yes", "--json"])
    expect(await run.exit).toBe(0)
    expect(report(run).summary).toMatchObject({ found: 5, cancelled: 5 })
    expect(s.exchange.withdrawal("920001")?.status).toBe("Pending")
    expect(s.exchange.requests().find((q) => q.path.endsWith("query-record"))?.query).toMatch(/coin=USDT/)
  })

  it("a coin Bybit cannot have: exit 2 naming --coin, no request", async () => {
    const s = await serve()
    const run = cli(["cancel-pending", ...target(s), "--coin", "us-dt", "--yes"])
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toMatch(/--coin: must be 1 to 20 upper-case letters or digits/)
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
  })

  it("no --env: a usage error, exit 2, nothing sent", async () => {
    const s = await serve()
    const run = cli(["cancel-pending", "--base-url", s.url, "--yes"])
    expect(await run.exit).toBe(2)
    expect(run.stderr()).toMatch(/--env/)
    expect(s.exchange.requests()).toEqual([])
  })

  it("credentials missing or malformed: exit 2, the variable named, the value never printed", async () => {
    const s = await serve()
    const missing = cli(["cancel", "10197", ...target(s), "--yes"], { BYBIT_API_KEY: "", BYBIT_API_SECRET: "" })
    expect(await missing.exit).toBe(2)
    expect(missing.stderr()).toMatch(/configuration error/)
    const pasted = `${MOCK_API_SECRET}\n`
    const bad = cli(["cancel", "10197", ...target(s), "--yes"], { BYBIT_API_SECRET: `"${pasted}"` })
    expect(await bad.exit).toBe(2)
    expect(bad.stderr()).toMatch(/BYBIT_API_SECRET|apiSecret/)
    expect(bad.stdout() + bad.stderr()).not.toContain(MOCK_API_SECRET)
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
  })

  it("cancel <id...>: each id once, the outcome of each; a bad id is exit 2 before anything is sent", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.slice(0, 2).map((id) => pending(id)) }))
    const bad = cli(["cancel", FIVE[0]!, "12x", ...target(s), "--yes"])
    expect(await bad.exit).toBe(2)
    expect(s.exchange.requests()).toEqual([])
    const run = cli(["cancel", FIVE[0]!, FIVE[1]!, FIVE[0]!, ...target(s), "--yes", "--json"])
    expect(await run.exit).toBe(0)
    expect(report(run).withdrawals.map((o) => `${o.id} ${o._tag}`)).toEqual([
      `${FIVE[0]} Cancelled`,
      `${FIVE[1]} Cancelled`
    ])
    agrees(run, s.exchange)
  })

  it("SIGINT mid-run: the cancel in flight finishes, no new one is sent, the report is printed, exit 130", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    // The listing gives the newest first: the cancels go in that order.
    const order = [...FIVE].reverse()
    // The second cancel is held by the exchange for 2 s: Ctrl+C lands while it is in flight.
    s.exchange.faults.inject({ _tag: "Latency", ms: 2_000 }, { path: CANCEL, match: { id: order[1]! } })
    const run = cli(["cancel-pending", ...target(s), "--yes", "--type", "all"])
    await run.waitFor(new RegExp(`^cancelled\\s+${order[0]}\\b`, "m"))
    // In flight: the exchange has taken the held request (its fault is used up).
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 30_000
      const poll = () => {
        if (s.exchange.faults.list().length === 0) resolve()
        else if (Date.now() > deadline) reject(new Error("the second cancel was never sent"))
        else setTimeout(poll, 10)
      }
      poll()
    })
    run.child.kill("SIGINT")
    const code = await run.exit
    expect(code, `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`).toBe(130)
    expect(run.stdout()).toMatch(new RegExp(`^cancelled\\s+${order[1]}\\b`, "m"))
    expect(s.exchange.withdrawal(order[1]!)?.status).toBe("CancelByUser")
    for (const id of order.slice(2)) {
      expect(run.stdout()).toMatch(new RegExp(`^not sent\\s+${id}\\b`, "m"))
      expect(s.exchange.withdrawal(id)?.status).toBe("Pending")
      expect(s.exchange.requests().filter((q) => q.path === CANCEL && JSON.parse(q.body).id === id)).toEqual([])
    }
    expect(run.stdout()).toMatch(/^2\/5 cancelled/m)
    expect(run.stdout()).toMatch(/interrupted/)
  }, 180_000)
})
