// The admin API driven from Python `requests`, as a user of another language would: inject a fault
// and see the client get it, read the journal, move the clock, add a withdrawal, reset. The GET is
// sent the way pybit sends it: the query string as signed, ' unencoded.
import { afterEach, describe, expect, it } from "vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockServer, makeMockExchange, startMockServer } from "../src/index.js"
import { run } from "./process.js"

const NOW = 1_700_000_000_000
const python = process.env.PYTHON ?? "python3"

const missing = await (async (): Promise<string | undefined> => {
  const version = await run(python, ["--version"]).catch(() => undefined)
  if (version === undefined || version.code !== 0) return `${python} is not installed`
  if ((await run(python, ["-c", "import requests"])).code !== 0) {
    return "the Python package `requests` is not installed (Debian: apt-get install python3-requests)"
  }
  return undefined
})()
if (missing !== undefined) console.warn(`[mock-exchange] skipping the Python admin test: ${missing}`)

const SCRIPT = `
import hashlib, hmac, json, sys
import requests

base, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}

def admin(method, path, body=None):
    r = requests.request(method, base + "/__admin" + path, json=body)
    return r.status_code, r.json()

def server_now():
    return admin("GET", "/clock")[1]["now"]

def headers(ts, payload):
    sign = hmac.new(secret.encode(), (str(ts) + key + "5000" + payload).encode(), hashlib.sha256).hexdigest()
    return {"X-BAPI-API-KEY": key, "X-BAPI-TIMESTAMP": str(ts), "X-BAPI-RECV-WINDOW": "5000", "X-BAPI-SIGN": sign}

def cancel(wid, ts=None):
    ts = server_now() if ts is None else ts
    body = json.dumps({"id": wid})
    h = headers(ts, body)
    h["Content-Type"] = "application/json"
    return requests.post(base + "/v5/asset/withdraw/cancel", data=body, headers=h).json()["retCode"]

out["health"] = admin("GET", "/health")
out["inject"] = admin("POST", "/faults", {"_tag": "RetCode", "retCode": 10016, "path": "/v5/asset/withdraw/cancel"})
out["cancel_faulted"] = cancel("10197")
out["journal"] = admin("GET", "/requests")[1]

query = "coin=USDT&txID='abc'"
ts = server_now()
r = requests.get(base + "/v5/asset/withdraw/query-record?" + query, headers=headers(ts, query))
out["query_sent"] = r.request.path_url
out["query_retCode"] = r.json()["retCode"]

before = server_now()
out["advance"] = admin("POST", "/clock", {"advance": 60000})
out["cancel_stale"] = cancel("10197", ts=before)
out["cancel_ok"] = cancel("10197")
out["bad_clock"] = admin("POST", "/clock", {"set": 1, "advance": 1})
out["added"] = admin("POST", "/withdrawals", {"withdrawId": "424242", "uid": "1000001", "coin": "USDT", "chain": "ETH", "amount": "2", "status": "Pending", "toAddress": "0xabc"})[0]
out["reset"] = admin("POST", "/reset")
out["after_reset"] = admin("GET", "/withdrawals/10197")[1]["withdrawal"]["status"]
out["added_after_reset"] = admin("GET", "/withdrawals/424242")[0]
out["journal_after_reset"] = len(admin("GET", "/requests")[1]["requests"])
print(json.dumps(out))
`

// The routes a test suite asserts with: pending faults, a narrowed fault, the journal filtered and
// counted, a withdrawal's status set and one removed, a key and a limit changed, the clock frozen.
const SCRIPT_STATE =
  SCRIPT.slice(0, SCRIPT.indexOf('out["health"]')) +
  `
fid = admin("POST", "/faults", {"_tag": "RetCode", "retCode": 10016, "method": "POST", "match": {"id": "10198"}})[1]["id"]
admin("POST", "/faults", {"_tag": "IpBanned", "path": "/v5/market/time"})
out["pending"] = [f["id"] for f in admin("GET", "/faults")[1]["faults"]]
out["removed_fault"] = admin("DELETE", "/faults/" + str(fid + 1))[0]
out["cancel_10197"] = cancel("10197")
out["cancel_10198"] = cancel("10198")
journal = admin("GET", "/requests?path=/v5/asset/withdraw/cancel&retCode=10016")[1]["requests"]
out["journal_faulted"] = [(r["method"], json.loads(r["body"])["id"], r["httpStatus"], r["headers"]["x-bapi-sign"], json.loads(r["responseBody"])["retCode"]) for r in journal]
out["count_ok"] = admin("GET", "/requests/count?method=POST&retCode=0")[1]["count"]
out["patched"] = admin("PATCH", "/withdrawals/10199", {"status": "success", "txID": "0xabc"})[1]["withdrawal"]["status"]
out["cancel_patched"] = cancel("10199")
out["deleted"] = admin("DELETE", "/withdrawals/10200")[0]
out["cancel_deleted"] = cancel("10200")
out["new_key"] = admin("POST", "/accounts", {"uid": "1000001", "apiKey": "py-key", "secret": "py-secret", "permissions": {"withdraw": True}})[0]
key, secret = "py-key", "py-secret"
out["cancel_new_key"] = cancel("10198")
out["limits"] = admin("POST", "/rate-limits", {"cancel": {"limit": 1, "windowMs": 60000}})[1]["rateLimits"]["cancel"]
admin("POST", "/clock", {"advance": 60000})
out["limited"] = [cancel("10201"), cancel("10202")]
out["freeze"] = admin("POST", "/clock", {"freeze": False})[1]["frozen"]
out["refreeze"] = admin("POST", "/clock", {"freeze": True})[1]["frozen"]
print(json.dumps(out))
`

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe("the admin API from Python requests", () => {
  it.skipIf(missing !== undefined)(
    `injects a fault the client gets, reads the journal, moves the clock, resets${missing === undefined ? "" : ` (SKIPPED: ${missing})`}`,
    async () => {
      const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }) })
      servers.push(server)
      const result = await run(python, ["-c", SCRIPT, server.url, MOCK_API_KEY, MOCK_API_SECRET], {
        env: { NO_PROXY: "127.0.0.1,localhost" }
      })
      expect(result.stderr).toBe("")
      expect(result.code).toBe(0)
      const out = JSON.parse(result.stdout)
      expect(out.health).toEqual([200, expect.objectContaining({ status: "ok", now: NOW })])
      expect(out.inject[0]).toBe(200)
      expect(out.cancel_faulted).toBe(10016)
      expect(out.journal.requests).toEqual([
        expect.objectContaining({ path: "/v5/asset/withdraw/cancel", fault: "RetCode", retCode: 10016 })
      ])
      // requests sent ' unencoded, as signed, and the exchange verified that exact string.
      expect(out.query_sent).toBe("/v5/asset/withdraw/query-record?coin=USDT&txID='abc'")
      expect(out.query_retCode).toBe(0)
      expect(out.advance).toEqual([200, { now: NOW + 60_000, frozen: true }])
      expect(out.cancel_stale).toBe(10002)
      expect(out.cancel_ok).toBe(0)
      expect(out.bad_clock[0]).toBe(400)
      expect(out.bad_clock[1].error).toMatch(/exactly one/)
      expect(out.added).toBe(201)
      expect(out.reset).toEqual([200, { reset: true, now: NOW }])
      expect(out.after_reset).toBe("Pending")
      expect(out.added_after_reset).toBe(404)
      expect(out.journal_after_reset).toBe(0)
    },
    180_000
  )

  it.skipIf(missing !== undefined)(
    `lists and removes faults, filters and counts the journal, sets state, keys, limits and the clock${missing === undefined ? "" : ` (SKIPPED: ${missing})`}`,
    async () => {
      const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }) })
      servers.push(server)
      const result = await run(python, ["-c", SCRIPT_STATE, server.url, MOCK_API_KEY, MOCK_API_SECRET], {
        env: { NO_PROXY: "127.0.0.1,localhost" }
      })
      expect(result.stderr).toBe("")
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toEqual({
        pending: [1, 2],
        removed_fault: 200,
        cancel_10197: 0,
        cancel_10198: 10016,
        journal_faulted: [["POST", "10198", 200, "[redacted]", 10016]],
        count_ok: 1,
        patched: "success",
        cancel_patched: 131099,
        deleted: 200,
        cancel_deleted: 131002,
        new_key: 200,
        cancel_new_key: 0,
        limits: { limit: 1, windowMs: 60_000 },
        limited: [0, 10006],
        freeze: false,
        refreeze: true
      })
    },
    180_000
  )
})
