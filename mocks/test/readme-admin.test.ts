// The admin API guide's curl block (docs/admin-api.md), run as written (only M= points at a test server), against the
// standalone server: every line answers JSON and the state ends where the block leaves it.
import { readFileSync } from "node:fs"
import { afterEach, describe, expect, it } from "vitest"
import { type MockServer, makeMockExchange, SEED_WITHDRAWAL_ID, startMockServer } from "../src/index.js"
import { MOCKS_DIR, run, succeeds } from "./process.js"

const guide = readFileSync(`${MOCKS_DIR}../docs/admin-api.md`, "utf8")
const block = /```sh\n([\s\S]*?)```/.exec(guide)?.[1] ?? ""
const hasCurl = (await succeeds("bash", ["--version"])) && (await succeeds("curl", ["--version"]))
if (!hasCurl) console.warn("[mock-exchange] skipping the README admin curl block: bash or curl missing")

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe.skipIf(!hasCurl)("docs/admin-api.md: the admin API with curl", () => {
  it("runs line by line, each answer JSON, and leaves the exchange reset", async () => {
    expect(block).toContain("M=http://127.0.0.1:4010")
    const server = await startMockServer({ exchange: makeMockExchange({ now: 1_700_000_000_000 }) })
    servers.push(server)
    // Each curl answer on its own line, so every one can be parsed.
    const script = [
      "set -eu",
      'curl() { command curl --fail-with-body "$@"; echo; }',
      block.replace("M=http://127.0.0.1:4010", `M=${server.url}`)
    ].join("\n")
    const result = await run("bash", ["-c", script], { env: { NO_PROXY: "127.0.0.1,localhost" } })
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const answers = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(answers.length).toBe(block.match(/^curl /gm)?.length)
    expect(answers.some((a) => a.error !== undefined)).toBe(false)
    expect(answers.at(-1)).toMatchObject({ reset: true })
    expect(server.exchange.withdrawal("900001")).toBeUndefined()
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  }, 180_000)
})
