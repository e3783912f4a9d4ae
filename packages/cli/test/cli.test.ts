// The CLI as it ships (the bundle, dist/bin.js) as a child process against the standalone mock exchange (served in
// process on a loopback port), with the mock's key and secret in its environment. Each test has its
// own exchange; every wait is on the child's own output or exit, bounded.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
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
const dist = join(import.meta.dirname, "..", "dist")
const bin = join(dist, "bin.js")
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

const cli = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Run => {
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
  // The CLI as it ships: the bundle in dist/, built from the sources (tsc -b is incremental).
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  execFileSync(process.execPath, [tsc, "-b", "packages/cli/tsconfig.build.json"], { cwd: root, stdio: "inherit" })
  execFileSync(process.execPath, ["packages/cli/scripts/bundle.mjs"], { cwd: root, stdio: "inherit" })
}, 300_000)

describe("what the package ships", () => {
  it("a bundle that imports nothing but Node's own modules (no runtime dependency), without source maps", () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"))
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(manifest.bin).toEqual({ "effect-bybit": "./dist/bin.js" })
    const imports = (file: string) =>
      Array.from(
        readFileSync(join(dist, file), "utf8").matchAll(
          /\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']/g
        ),
        (m) => m[1] ?? m[2] ?? m[3]
      )
    expect(imports("bin.js")).toEqual(["node:module", "./main.js"])
    expect(imports("main.js").filter((specifier) => !specifier?.startsWith("node:"))).toEqual([])
    expect(readdirSync(dist).sort()).toEqual(["THIRD_PARTY_LICENSES.md", "bin.js", "main.js"])
    expect(readFileSync(join(dist, "main.js"), "utf8")).not.toMatch(/sourceMappingURL/)
    expect(readFileSync(join(dist, "THIRD_PARTY_LICENSES.md"), "utf8")).toMatch(/## effect 4\.[\d.]+ \(MIT\)/)
  })
})

describe("effect-bybit against the standalone mock", () => {
  it("--help of every command, with examples; exit 0", async () => {
    for (const command of [[], ["cancel-pending"], ["cancel"], ["list"]]) {
      const run = cli([...command, "--help"])
      expect(await run.exit).toBe(0)
      expect(run.stdout()).toMatch(/EXAMPLES\n {2}# .+\n {2}effect-bybit /)
      expect(run.stdout()).not.toMatch(/--wizard|--log-level/)
      expect(run.stderr()).toBe("")
    }
  })

  it("effect/cli's own flags: --version and --completions answer and exit 0, --wizard and --log-level are not there; no command is a usage error", async () => {
    const version = cli(["--version"])
    expect(await version.exit).toBe(0)
    expect(version.stdout()).toMatch(/^effect-bybit v\d+\.\d+\.\d+/)
    const completions = cli(["--completions", "bash"])
    expect(await completions.exit).toBe(0)
    expect(completions.stdout()).toMatch(/effect-bybit/)
    for (const args of [["cancel-pending", "--wizard"], ["--wizard"], ["cancel", "1", "--log-level", "debug"]]) {
      const run = cli([...args, "--env", "testnet", "--yes"])
      expect(await run.exit, args.join(" ")).toBe(2)
      expect(run.stderr()).toMatch(/^error: Unrecognized flag: --(wizard|log-level)/m)
      expect(run.stdout()).toBe("")
    }
    const bare = cli([])
    expect(await bare.exit).toBe(2)
    expect(bare.stdout()).toBe("")
    expect(bare.stderr()).toMatch(/SUBCOMMANDS[\s\S]*cancel-pending[\s\S]*EXAMPLES/)
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

  describe("bad credentials or flags: exit 2, a message naming the variable or flag and what to do, nothing sent, no secret quoted", () => {
    const cases: ReadonlyArray<{
      readonly name: string
      readonly args: (s: MockServer) => ReadonlyArray<string>
      readonly env?: Record<string, string | undefined>
      readonly says: ReadonlyArray<RegExp>
    }> = [
      {
        name: "no key at all",
        args: (s) => ["cancel", "10197", ...target(s), "--yes"],
        env: { BYBIT_API_KEY: undefined, BYBIT_API_SECRET: undefined },
        says: [/^error: BYBIT_API_KEY: is not set$/m, /^Set BYBIT_API_KEY to your API key/m, /export BYBIT_API_KEY=/]
      },
      {
        name: "a key without its secret",
        args: (s) => ["cancel", "10197", ...target(s), "--yes"],
        env: { BYBIT_API_SECRET: undefined },
        says: [/^error: BYBIT_API_SECRET: set BYBIT_API_SECRET .* or BYBIT_RSA_PRIVATE_KEY/m]
      },
      {
        name: "variables set to nothing (read as not set)",
        args: (s) => ["cancel-pending", ...target(s), "--yes"],
        env: { BYBIT_API_KEY: "", BYBIT_API_SECRET: "" },
        says: [/^error: BYBIT_API_KEY: is not set$/m, /^Set BYBIT_API_KEY/m]
      },
      {
        name: "a secret pasted with quotes and a line break",
        args: (s) => ["cancel", "10197", ...target(s), "--yes"],
        env: { BYBIT_API_SECRET: `"${MOCK_API_SECRET}\n"` },
        says: [
          /^error: BYBIT_API_SECRET: may hold only letters, digits, _ and - \(U\+0022 at position 1 of \d+\): check for quotes/m
        ]
      },
      {
        name: "both a secret and an RSA key",
        args: (s) => ["cancel", "10197", ...target(s), "--yes"],
        env: { BYBIT_RSA_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----\n${MOCK_API_SECRET}\n-----END PRIVATE KEY-----` },
        says: [/^error: BYBIT_RSA_PRIVATE_KEY: /m]
      },
      {
        name: "an RSA key that is not a PEM",
        args: (s) => ["cancel", "10197", ...target(s), "--yes"],
        env: { BYBIT_API_SECRET: undefined, BYBIT_RSA_PRIVATE_KEY: MOCK_API_SECRET },
        says: [/^error: BYBIT_RSA_PRIVATE_KEY: the RSA private key is not a PEM block/m]
      },
      {
        name: "no --env",
        args: (s) => ["cancel-pending", "--base-url", s.url, "--yes"],
        says: [/^error: Missing required flag: --env$/m, /^run `effect-bybit cancel-pending --help`/m]
      },
      {
        name: "an --env Bybit does not have",
        args: (s) => ["cancel", "10197", "--env", "prod", "--base-url", s.url, "--yes"],
        says: [
          /^error: Invalid value for flag --env: "prod"\. Expected: "mainnet" \| /m,
          /^run `effect-bybit cancel --help`/m
        ]
      },
      {
        name: "a --base-url over plain http to another host",
        args: () => ["cancel", "10197", "--env", "testnet", "--base-url", "http://example.com", "--yes"],
        says: [/^error: --base-url: must use https \(plain http is allowed only on loopback/m]
      },
      {
        name: "a --base-url that is not a URL",
        args: () => ["list", "--env", "testnet", "--base-url", "api.bybit.com"],
        says: [/^error: --base-url: is not an absolute URL/m]
      },
      {
        name: "a --since that is not a time",
        args: (s) => ["cancel-pending", ...target(s), "--since", "yesterday", "--yes"],
        says: [/^error: --since: expected a duration back from now \(30m, 24h, 7d\), an ISO date/m]
      },
      {
        name: "a --since further back than Bybit lists",
        args: (s) => ["cancel-pending", ...target(s), "--since", "90d", "--yes"],
        says: [/^error: --since: at most 30 days back/m]
      },
      {
        name: "a --since after --until",
        args: (s) => ["list", ...target(s), "--since", "1h", "--until", "2h"],
        says: [/^error: --since: must not be after --until$/m]
      },
      {
        name: "a coin Bybit cannot have",
        args: (s) => ["cancel-pending", ...target(s), "--coin", "us-dt", "--yes"],
        says: [/^error: --coin: must be 1 to 20 upper-case letters or digits/m]
      },
      {
        name: "a bad --id",
        args: (s) => ["list", ...target(s), "--id", "0x1f"],
        says: [/^error: --id "0x1f": /m]
      }
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const s = await serve()
        const run = cli(c.args(s), c.env)
        expect(await run.exit, run.stderr()).toBe(2)
        for (const pattern of c.says) expect(run.stderr()).toMatch(pattern)
        expect(run.stderr()).not.toMatch(/SchemaError|ConfigError|at \[/)
        expect(run.stdout()).toBe("")
        expect(s.exchange.requests()).toEqual([])
        for (const secret of SECRET_PARTS) expect(run.stdout() + run.stderr()).not.toContain(secret)
      })
    }
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
    // The second cancel is held by the exchange for 6 s: Ctrl+C lands while it is in flight.
    s.exchange.faults.inject({ _tag: "Latency", ms: 6_000 }, { path: CANCEL, match: { id: order[1]! } })
    const run = cli(["cancel-pending", ...target(s), "--yes", "--type", "all"])
    await run.waitFor(new RegExp(`^cancelled\\s+${order[0]}\\b`, "m"))
    // In flight: the exchange has taken the held request (its fault is used up).
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 120_000
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

describe("effect-bybit stopped by SIGTERM (timeout, docker stop, a CI job cancelled)", () => {
  it("as Ctrl+C: the cancel in flight finishes, no new one is sent, the report is printed, exit 130", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    const order = [...FIVE].reverse()
    s.exchange.faults.inject({ _tag: "Latency", ms: 6_000 }, { path: CANCEL, match: { id: order[1]! } })
    const run = cli(["cancel-pending", ...target(s), "--yes", "--json"])
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 120_000
      const poll = () => {
        if (s.exchange.faults.list().length === 0) resolve()
        else if (Date.now() > deadline) reject(new Error("the second cancel was never sent"))
        else setTimeout(poll, 10)
      }
      poll()
    })
    run.child.kill("SIGTERM")
    const code = await run.exit
    expect(code, `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`).toBe(130)
    const outcomes = report(run).withdrawals
    expect(outcomes.map((o) => o.id).sort()).toEqual([...FIVE].sort())
    expect(outcomes.find((o) => o.id === order[1])?._tag).toBe("Cancelled")
    for (const id of order.slice(2)) expect(outcomes.find((o) => o.id === id)?._tag).toBe("NotSent")
    agrees(run, s.exchange)
  }, 180_000)
})

describe("effect-bybit and unreadable rows", () => {
  const unreadable = { withdrawId: "930001", coin: 5 }
  const page = (rows: ReadonlyArray<unknown>) => ({
    _tag: "RetCode" as const,
    retCode: 0,
    retMsg: "success",
    result: { rows, nextPageCursor: "" }
  })

  it("only unreadable rows: nothing to ask (no cancel would be sent); each reported not cancelled, exit 1", async () => {
    const s = await serve()
    s.exchange.faults.inject(page([unreadable]), { path: "/v5/asset/withdraw/query-record" })
    const run = cli(["cancel-pending", ...target(s), "--json"])
    const code = await run.exit
    expect(code, run.stderr()).toBe(1)
    expect(report(run).withdrawals.map((w) => [w.id, w._tag])).toEqual([["930001", "Failed"]])
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
  })

  it("--dry-run does not count an unreadable row as one that would be cancelled", async () => {
    const s = await serve(makeExchange({ withdrawals: [pending("930002")] }))
    const readable = s.exchange.withdrawal("930002")!
    s.exchange.faults.inject(
      page([
        { ...readable, createTime: String(readable.createTime), updateTime: String(readable.updateTime) },
        unreadable
      ]),
      {
        path: "/v5/asset/withdraw/query-record"
      }
    )
    const run = cli(["cancel-pending", ...target(s), "--dry-run"])
    expect(await run.exit, run.stderr()).toBe(1)
    expect(run.stdout()).toMatch(/^dry run: 1 would be cancelled: 10 USDT \(1\); 1 unreadable row\(s\) would not be/m)
  })
})

describe("effect-bybit whose stdout is closed mid-run (piped into head, a pager that quits)", () => {
  it("keeps cancelling: every withdrawal cancelled, exit 0, no stack trace", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    const order = [...FIVE].reverse()
    // The second cancel is held: the reader goes away while it is in flight, before the next line.
    s.exchange.faults.inject({ _tag: "Latency", ms: 6_000 }, { path: CANCEL, match: { id: order[1]! } })
    const run = cli(["cancel-pending", ...target(s), "--yes"])
    await run.waitFor(new RegExp(`^cancelled\\s+${order[0]}\\b`, "m"))
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 120_000
      const poll = () => {
        if (s.exchange.faults.list().length === 0) resolve()
        else if (Date.now() > deadline) reject(new Error("the second cancel was never sent"))
        else setTimeout(poll, 10)
      }
      poll()
    })
    run.child.stdout!.destroy()
    const code = await run.exit
    expect(run.stderr()).not.toMatch(/EPIPE|\n\s+at /)
    expect(code, run.stderr()).toBe(0)
    for (const id of FIVE) expect(s.exchange.withdrawal(id)?.status, id).toBe("CancelByUser")
  }, 180_000)
})

describe("effect-bybit interrupted while listing", () => {
  it("SIGINT while the listing waits on the exchange: stops there, nothing sent, says it was interrupted, exit 130", async () => {
    const s = await serve(makeExchange({ withdrawals: FIVE.map((id) => pending(id)) }))
    // The listing is held far longer than the client's timeout and its retries: only a stop ends it.
    s.exchange.faults.inject({ _tag: "Latency", ms: 600_000 }, { path: "/v5/asset/withdraw/query-record", times: 10 })
    const run = cli(["cancel-pending", ...target(s), "--yes"])
    await run.waitFor(/listing cancellable withdrawals/)
    run.child.kill("SIGINT")
    const code = await run.exit
    expect(code, `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`).toBe(130)
    expect(run.stderr()).toMatch(/interrupted while listing/)
    // Stopped, not timed out: the listing's own failure is not what ended the run.
    expect(run.stdout() + run.stderr()).not.toMatch(/no complete response|could not list/)
    expect(s.exchange.requests().filter((q) => q.path === CANCEL)).toEqual([])
    for (const id of FIVE) expect(s.exchange.withdrawal(id)?.status).toBe("Pending")
  }, 120_000)
})

// The bundle under a pseudo-terminal: util-linux `script` runs it with the pty as its stdin,
// stdout and stderr, and relays what the test types (an answer, or Ctrl+C, which the pty's line
// discipline turns into SIGINT) and everything the command shows, escapes included.
describe("effect-bybit on a terminal", () => {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

  interface Tty {
    readonly output: () => string
    readonly exit: Promise<number>
    readonly waitFor: (pattern: RegExp, ms?: number) => Promise<void>
    readonly type: (text: string) => void
  }

  const tty = (args: ReadonlyArray<string>): Tty => {
    const command = [process.execPath, bin, ...args].map(quote).join(" ")
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: {
        PATH: process.env.PATH ?? "",
        TERM: "xterm",
        BYBIT_API_KEY: MOCK_API_KEY,
        BYBIT_API_SECRET: MOCK_API_SECRET
      },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let out = ""
    const waiters: Array<() => void> = []
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      for (const w of waiters.splice(0)) w()
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    const exit = new Promise<number>((resolve, reject) => {
      child.on("error", (error) => reject(new Error(`script (util-linux) is needed for these tests: ${error.message}`)))
      child.on("close", (code, signal) =>
        code === null ? reject(new Error(`killed by ${signal}; output: ${out}`)) : resolve(code)
      )
    })
    const waitFor = (pattern: RegExp, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; output: ${out}`)), ms)
        const check = () => {
          if (pattern.test(out)) {
            clearTimeout(timer)
            resolve()
          } else waiters.push(check)
        }
        check()
      })
    return { output: () => out, exit, waitFor, type: (text) => child.stdin!.write(text) }
  }

  const six = () => makeExchange({ withdrawals: [...FIVE.map((id) => pending(id)), pending("920001", "BTC", "3")] })
  const cancels = (s: MockServer) => s.exchange.requests().filter((q) => q.path === CANCEL)

  it("asks with the count and total per coin; 'n' cancels nothing (exit 1)", async () => {
    const s = await serve(six())
    const run = tty(["cancel-pending", ...target(s)])
    await run.waitFor(/\? \[y\/N\] /)
    expect(run.output()).toMatch(/found 6 to cancel: (50 USDT \(5\), 3 BTC \(1\)|3 BTC \(1\), 50 USDT \(5\))/)
    expect(run.output()).toMatch(
      /Cancel 6 withdrawal\(s\): (50 USDT \(5\), 3 BTC \(1\)|3 BTC \(1\), 50 USDT \(5\))\? \[y\/N\] /
    )
    run.type("n\r")
    expect(await run.exit, run.output()).toBe(1)
    expect(run.output()).toMatch(/nothing cancelled/)
    expect(cancels(s)).toEqual([])
    expect(s.exchange.withdrawals().filter((w) => w.status === "CancelByUser")).toEqual([])
  })

  it("'yes' cancels them all, with a progress bar redrawn in place and a line per withdrawal (exit 0)", async () => {
    const s = await serve(six())
    const run = tty(["cancel-pending", ...target(s)])
    await run.waitFor(/\? \[y\/N\] /)
    run.type("yes\r")
    expect(await run.exit, run.output()).toBe(0)
    for (const id of [...FIVE, "920001"]) {
      expect(s.exchange.withdrawal(id)?.status).toBe("CancelByUser")
      expect(run.output()).toMatch(new RegExp(`cancelled\\s+${id}\\b`))
    }
    expect(cancels(s)).toHaveLength(6)
    // The bar: drawn at 0, redrawn after each outcome, erased at the end ("\r" and erase-line).
    // The bar: on stderr, drawn at 0/6 and redrawn after each outcome, each time from the line's
    // start after erasing it (carriage return, ESC [ K).
    for (let done = 0; done <= 6; done++) {
      expect(run.output()).toContain(`\r\u001b[K[${"#".repeat(done * 5)}${".".repeat(30 - done * 5)}] ${done}/6`)
    }
    expect(run.output()).toMatch(/6\/6 cancelled/)
  })

  it("Ctrl+C at the prompt answers no: nothing cancelled, exit 130", async () => {
    const s = await serve(six())
    const run = tty(["cancel-pending", ...target(s)])
    await run.waitFor(/\? \[y\/N\] /)
    run.type("\x03")
    expect(await run.exit, run.output()).toBe(130)
    expect(run.output()).toMatch(/nothing cancelled/)
    expect(cancels(s)).toEqual([])
  })

  it("without a terminal: plain lines, no prompt, no bar, no escape codes", async () => {
    const s = await serve(six())
    const run = cli(["cancel-pending", ...target(s), "--yes"])
    expect(await run.exit).toBe(0)
    const shown = run.stdout() + run.stderr()
    for (const mark of ["\u001b", "\r", "[y/N]", "[#", "[."]) expect(shown).not.toContain(mark)
    expect(run.stdout().trim().split("\n")).toHaveLength(7)
  })
})
