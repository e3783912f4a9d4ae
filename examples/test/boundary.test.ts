/**
 * What only a real process shows: the exit code and stderr line the shell sees after a failure, and
 * the signals (Ctrl+C: 130 after the finalizers ran; SIGTERM stopping the mock server: 0). One child
 * process per kind; everything else about the examples runs in process (examples.test.ts).
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { describe, it } from "vitest"
import * as CancelPending from "../cancel-pending.js"
import * as CancelWithdrawal from "../cancel-withdrawal.js"
import { credentialsRecipe, curlRecipe, pythonRecipe } from "../src/recipe.js"
import { runInProcess } from "./inProcess.js"
import { run, start } from "./process.js"

// Each test starts a node process (about a second on an idle machine); they run side by side.
const TIMEOUT = 180_000

const has = async (command: string, args: ReadonlyArray<string>) =>
  promisify(execFile)(command, args).then(
    () => true,
    () => false
  )
const shellTools = (await has("curl", ["--version"])) && (await has("openssl", ["version"]))
const python = await has("python3", ["--version"])

describe.concurrent("the process boundary", () => {
  it(
    "a failure is one line on stderr and exit code 1",
    async ({ expect }) => {
      const { code, stderr } = await run("cancel-withdrawal.ts", ["10203"])
      expect(code).toBe(1)
      expect(stderr.trim()).toBe(
        "✘ Withdrawal 10203 can no longer be cancelled (retCode 131099). Only withdrawals still in SecurityCheck or Pending can be: it was sent, rejected, or cancelled already."
      )
    },
    TIMEOUT
  )

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

  it.skipIf(!shellTools)(
    "mock-server prints a recipe (curl + openssl, Python, BYBIT_BASE_URL) that cancels through it, and stops cleanly on SIGTERM",
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

        // Step 5 of the recipe: the examples' live path, through BybitClient.layerConfig() (in this
        // process: what crosses a boundary here is HTTP to the server, not the example's exit).
        const live = { BYBIT_BASE_URL: url!, BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }
        const single = await runInProcess(CancelWithdrawal.main(["10200"]), live)
        expect(single.code).toBe(0)
        expect(single.stdout).toContain(`Target: a custom base URL (${url}), with the key from BYBIT_API_KEY.`)
        expect(single.stdout).toContain("✔ Withdrawal 10200 is cancelled")
        const rest = await runInProcess(CancelPending.main(["USDT"]), live)
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
