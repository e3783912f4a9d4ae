import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_CANCELLABLE_USDT_IDS } from "@effect-bybit/mock-exchange"
import { describe, it } from "vitest"
import { credentialsRecipe, curlRecipe, pythonRecipe } from "../src/recipe.js"
import { run, start } from "./process.js"

// Each test starts a node process (about 2 s with tsx); they run side by side.
const TIMEOUT = 30_000

describe.concurrent("cancel-withdrawal", () => {
  it(
    "cancels the seed's withdrawal 10197 on the mock and exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run("cancel-withdrawal.ts")
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("Target: the built-in mock Bybit exchange")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled: Bybit confirmed it")
      expect(stdout).toContain("Its withdrawal record now reads: CancelByUser.")
      expect(stdout).toContain("Rate limit of the cancel endpoint: 59 of 60 requests left.")
    },
    TIMEOUT
  )

  it(
    "explains a withdrawal that cannot be cancelled and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run("cancel-withdrawal.ts", ["10203"])
      expect(code).toBe(1)
      expect(stderr).toContain("✘ Withdrawal 10203 can no longer be cancelled (retCode 131099)")
    },
    TIMEOUT
  )

  it(
    "refuses an invalid id without sending anything and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run("cancel-withdrawal.ts", ["12ab"])
      expect(code).toBe(1)
      expect(stderr).toContain('✘ The request is invalid (field "id")')
      expect(stderr).toContain("Nothing was sent to Bybit.")
    },
    TIMEOUT
  )

  it(
    "stays on the mock when only BYBIT_API_KEY is set, and says why",
    async ({ expect }) => {
      const { code, stdout } = await run("cancel-withdrawal.ts", [], { BYBIT_API_KEY: "some-key" })
      expect(code).toBe(0)
      expect(stdout).toContain("BYBIT_API_KEY is set but BYBIT_ENV is not")
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled")
    },
    TIMEOUT
  )

  it(
    "names the missing variable when the live configuration is incomplete, and exits 1",
    async ({ expect }) => {
      const { code, stderr } = await run("cancel-withdrawal.ts", [], { BYBIT_API_KEY: "k", BYBIT_ENV: "testnet" })
      expect(code).toBe(1)
      expect(stderr).toContain("Configuration problem")
      expect(stderr).toContain("BYBIT_API_SECRET")
    },
    TIMEOUT
  )
})

describe.concurrent("cancel-pending", () => {
  it(
    "cancels every pending USDT withdrawal and confirms each through the records",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run("cancel-pending.ts")
      expect(stderr).toBe("")
      expect(code).toBe(0)
      // The seed's cancellable on-chain USDT withdrawals, plus the internal transfer 10202.
      const ids = [...SEED_CANCELLABLE_USDT_IDS, "10202"]
      expect(stdout).toContain(`Found ${ids.length}:`)
      for (const id of ids) {
        expect(stdout).toMatch(new RegExp(`^  ${id} +cancelled$`, "m"))
        expect(stdout).toMatch(new RegExp(`^  ${id} +(Pending|SecurityCheck) → CancelByUser$`, "m"))
      }
      expect(stdout).toContain(`${ids.length} cancelled, 0 already gone, 0 failed, out of ${ids.length} pending USDT`)
      expect(stdout).toContain("✔ The withdrawal records confirm every outcome.")
    },
    TIMEOUT
  )

  it(
    "takes the coin from the command line",
    async ({ expect }) => {
      const { code, stdout } = await run("cancel-pending.ts", ["btc"])
      expect(code).toBe(0)
      expect(stdout).toMatch(/^ {2}10201 +SecurityCheck → CancelByUser$/m)
      expect(stdout).toContain("1 cancelled, 0 already gone, 0 failed, out of 1 pending BTC")
    },
    TIMEOUT
  )

  it(
    "has nothing to do for a coin without pending withdrawals (COIN from the environment)",
    async ({ expect }) => {
      const { code, stdout } = await run("cancel-pending.ts", [], { COIN: "ETH" })
      expect(code).toBe(0)
      expect(stdout).toContain("Nothing to cancel: no ETH withdrawal is pending.")
    },
    TIMEOUT
  )
})

describe("errors-tour", () => {
  it(
    "shows every error tag of a cancel, and the failures the client heals, then exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run("errors-tour.ts", [], {
        BYBIT_API_KEY: "ignored",
        BYBIT_ENV: "testnet"
      })
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("on the built-in mock exchange")
      for (const tag of [
        "AuthenticationFailed",
        "PermissionDenied",
        "TimestampOutsideWindow",
        "RateLimitExceeded",
        "WithdrawalNotCancellable",
        "WithdrawalNotFound",
        "InvalidRequest",
        "ExchangeUnavailable",
        "TransportError",
        "UnreadableResponse",
        "UnknownApiError",
        "CancelFailed"
      ]) {
        expect(stdout).toContain(`Result: caught ${tag}:`)
      }
      // The healed ones: clock re-sync, rate-limit wait, 5xx retries, lost answer confirmed.
      expect(stdout).toMatch(/retCode 10002\n\s+server time +→ retCode 0 \(OK\)\n\s+cancel +→ retCode 0 \(OK\)/)
      expect(stdout).toMatch(/retCode 10006\n\s+cancel +→ retCode 0 \(OK\)\n\s+Result: ✔ withdrawal 10197 is cancelled/)
      expect(stdout).toContain("HTTP 502, not a Bybit answer (x2)")
      expect(stdout).toContain("✔ withdrawal 10197 is cancelled, confirmed by looking it up after the lost answer")
      expect(stdout).toContain("Requests the exchange saw: none")
      expect(stdout).toContain("✔ All 16 stops ended as described.")
    },
    TIMEOUT
  )
})

const has = async (command: string, args: ReadonlyArray<string>) =>
  promisify(execFile)(command, args).then(
    () => true,
    () => false
  )
const shellTools = (await has("curl", ["--version"])) && (await has("openssl", ["version"]))
const python = await has("python3", ["--version"])

describe("interruption", () => {
  it(
    "Ctrl+C stops an example cleanly with exit code 130 and says so",
    async ({ expect }) => {
      const tour = start("errors-tour.ts")
      await tour.waitFor(/^1\. A wrong API secret$/m)
      tour.child.kill("SIGINT")
      const { code, stdout, stderr } = await tour.finished
      expect(code).toBe(130)
      expect(stderr).toContain("✘ Interrupted before the end.")
      expect(stdout).not.toContain("All 16 stops")
    },
    TIMEOUT
  )
})

describe.concurrent("mock-server", () => {
  it(
    "--once starts the server, cancels 10197 through it with the client, stops and exits 0",
    async ({ expect }) => {
      const { code, stdout, stderr } = await run("mock-server.ts", ["--once"])
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toMatch(/^Mock Bybit exchange listening on http:\/\/127\.0\.0\.1:\d+ /m)
      expect(stdout).toContain("✔ Withdrawal 10197 is cancelled; the server now records it as CancelByUser.")
      expect(stdout).toContain("Mock exchange stopped.")
      expect(stdout).not.toContain(MOCK_API_SECRET)
    },
    TIMEOUT
  )

  it.skipIf(!shellTools)(
    "prints a recipe (curl + openssl, Python, BYBIT_BASE_URL) that cancels through it, and stops cleanly on SIGTERM",
    async ({ expect }) => {
      const server = start("mock-server.ts", ["--port", "0"])
      try {
        const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
        await server.waitFor(/Press Ctrl\+C to stop\./)
        const printed = server.stdout()
        const snippets = [credentialsRecipe(), curlRecipe(url!), ...(python ? [pythonRecipe(url!, "10198")] : [])]
        for (const snippet of snippets) {
          for (const line of snippet.split("\n")) if (line !== "") expect(printed).toContain(`    ${line}`)
        }
        const script = [
          credentialsRecipe(),
          curlRecipe(url!),
          ...(python ? [`python3 - <<'PY'\n${pythonRecipe(url!, "10198")}\nPY`] : [])
        ].join("\n")
        const { stdout } = await promisify(execFile)("bash", ["-c", script], {
          env: { ...process.env, NO_PROXY: "127.0.0.1", no_proxy: "127.0.0.1" }
        })
        const answers = stdout.trim().split("\n")
        expect(answers).toHaveLength(python ? 2 : 1)
        for (const answer of answers) expect(JSON.parse(answer)).toMatchObject({ retCode: 0, result: { status: 1 } })
        expect(printed).not.toContain(MOCK_API_SECRET)

        // Step 5 of the recipe: the examples' live path, through BybitClient.layerConfig().
        const live = { BYBIT_BASE_URL: url!, BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }
        const single = await run("cancel-withdrawal.ts", ["10200"], live)
        expect(single.code).toBe(0)
        expect(single.stdout).toContain(`Target: a custom base URL (${url}), with the key from BYBIT_API_KEY.`)
        expect(single.stdout).toContain("✔ Withdrawal 10200 is cancelled")
        const rest = await run("cancel-pending.ts", ["USDT"], live)
        expect(rest.code).toBe(0)
        // What the snippets above left pending: 10199 (and 10198 when Python did not run) and 10202.
        const left = python ? ["10199", "10202"] : ["10198", "10199", "10202"]
        for (const id of left) expect(rest.stdout).toMatch(new RegExp(`^  ${id} +Pending → CancelByUser$`, "m"))
        expect(rest.stdout).toContain(`${left.length} cancelled, 0 already gone, 0 failed`)
        for (const output of [single.stdout, single.stderr, rest.stdout, rest.stderr]) {
          expect(output).not.toContain(MOCK_API_SECRET)
        }
      } finally {
        server.child.kill("SIGTERM")
      }
      const { code, stdout } = await server.finished
      expect(code).toBe(0)
      expect(stdout).toContain("Mock exchange stopped.")
    },
    TIMEOUT
  )
})
