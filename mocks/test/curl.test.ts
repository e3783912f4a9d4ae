import { afterEach, describe, expect, it } from "vitest"
import { type MockServer, SEED_WITHDRAWAL_ID, SEED_WITHDRAWAL_IDS_BY_STATUS, startMockServer } from "../src/index.js"
import { run, succeeds } from "./process.js"

const tools = await Promise.all([
  succeeds("bash", ["--version"]),
  succeeds("curl", ["--version"]),
  succeeds("openssl", ["version"])
])
const missing = ["bash", "curl", "openssl"].filter((_, i) => !tools[i])
if (missing.length > 0) console.warn(`[mock-exchange] skipping scripts/curl-cancel.sh: ${missing.join(", ")} missing`)

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const script = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  run("bash", ["scripts/curl-cancel.sh", ...args], { env: { MOCK_URL: "", ...env } })

describe.skipIf(missing.length > 0)("scripts/curl-cancel.sh (curl + openssl, no project code)", () => {
  it("cancels 10197 against a running standalone server, then gets 131099", async () => {
    const server = await startMockServer()
    servers.push(server)
    const first = await script([], { MOCK_URL: server.url })
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ retCode: 0, retMsg: "success", result: { status: 1 } })
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    const second = await script([], { MOCK_URL: server.url })
    expect(second.code).toBe(1)
    expect(JSON.parse(second.stdout).retCode).toBe(131099)
  })

  it("cancels another id given as an argument", async () => {
    const server = await startMockServer()
    servers.push(server)
    const id = SEED_WITHDRAWAL_IDS_BY_STATUS.SecurityCheck
    expect((await script([id], { MOCK_URL: server.url })).code).toBe(0)
    expect(server.exchange.withdrawal(id)?.status).toBe("CancelByUser")
  })

  it("gets 10004 with the wrong secret", async () => {
    const server = await startMockServer()
    servers.push(server)
    const res = await script([], { MOCK_URL: server.url, BYBIT_API_SECRET: "wrong" })
    expect(res.code).toBe(1)
    expect(JSON.parse(res.stdout).retCode).toBe(10004)
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("starts the standalone server itself when MOCK_URL is not set, and stops it", async () => {
    const res = await script([])
    expect(res.code).toBe(0)
    expect(res.stderr).toMatch(/started the mock exchange at http:\/\/127\.0\.0\.1:\d+/)
    expect(JSON.parse(res.stdout)).toMatchObject({ retCode: 0, result: { status: 1 } })
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(res.stderr)![1]!
    await expect(fetch(`${url}/v5/market/time`)).rejects.toThrow()
  }, 180_000)
})
