// The seed page's own Python sample (test/fixtures/seed_cancel_withdrawal.py, copied verbatim from
// the "собственная реализация" block), run with python3 + requests against the standalone server.
// The test substitutes only base_url, api_key and api_secret, and defines the sample's undefined
// `secret_key` as the secret, right after api_secret.
import { readFileSync } from "node:fs"
import { afterEach, describe, expect, it } from "vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockServer, SEED_WITHDRAWAL_ID, startMockServer } from "../src/index.js"
import { MOCKS_DIR, run } from "./process.js"

const SAMPLE = readFileSync(`${MOCKS_DIR}test/fixtures/seed_cancel_withdrawal.py`, "utf8")

const substituteOnce = (source: string, from: string, to: string): string => {
  const at = source.indexOf(from)
  if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one ${from} in the sample`)
  return source.slice(0, at) + to + source.slice(at + from.length)
}

const pointAt = (url: string): string => {
  let source = substituteOnce(SAMPLE, 'base_url = "https://api-testnet.bybit.com"', `base_url = "${url}"`)
  source = substituteOnce(source, 'api_key = "<api_key от биржи bybit>"', `api_key = "${MOCK_API_KEY}"`)
  source = substituteOnce(
    source,
    'api_secret = "<api_secret от биржи bybit>"',
    `api_secret = "${MOCK_API_SECRET}"\nsecret_key = api_secret`
  )
  return source
}

// CI may point at another interpreter (e.g. Debian's /usr/bin/python3 with python3-requests).
const python = process.env.PYTHON ?? "python3"

const missing = await (async (): Promise<string | undefined> => {
  const version = await run(python, ["--version"]).catch(() => undefined)
  if (version === undefined || version.code !== 0) return `${python} is not installed`
  const requests = await run(python, ["-c", "import requests"])
  if (requests.code !== 0)
    return "the Python package `requests` is not installed (Debian: apt-get install python3-requests)"
  return undefined
})()

if (missing !== undefined) {
  console.warn(`[mock-exchange] skipping the seed's Python sample: ${missing}`)
}

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const runSample = (source: string) => run(python, ["-c", source], { env: { NO_PROXY: "127.0.0.1,localhost" } })

describe("the seed's raw Python sample", () => {
  it.skipIf(missing !== undefined)(
    `cancels 10197 with retCode 0 and result.status 1, then gets 131099 on a second run${missing === undefined ? "" : ` (SKIPPED: ${missing})`}`,
    async () => {
      const server = await startMockServer()
      servers.push(server)
      const source = pointAt(server.url)

      const first = await runSample(source)
      expect(first.stderr).toBe("")
      expect(first.code).toBe(0)
      expect(first.stdout).toMatch(
        /^\{'retCode': 0, 'retMsg': 'success', 'result': \{'status': 1\}, 'retExtInfo': \{\}, 'time': \d+\}\n$/
      )
      expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")

      const second = await runSample(source)
      expect(second.code).toBe(0)
      expect(second.stdout).toMatch(/'retCode': 131099/)

      // It signed json.dumps(data) and requests sent the same bytes: {"id": "10197"} with a space.
      expect(server.exchange.requests().map((r) => r.body)).toEqual(['{"id": "10197"}', '{"id": "10197"}'])
    },
    180_000
  )
})
