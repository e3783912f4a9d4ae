import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { afterEach, describe, expect, it } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockServer,
  makeMockExchange,
  SEED_WITHDRAWAL_ID,
  startMockServer
} from "../src/index.js"
import { parseCommandLine } from "../src/internal/cli.js"
import { loadSeedFile, parseSeedFile } from "../src/seedFile.js"
import { readJson } from "./helpers.js"
import { MOCKS_DIR, run, spawnBin, spawnPnpmMock, succeeds, TSX_LOADER } from "./process.js"

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const start = async (options: Parameters<typeof startMockServer>[0] = {}) => {
  const server = await startMockServer(options)
  servers.push(server)
  return server
}

const signedCancel = (url: string, id: string, timestamp = Date.now()) => {
  const signed = signRequest({
    method: "POST",
    signer: hmacSigner(MOCK_API_SECRET),
    apiKey: MOCK_API_KEY,
    timestamp,
    recvWindow: 5000,
    body: { id }
  })
  return fetch(`${url}/v5/asset/withdraw/cancel`, {
    method: "POST",
    body: signed.body,
    headers: { ...signed.headers, "Content-Type": "application/json" }
  })
}

describe("startMockServer", () => {
  it("serves the handlers on 127.0.0.1 with a random port", async () => {
    const server = await start()
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)
    const res = await fetch(`${server.url}/v5/market/time`)
    expect(res.status).toBe(200)
    expect((await readJson(res)).retCode).toBe(0)
  })

  it("cancels a withdrawal with a real signed request", async () => {
    const server = await start()
    const res = await signedCancel(server.url, SEED_WITHDRAWAL_ID)
    expect(await readJson(res)).toMatchObject({ retCode: 0, retMsg: "success", result: { status: 1 } })
    expect(res.headers.get("x-bapi-limit")).toBe("60")
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
  })

  it("serves a given exchange (frozen clock)", async () => {
    const exchange = makeMockExchange({ now: 1_700_000_000_000 })
    const server = await start({ exchange })
    expect(server.exchange).toBe(exchange)
    expect((await readJson(await signedCancel(server.url, SEED_WITHDRAWAL_ID, 1_700_000_000_000))).retCode).toBe(0)
  })

  it("verifies a GET over the raw query string received", async () => {
    const server = await start()
    const signed = signRequest({
      method: "GET",
      signer: hmacSigner(MOCK_API_SECRET),
      apiKey: MOCK_API_KEY,
      timestamp: Date.now(),
      recvWindow: 5000,
      query: { coin: "USDT", limit: 2 }
    })
    const res = await fetch(`${server.url}/v5/asset/withdraw/query-record?${signed.queryString}`, {
      headers: { ...signed.headers }
    })
    const json = await readJson(res)
    expect(json.retCode).toBe(0)
    expect(json.result.rows).toHaveLength(2)
  })

  it("answers any other path with HTTP 404 and 10017", async () => {
    const server = await start()
    for (const path of ["/", "/v6/x", "/v5/asset/withdraw/nope"]) {
      const res = await fetch(`${server.url}${path}`)
      expect(res.status).toBe(404)
      expect((await readJson(res)).retCode).toBe(10017)
    }
    expect(server.exchange.requests().map((r) => r.path)).toEqual(["/", "/v6/x", "/v5/asset/withdraw/nope"])
  })

  it("resets the connection for DropConnection, leaving the state untouched", async () => {
    const server = await start()
    server.exchange.faults.inject({ _tag: "DropConnection" })
    const error = await signedCancel(server.url, SEED_WITHDRAWAL_ID).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as { cause?: unknown }).cause)).toMatch(/ECONNRESET|socket|closed/i)
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    // the server keeps serving
    expect((await readJson(await signedCancel(server.url, SEED_WITHDRAWAL_ID))).retCode).toBe(0)
  })

  it("resets the connection for LoseResponse after the cancel happened", async () => {
    const server = await start()
    server.exchange.faults.inject({ _tag: "LoseResponse" })
    await expect(signedCancel(server.url, SEED_WITHDRAWAL_ID)).rejects.toThrow()
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
  })

  it("sends fault bodies as they are (HTML 502)", async () => {
    const server = await start()
    server.exchange.faults.inject({ _tag: "ServerErrorHtml" }, { path: "/v5/market/time" })
    const res = await fetch(`${server.url}/v5/market/time`)
    expect(res.status).toBe(502)
    expect(await res.text()).toContain("<html>")
  })

  it("close() stops listening", async () => {
    const server = await startMockServer()
    await server.close()
    await expect(fetch(`${server.url}/v5/market/time`)).rejects.toThrow()
  })

  it("close() clears Latency timers: a script exits at once with a 10-minute Latency in flight", async () => {
    const { spawn } = await import("node:child_process")
    const child = spawn(
      process.execPath,
      ["--import", TSX_LOADER, "--conditions=@effect-bybit/source", "test/fixtures/close-latency.ts"],
      { cwd: MOCKS_DIR, stdio: ["ignore", "pipe", "ignore"] }
    )
    let out = ""
    child.stdout.on("data", (d) => {
      out += d
    })
    const exited = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 120_000)
      child.once("exit", () => {
        clearTimeout(t)
        resolve(true)
      })
    })
    if (!exited) child.kill("SIGKILL")
    expect(exited).toBe(true)
    // the held request gets no answer (its connection is closed), and nothing holds the process
    expect(out).toContain("failed")
    // Far below the held request's 600 s: close() did not wait for it (the bound leaves room for a
    // loaded machine; the usual figure is a few ms).
    expect(Number(/exited (\d+) ms/.exec(out)?.[1])).toBeLessThan(60_000)
  }, 180_000)
})

describe("seed files", () => {
  it("parses accounts, withdrawals (with defaults), now and clientIp", () => {
    const options = parseSeedFile(
      {
        accounts: [{ uid: "7", apiKey: "k", secret: "s", permissions: { withdraw: true }, ips: ["10.0.0.1"] }],
        withdrawals: [
          { withdrawId: "1", uid: "7", coin: "USDT", chain: "ETH", amount: "1", status: "Pending", toAddress: "x" }
        ],
        now: 5,
        clientIp: "10.0.0.1"
      },
      1000
    )
    expect(options).toEqual({
      accounts: [{ uid: "7", apiKey: "k", secret: "s", permissions: { withdraw: true }, ips: ["10.0.0.1"] }],
      withdrawals: [
        {
          withdrawId: "1",
          uid: "7",
          coin: "USDT",
          chain: "ETH",
          amount: "1",
          withdrawFee: "0",
          status: "Pending",
          toAddress: "x",
          tag: "",
          txID: "",
          createTime: 1000,
          updateTime: 1000,
          withdrawType: 0
        }
      ],
      now: 5,
      clientIp: "10.0.0.1"
    })
  })

  it.each([
    ["not an object", []],
    [
      "a bad status",
      {
        withdrawals: [{ withdrawId: "1", uid: "7", coin: "U", chain: "E", amount: "1", status: "Done", toAddress: "x" }]
      }
    ],
    ["an account without permissions", { accounts: [{ uid: "7", apiKey: "k", secret: "s" }] }],
    ["a bad now", { now: "soon" }],
    ...(
      [
        ["withdrawId", "abc"],
        ["withdrawId", "1".repeat(21)],
        ["amount", "-1e999"],
        ["withdrawFee", "1e3"],
        ["coin", "usdt"]
      ] as const
    ).map(([field, value]): [string, unknown] => [
      `withdrawals[0].${field} ${JSON.stringify(value)}`,
      {
        withdrawals: [
          {
            withdrawId: "1",
            uid: "7",
            coin: "USDT",
            chain: "E",
            amount: "1",
            status: "Pending",
            toAddress: "x",
            [field]: value
          }
        ]
      }
    ])
  ] as Array<[string, unknown]>)("rejects %s with a TypeError", (_, json) => {
    expect(() => parseSeedFile(json)).toThrow(TypeError)
  })
})

const pnpmVersion = (
  JSON.parse(readFileSync(`${MOCKS_DIR}../package.json`, "utf8")) as { packageManager: string }
).packageManager.split("@")[1]!
const hasNpx = await succeeds("npx", ["--version"])
if (!hasNpx) console.warn("[mock-exchange] skipping the `pnpm mock` test: npx is missing")

// One process per boundary (a signal, a flag, the root script); they wait on their children, so
// they run side by side.
// Every flag rule, in process; the bin's process tests keep one refusal (usage on stderr, exit 2).
describe("the command line (parseCommandLine)", () => {
  it.each([
    [["--max-body-bytes", "0"], /invalid --max-body-bytes 0: at least 1024/],
    [["--max-body-bytes", "1023"], /invalid --max-body-bytes 1023: at least 1024/],
    [["--max-body-bytes=-5"], /invalid --max-body-bytes -5: expected a non-negative integer/],
    [["--journal-size", "1e3"], /invalid --journal-size 1e3: expected a non-negative integer/],
    [["--client-ip", "abc"], /invalid --client-ip "abc": expected an IPv4 or IPv6 address/],
    [["--client-ip", "300.1.1.1"], /invalid --client-ip "300.1.1.1"/],
    [["--client-ip", "localhost"], /invalid --client-ip "localhost"/],
    [["--port", "65536"], /invalid --port 65536/],
    [["--now", "soon"], /invalid --now soon/],
    [["--bogus"], /Unknown option '--bogus'/]
  ])("refuses %j with the reason", (args, reason) => {
    const command = parseCommandLine(args)
    expect(command._tag).toBe("Invalid")
    expect(command._tag === "Invalid" && command.message).toMatch(reason)
  })

  it("reads every flag into the server's and the exchange's options", () => {
    expect(
      parseCommandLine([
        "--",
        "--port",
        "0",
        "--now",
        "1700000000000",
        "--client-ip",
        "::1",
        "--max-body-bytes",
        "2048",
        "--journal-size",
        "10",
        "--max-connections",
        "8",
        "--max-inflight-body-bytes",
        "65536",
        "--seed",
        "s.json"
      ])
    ).toEqual({
      _tag: "Serve",
      port: 0,
      seed: "s.json",
      exchange: { maxBodyBytes: 2048, journalSize: 10, now: 1_700_000_000_000, clientIp: "::1" },
      server: { maxConnections: 8, maxInflightBodyBytes: 65536 }
    })
    expect(parseCommandLine(["-h"])).toEqual({ _tag: "Help" })
    expect(parseCommandLine([])).toMatchObject({ _tag: "Serve", port: 4010 })
  })
})

describe.concurrent("bin (pnpm mock)", () => {
  it("prints its URL when ready, serves, and stops cleanly on SIGTERM", async ({ expect }) => {
    const proc = await spawnBin(["--port", "0"])
    expect(proc.stdout()).toMatch(/^Mock Bybit exchange listening on http:\/\/127\.0\.0\.1:\d+\n$/)
    const res = await signedCancel(proc.url, SEED_WITHDRAWAL_ID)
    expect((await readJson(res)).retCode).toBe(0)
    expect(await proc.stop("SIGTERM")).toBe(0)
    await expect(fetch(`${proc.url}/v5/market/time`)).rejects.toThrow()
  }, 180_000)

  it("seeds other state from --seed <file.json>, and stops cleanly on SIGINT", async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "mock-seed-"))
    const file = join(dir, "state.json")
    writeFileSync(
      file,
      JSON.stringify({
        accounts: [{ uid: "9", apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET, permissions: { withdraw: true } }],
        withdrawals: [
          { withdrawId: "555", uid: "9", coin: "BTC", chain: "BTC", amount: "1", status: "success", toAddress: "bc1" }
        ]
      })
    )
    const proc = await spawnBin(["--port", "0", "--seed", file])
    try {
      expect((await readJson(await signedCancel(proc.url, SEED_WITHDRAWAL_ID))).retCode).toBe(131002)
      expect((await readJson(await signedCancel(proc.url, "555"))).retCode).toBe(131099)
    } finally {
      expect(await proc.stop("SIGINT")).toBe(0)
    }
    expect(proc.stderr()).toContain("stopped (SIGINT)")
  }, 180_000)

  it("--help names the npx command and every flag, and exits 0", async ({ expect }) => {
    const res = await run(process.execPath, [
      "--import",
      TSX_LOADER,
      "--conditions=@effect-bybit/source",
      "src/bin.ts",
      "--help"
    ])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^Usage: npx @effect-bybit\/mock-exchange /)
    for (const flag of ["--port", "--seed", "--now", "--client-ip", "--max-body-bytes", "--journal-size"]) {
      expect(res.stdout).toContain(flag)
    }
  }, 180_000)

  it("refuses a bad flag with a usage message and exit code 2", async ({ expect }) => {
    await expect(spawnBin(["--port", "nope"])).rejects.toThrow(/exited with 2.*invalid --port/s)
  }, 180_000)

  it("a seed whose clientIp is not an IP is refused as it is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "mock-seed-"))
    const file = join(dir, "seed.json")
    writeFileSync(file, JSON.stringify({ clientIp: "not-an-ip" }))
    expect(() => makeMockExchange(loadSeedFile(file))).toThrow(/clientIp must be an IPv4 or IPv6/)
    expect(() => makeMockExchange({ clientIp: "::1" })).not.toThrow()
    expect(() => makeMockExchange({ clientIp: "10.0.0.256" })).toThrow(TypeError)
  })

  it.skipIf(!hasNpx)(
    "pnpm mock (the root script) passes --port through, serves, and stops on SIGTERM",
    async ({ expect }) => {
      const proc = await spawnPnpmMock(pnpmVersion)
      try {
        expect(proc.stdout()).toMatch(/^Mock Bybit exchange listening on http:\/\/127\.0\.0\.1:\d+$/m)
        expect((await readJson(await signedCancel(proc.url, SEED_WITHDRAWAL_ID))).retCode).toBe(0)
      } finally {
        await proc.stop("SIGTERM")
      }
      // npx may exit before the server at the end of its chain (npx, pnpm, pnpm, tsx, node) closes.
      await expect
        .poll(
          () =>
            fetch(`${proc.url}/v5/market/time`).then(
              () => "serving",
              () => "stopped"
            ),
          { timeout: 60_000 }
        )
        .toBe("stopped")
    },
    180_000
  )
})
