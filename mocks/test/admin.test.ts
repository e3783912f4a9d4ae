// The admin API of the standalone server (/__admin/): JSON in and out, 400 with a message on bad
// input, never journaled, never rate-limited.
import { afterEach, describe, expect, it } from "vitest"
import { type MockServer, makeMockExchange, SEED_WITHDRAWAL_ID, startMockServer } from "../src/index.js"
import { cancel, get, type Json, QUERY } from "./helpers.js"

const NOW = 1_700_000_000_000
const CANCEL = "/v5/asset/withdraw/cancel"

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
const start = async () => {
  const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }) })
  servers.push(server)
  return server
}

const admin = async (
  server: MockServer,
  method: string,
  path: string,
  body?: unknown
): Promise<{ status: number; json: Json }> => {
  const response = await fetch(`${server.url}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          body: typeof body === "string" ? body : JSON.stringify(body),
          headers: { "content-type": "application/json" }
        })
  })
  expect(response.headers.get("content-type")).toMatch(/^application\/json/)
  return { status: response.status, json: await response.json() }
}

describe("/__admin/faults", () => {
  it("POST injects a fault (with times and path) that the next client request gets; DELETE clears", async () => {
    const server = await start()
    const injected = await admin(server, "POST", "/faults", {
      _tag: "RetCode",
      retCode: 10016,
      times: 2,
      path: CANCEL
    })
    expect(injected).toEqual({
      status: 200,
      json: { id: 1, injected: { _tag: "RetCode", retCode: 10016 }, times: 2, path: CANCEL, method: null, match: null }
    })
    // Another path is untouched; the cancel gets the fault twice.
    expect((await fetch(`${server.url}/v5/market/time`)).status).toBe(200)
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(10016)
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(10016)
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)

    await admin(server, "POST", "/faults", { _tag: "ServerErrorHtml", status: 503 })
    expect(await admin(server, "DELETE", "/faults")).toEqual({ status: 200, json: { cleared: true } })
    expect((await fetch(`${server.url}/v5/market/time`)).status).toBe(200)
  })

  it("a list page holds at most 1 MiB of JSON: 300 escape-heavy faults come in more than one page", async () => {
    const server = await start()
    const retMsg = "\u0001".repeat(1024) // 6 bytes of JSON each: about 6 KiB a fault
    for (let i = 0; i < 300; i++) await admin(server, "POST", "/faults", { _tag: "RetCode", retCode: 10016, retMsg })
    const first = (await admin(server, "GET", "/faults")).json as {
      faults: Array<unknown>
      total: number
      next: number
    }
    expect(first.total).toBe(300)
    expect(first.faults.length).toBeGreaterThan(0)
    expect(first.faults.length).toBeLessThan(300)
    expect(JSON.stringify(first.faults).length).toBeLessThanOrEqual(1_048_576 + 8_192)
    let seen = first.faults.length
    let next: number | null = first.next
    while (next !== null) {
      const page = (await admin(server, "GET", `/faults?offset=${next}`)).json as {
        faults: Array<unknown>
        next: number | null
      }
      seen += page.faults.length
      next = page.next
    }
    expect(seen).toBe(300)
  })

  it("GET lists the pending faults with their ids and times left; DELETE /faults/{id} removes one", async () => {
    const server = await start()
    await admin(server, "POST", "/faults", { _tag: "IpBanned", times: 3 })
    await admin(server, "POST", "/faults", { _tag: "NotJson", path: "/v5/market/time" })
    expect((await fetch(`${server.url}${CANCEL}`, { method: "POST", body: "{}" })).status).toBe(403)
    expect(await admin(server, "GET", "/faults")).toEqual({
      status: 200,
      json: {
        faults: [
          { id: 1, fault: { _tag: "IpBanned" }, times: 2 },
          { id: 2, fault: { _tag: "NotJson" }, times: 1, path: "/v5/market/time" }
        ],
        total: 2,
        next: null
      }
    })
    expect(await admin(server, "DELETE", "/faults/1")).toEqual({ status: 200, json: { removed: 1 } })
    expect((await admin(server, "DELETE", "/faults/1")).status).toBe(404)
    expect((await admin(server, "DELETE", "/faults/abc")).status).toBe(404)
    expect((await admin(server, "GET", "/faults")).json.faults.map((f: { id: number }) => f.id)).toEqual([2])
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)
  })

  it("a fault without path takes the next private request, never the public clock sync", async () => {
    const server = await start()
    await admin(server, "POST", "/faults", { _tag: "ServerErrorHtml", status: 503 })
    expect((await fetch(`${server.url}/v5/market/time`)).status).toBe(200)
    expect((await fetch(`${server.url}/v5/market/instruments-info?category=spot`)).status).toBe(200)
    const res = await fetch(`${server.url}${CANCEL}`, { method: "POST", body: "{}" })
    expect(res.status).toBe(503)
  })

  it("method and match narrow a fault: only the cancel of 10198 gets it", async () => {
    const server = await start()
    await admin(server, "POST", "/faults", { _tag: "RetCode", retCode: 10016, method: "post", match: { id: "10198" } })
    expect((await get(QUERY, { withdrawID: "10198" }, { base: server.url })).json.retCode).toBe(0)
    expect((await cancel("10197", { base: server.url })).json.retCode).toBe(0)
    expect((await cancel("10198", { base: server.url })).json.retCode).toBe(10016)
    expect((await cancel("10198", { base: server.url })).json.retCode).toBe(0)
  })

  it("a query match narrows a GET", async () => {
    const server = await start()
    await admin(server, "POST", "/faults", { _tag: "RetCode", retCode: 10016, path: QUERY, match: { coin: "BTC" } })
    expect((await get(QUERY, { coin: "USDT" }, { base: server.url })).json.retCode).toBe(0)
    expect((await get(QUERY, { coin: "BTC" }, { base: server.url })).json.retCode).toBe(10016)
  })

  it.each([
    ["not JSON", "{nope"],
    ["a JSON array", "[]"],
    ["an unknown _tag", { _tag: "Explode" }],
    ["no _tag", { retCode: 1 }],
    ["a field the fault does not have", { _tag: "IpBanned", ms: 5 }],
    ["Latency without ms", { _tag: "Latency" }],
    ["a negative Latency", { _tag: "Latency", ms: -1 }],
    ["a 4xx ServerErrorHtml", { _tag: "ServerErrorHtml", status: 404 }],
    ["RetCode without retCode", { _tag: "RetCode" }],
    ["a non-string retMsg", { _tag: "RetCode", retCode: 10016, retMsg: 7 }],
    ["times 0", { _tag: "NotJson", times: 0 }],
    ["fractional times", { _tag: "NotJson", times: 1.5 }],
    ["a path without /", { _tag: "NotJson", path: "v5/market/time" }],
    ["a path over 256 characters", { _tag: "NotJson", path: `/${"x".repeat(256)}` }],
    ["a method that is not one", { _tag: "NotJson", method: "GET /" }],
    ["a match that is not an object", { _tag: "NotJson", match: "10197" }],
    ["a match with a number", { _tag: "NotJson", match: { id: 10197 } }],
    ["an empty match", { _tag: "NotJson", match: {} }]
  ])("400 with a message for %s, and nothing injected", async (_, body) => {
    const server = await start()
    const reply = await admin(server, "POST", "/faults", body)
    expect(reply.status).toBe(400)
    expect(typeof reply.json.error).toBe("string")
    expect(reply.json.error.length).toBeGreaterThan(5)
    expect((await fetch(`${server.url}/v5/market/time`)).status).toBe(200)
  })
})

describe("/__admin/requests", () => {
  it("GET lists the journal (with dropped), DELETE empties it; admin calls are never in it", async () => {
    const server = await start()
    await cancel(SEED_WITHDRAWAL_ID, { base: server.url })
    await admin(server, "GET", "/health")
    const listed = await admin(server, "GET", "/requests")
    expect(listed.status).toBe(200)
    expect(listed.json.dropped).toBe(0)
    expect(listed.json.requests).toEqual([
      expect.objectContaining({ method: "POST", path: CANCEL, retCode: 0, httpStatus: 200, time: NOW })
    ])
    expect(await admin(server, "DELETE", "/requests")).toEqual({ status: 200, json: { cleared: true } })
    expect((await admin(server, "GET", "/requests")).json.requests).toEqual([])
  })

  it("admin requests are not rate-limited: 150 in a row all answer, and the cancel budget is untouched", async () => {
    const server = await start()
    const statuses = await Promise.all(
      Array.from({ length: 150 }, () => fetch(`${server.url}/__admin/health`).then((r) => r.status))
    )
    expect(new Set(statuses)).toEqual(new Set([200]))
    const reply = await cancel(SEED_WITHDRAWAL_ID, { base: server.url })
    expect(reply.headers.get("x-bapi-limit-status")).toBe("59")
    expect(server.exchange.requests()).toHaveLength(1)
  })
})

describe("/__admin/clock", () => {
  it("GET reads it; POST sets or advances it, and the time window follows", async () => {
    const server = await start()
    expect(await admin(server, "GET", "/clock")).toEqual({ status: 200, json: { now: NOW, frozen: true } })
    expect(await admin(server, "POST", "/clock", { advance: 60_000 })).toEqual({
      status: 200,
      json: { now: NOW + 60_000, frozen: true }
    })
    // A request signed at NOW is now outside the 5 s window.
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(10002)
    expect(await admin(server, "POST", "/clock", { set: NOW })).toEqual({
      status: 200,
      json: { now: NOW, frozen: true }
    })
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)
  })

  it.each([
    ["both set and advance", { set: 1, advance: 1 }],
    ["neither", {}],
    ["a string", { set: "soon" }],
    ["a negative set", { set: -5 }],
    ["a fraction", { advance: 0.5 }],
    ["an unknown field", { set: 1, tick: 2 }]
  ])("400 for %s", async (_, body) => {
    const server = await start()
    const reply = await admin(server, "POST", "/clock", body)
    expect(reply.status).toBe(400)
    expect(reply.json.error).toMatch(/set|advance|field|integer/)
    expect((await admin(server, "GET", "/clock")).json.now).toBe(NOW)
  })

  it("400 for an advance that takes the clock below 0 or past 8.64e15 (the largest Date)", async () => {
    const server = await start()
    expect((await admin(server, "POST", "/clock", { set: 0 })).status).toBe(200)
    const back = await admin(server, "POST", "/clock", { advance: -1_000 })
    expect(back.status).toBe(400)
    expect(back.json.error).toMatch(/advance/)
    expect((await admin(server, "POST", "/clock", { set: 8_640_000_000_000_000 })).status).toBe(200)
    expect((await admin(server, "POST", "/clock", { advance: 8_640_000_000_000_000 })).status).toBe(400)
    expect((await admin(server, "POST", "/clock", { advance: 1 })).status).toBe(400)
    expect((await admin(server, "GET", "/clock")).json.now).toBe(8_640_000_000_000_000)
    expect((await admin(server, "POST", "/clock", { advance: -8_640_000_000_000_000 })).json.now).toBe(0)
    const t: Json = await (await fetch(`${server.url}/v5/market/time`)).json()
    expect(t.time).toBe(0)
  })
})

describe("/__admin/reset", () => {
  it("puts back the seed the server started with: withdrawals, faults, journal, clock, rate limits", async () => {
    const server = await start()
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)
    await admin(server, "POST", "/withdrawals", {
      withdrawId: "777",
      uid: "1000001",
      coin: "USDT",
      chain: "ETH",
      amount: "3",
      status: "Pending",
      toAddress: "0xabc"
    })
    await admin(server, "POST", "/faults", { _tag: "IpBanned" })
    await admin(server, "POST", "/clock", { advance: 1_000 })
    expect(await admin(server, "POST", "/reset")).toEqual({ status: 200, json: { reset: true, now: NOW } })
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    expect((await admin(server, "GET", "/withdrawals/777")).status).toBe(404)
    expect(server.exchange.requests()).toEqual([])
    // The fault is gone and the rate-limit window is fresh.
    const reply = await cancel(SEED_WITHDRAWAL_ID, { base: server.url })
    expect(reply.json.retCode).toBe(0)
    expect(reply.headers.get("x-bapi-limit-status")).toBe("59")
  })
})

describe("/__admin/withdrawals", () => {
  it("GET lists them; POST adds one (defaults filled) that a client can then cancel; GET /{id} reads one", async () => {
    const server = await start()
    const all = await admin(server, "GET", "/withdrawals")
    expect(all.json.withdrawals.map((w: Json) => w.withdrawId)).toContain(SEED_WITHDRAWAL_ID)
    const added = await admin(server, "POST", "/withdrawals", {
      withdrawId: "900001",
      uid: "1000001",
      coin: "USDT",
      chain: "TRX",
      amount: "12.5",
      status: "SecurityCheck",
      toAddress: "TXYZ"
    })
    expect(added.status).toBe(201)
    expect(added.json.withdrawal).toMatchObject({
      withdrawId: "900001",
      withdrawFee: "0",
      tag: "",
      txID: "",
      withdrawType: 0,
      createTime: NOW,
      updateTime: NOW
    })
    expect((await cancel("900001", { base: server.url })).json.retCode).toBe(0)
    const one = await admin(server, "GET", "/withdrawals/900001")
    expect(one).toMatchObject({ status: 200, json: { withdrawal: { withdrawId: "900001", status: "CancelByUser" } } })
    const missing = await admin(server, "GET", "/withdrawals/404404")
    expect(missing.status).toBe(404)
    expect(missing.json.error).toContain("404404")
  })

  it.each([
    ["a bad status", { withdrawId: "1", uid: "1", coin: "U", chain: "E", amount: "1", status: "Nope", toAddress: "a" }],
    ["a missing uid", { withdrawId: "1", coin: "U", chain: "E", amount: "1", status: "Pending", toAddress: "a" }],
    [
      "a numeric amount",
      { withdrawId: "1", uid: "1", coin: "U", chain: "E", amount: 1, status: "Pending", toAddress: "a" }
    ],
    ["not an object", "42"]
  ])("POST: 400 naming the field for %s", async (_, body) => {
    const server = await start()
    const reply = await admin(server, "POST", "/withdrawals", body)
    expect(reply.status).toBe(400)
    expect(typeof reply.json.error).toBe("string")
  })
})

describe("/__admin/withdrawals: what the routes' own rules reject", () => {
  const valid = {
    withdrawId: "900002",
    uid: "1000001",
    coin: "USDT",
    chain: "ETH",
    amount: "3",
    status: "Pending",
    toAddress: "0xabc"
  }

  it.each([
    ["withdrawId", "abc"],
    ["withdrawId", "1".repeat(30)],
    ["withdrawId", "12a"],
    ["withdrawId", "-1"],
    ["amount", "-1e999"],
    ["amount", "-1"],
    ["amount", "1e5"],
    ["amount", "01"],
    ["amount", "NaN"],
    ["withdrawFee", "-0.1"],
    ["coin", "usdt"],
    ["coin", "US DT"]
  ])("POST: 400 for %s %j, and nothing is added", async (field, value) => {
    const server = await start()
    const before = server.exchange.withdrawals().length
    const reply = await admin(server, "POST", "/withdrawals", { ...valid, [field]: value })
    expect(reply.status).toBe(400)
    expect(reply.json.error).toContain(`withdrawal.${field}`)
    expect(server.exchange.withdrawals()).toHaveLength(before)
  })

  it("POST: a uid no account has is 400", async () => {
    const server = await start()
    const reply = await admin(server, "POST", "/withdrawals", { ...valid, uid: "424242" })
    expect(reply.status).toBe(400)
    expect(reply.json.error).toContain("424242")
    expect(server.exchange.withdrawal("900002")).toBeUndefined()
  })

  it("POST: an id that exists is 409 and the record is untouched (a seeded one, or one posted before)", async () => {
    const server = await start()
    const seeded = server.exchange.withdrawal(SEED_WITHDRAWAL_ID)
    const clash = await admin(server, "POST", "/withdrawals", { ...valid, withdrawId: SEED_WITHDRAWAL_ID })
    expect(clash.status).toBe(409)
    expect(clash.json.error).toContain(SEED_WITHDRAWAL_ID)
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)).toEqual(seeded)
    expect((await admin(server, "POST", "/withdrawals", valid)).status).toBe(201)
    const again = await admin(server, "POST", "/withdrawals", { ...valid, amount: "99" })
    expect(again.status).toBe(409)
    expect(server.exchange.withdrawal("900002")?.amount).toBe("3")
  })
})

describe("admin request bodies: their own cap", () => {
  const startWith = async (maxBodyBytes: number) => {
    const server = await startMockServer({ exchange: makeMockExchange({ now: NOW, maxBodyBytes }) })
    servers.push(server)
    return server
  }

  it.each([0, 10, 1_048_576])("with maxBodyBytes %i the admin API still takes its bodies", async (maxBodyBytes) => {
    const server = await startWith(maxBodyBytes)
    const injected = await admin(server, "POST", "/faults", { _tag: "IpBanned", path: CANCEL, times: 2 })
    expect(injected.status).toBe(200)
    expect((await admin(server, "POST", "/clock", { advance: 1_000 })).json.now).toBe(NOW + 1_000)
  })

  it.each([65_537, 1_000_000])("an admin body of %i bytes (over 64 KiB) is 413 with a JSON message", async (size) => {
    const server = await startWith(16 * 1024 * 1024)
    const body = JSON.stringify({ _tag: "IpBanned", path: `/${"x".repeat(size - 30)}` })
    expect(body.length).toBeGreaterThan(65_536)
    const reply = await admin(server, "POST", "/faults", body)
    expect(reply.status).toBe(413)
    expect(reply.json.error).toContain("65536 bytes")
    // The server keeps answering, and nothing was injected.
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)
  })

  it("an admin body of exactly 64 KiB is read", async () => {
    const server = await startWith(0)
    const prefix = JSON.stringify({ _tag: "IpBanned", path: "/" })
    const body = `${prefix.slice(0, -1)}${" ".repeat(65_536 - prefix.length)}}`
    expect(body.length).toBe(65_536)
    expect((await admin(server, "POST", "/faults", body)).status).toBe(200)
  })
})

describe("/__admin routing", () => {
  it("GET /__admin/health answers ok with the clock, the process (pid, rss) and the bounds", async () => {
    const server = await start()
    expect(await admin(server, "GET", "/health")).toEqual({
      status: 200,
      json: {
        status: "ok",
        now: NOW,
        pid: process.pid,
        rss: expect.any(Number),
        limits: { maxBodyBytes: 1_048_576, journalSize: 1000 }
      }
    })
  })

  it("an unknown admin route is 404 and a wrong method 405, each with a message", async () => {
    const server = await start()
    const unknown = await admin(server, "GET", "/nothing")
    expect(unknown.status).toBe(404)
    expect(unknown.json.error).toContain("/__admin/health")
    const wrong = await admin(server, "PUT", "/clock", { set: 1 })
    expect(wrong.status).toBe(405)
    expect(wrong.json.error).toContain("GET or POST")
  })

  it("admin requests are not journaled, and the Bybit routes still answer beside them", async () => {
    const server = await start()
    await admin(server, "GET", "/requests")
    expect(server.exchange.requests()).toEqual([])
    // The query-record route still works next to it.
    expect((await fetch(`${server.url}${QUERY}`)).status).toBe(401)
  })
})

describe("journal and state a test can assert on", () => {
  it("a journal entry has the request headers (credentials redacted), status, retCode and the cut answer", async () => {
    const server = await start()
    await cancel(SEED_WITHDRAWAL_ID, { base: server.url, headers: { Authorization: "Bearer secret", "X-Trace": "t1" } })
    const [entry] = (await admin(server, "GET", "/requests")).json.requests
    expect(entry).toMatchObject({
      method: "POST",
      path: CANCEL,
      httpStatus: 200,
      retCode: 0,
      headers: {
        "x-bapi-api-key": "mock-api-key",
        "x-bapi-sign": "[redacted]",
        authorization: "[redacted]",
        "x-trace": "t1",
        "content-type": "application/json"
      }
    })
    expect(JSON.parse(entry.responseBody)).toMatchObject({ retCode: 0, result: { status: 1 } })
  })

  it("filters by path, method and retCode (none: no envelope), and counts", async () => {
    const server = await start()
    await cancel(SEED_WITHDRAWAL_ID, { base: server.url })
    await cancel(SEED_WITHDRAWAL_ID, { base: server.url })
    await fetch(`${server.url}/v5/market/time`)
    await admin(server, "POST", "/faults", { _tag: "NotJson", path: "/v5/market/time" })
    await fetch(`${server.url}/v5/market/time`)
    const count = async (q: string) => (await admin(server, "GET", `/requests/count${q}`)).json.count
    expect(await count("")).toBe(4)
    expect(await count(`?path=${CANCEL}`)).toBe(2)
    expect(await count("?method=get")).toBe(2)
    expect(await count("?retCode=131099")).toBe(1)
    expect(await count("?retCode=none")).toBe(1)
    const listed = (await admin(server, "GET", `/requests?path=${CANCEL}&retCode=0`)).json
    expect(listed.requests.map((r: { retCode: number }) => r.retCode)).toEqual([0])
    expect((await admin(server, "GET", "/requests?retCode=abc")).status).toBe(400)
    expect((await admin(server, "GET", "/requests?limit=0")).status).toBe(400)
  })

  it("PATCH sets a withdrawal's status (and txID), DELETE removes one; bad input is 400, an unknown id 404", async () => {
    const server = await start()
    const patched = await admin(server, "PATCH", "/withdrawals/10197", { status: "BlockchainConfirmed", txID: "0x1" })
    expect(patched).toMatchObject({ status: 200, json: { withdrawal: { status: "BlockchainConfirmed", txID: "0x1" } } })
    expect((await cancel("10197", { base: server.url })).json.retCode).toBe(131099)
    expect((await admin(server, "PATCH", "/withdrawals/10198", { status: "MoreInformationRequired" })).status).toBe(200)
    expect((await admin(server, "PATCH", "/withdrawals/10198", { status: "Pending" })).status).toBe(200)
    expect((await cancel("10198", { base: server.url })).json.retCode).toBe(0)
    expect((await admin(server, "PATCH", "/withdrawals/10198", { status: "Gone" })).status).toBe(400)
    expect((await admin(server, "PATCH", "/withdrawals/10198", { status: "Pending", amount: "1" })).status).toBe(400)
    expect(await admin(server, "DELETE", "/withdrawals/10198")).toEqual({ status: 200, json: { removed: "10198" } })
    expect((await cancel("10198", { base: server.url })).json.retCode).toBe(131002)
    expect((await admin(server, "DELETE", "/withdrawals/10198")).status).toBe(404)
    expect((await admin(server, "PATCH", "/withdrawals/999", { status: "Pending" })).status).toBe(404)
  })

  it("PATCH cannot move a withdrawal out of a final status (409), so no id is cancelled twice", async () => {
    const server = await start()
    expect((await cancel("10197", { base: server.url })).json.retCode).toBe(0)
    const back = await admin(server, "PATCH", "/withdrawals/10197", { status: "Pending" })
    expect(back.status).toBe(409)
    expect(back.json.error).toContain("CancelByUser")
    expect((await cancel("10197", { base: server.url })).json.retCode).toBe(131099)
    for (const [id, status] of [
      ["10203", "success"],
      ["10205", "Reject"],
      ["10206", "Fail"],
      ["10207", "BlockchainConfirmed"]
    ]) {
      expect((await admin(server, "PATCH", `/withdrawals/${id}`, { status: "SecurityCheck" })).status, id).toBe(409)
      // the same status (to set a txID) is not a move
      expect((await admin(server, "PATCH", `/withdrawals/${id}`, { status, txID: "0x2" })).status, id).toBe(200)
    }
  })

  it("POST /accounts refuses an rsaPublicKeyPem that is not an RSA public key PEM, and ips that are not IPs", async () => {
    const server = await start()
    const key = { uid: "1", apiKey: "k", permissions: { withdraw: true } }
    const garbage = await admin(server, "POST", "/accounts", { ...key, rsaPublicKeyPem: "garbage" })
    expect(garbage.status).toBe(400)
    expect(garbage.json.error).toContain("rsaPublicKeyPem")
    for (const ips of [["not an ip"], ["10.0.0.1", "10.0.0.256"], [""], ["127.0.0.1/8"]]) {
      const reply = await admin(server, "POST", "/accounts", { ...key, secret: "s", ips })
      expect(reply.status, JSON.stringify(ips)).toBe(400)
      expect(reply.json.error).toContain("ips")
    }
    const ok = await admin(server, "POST", "/accounts", { ...key, secret: "s", ips: ["10.0.0.1", "::1"] })
    expect(ok.status).toBe(200)
    const { MOCK_RSA_PUBLIC_KEY_PEM } = await import("../src/index.js")
    expect(
      (await admin(server, "POST", "/accounts", { ...key, rsaPublicKeyPem: MOCK_RSA_PUBLIC_KEY_PEM })).status
    ).toBe(200)
    expect((await admin(server, "GET", "/accounts")).json.accounts.map((a: Json) => a.apiKey)).toContain("k")
  })

  it("keys change at run time (listed without secrets); limits change; a reset puts both back", async () => {
    const server = await start()
    const added = await admin(server, "POST", "/accounts", {
      uid: "1000001",
      apiKey: "run-time-key",
      secret: "run-time-secret",
      permissions: { withdraw: true }
    })
    expect(added).toEqual({
      status: 200,
      json: { account: { apiKey: "run-time-key", uid: "1000001", kind: "hmac", permissions: { withdraw: true } } }
    })
    const listed = (await admin(server, "GET", "/accounts")).json.accounts
    expect(listed.map((a: { apiKey: string }) => a.apiKey)).toContain("run-time-key")
    expect(JSON.stringify(listed)).not.toContain("secret")
    expect(
      (await admin(server, "POST", "/accounts", { uid: "1", apiKey: "k", permissions: { withdraw: true } })).status
    ).toBe(400)
    expect(await admin(server, "DELETE", "/accounts/mock-api-key")).toEqual({
      status: 200,
      json: { removed: "mock-api-key" }
    })
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(10003)
    expect((await admin(server, "DELETE", "/accounts/mock-api-key")).status).toBe(404)

    const limits = await admin(server, "POST", "/rate-limits", { query: { limit: 2, windowMs: 1000 } })
    expect(limits.json.rateLimits.query).toEqual({ limit: 2, windowMs: 1000 })
    expect((await admin(server, "POST", "/rate-limits", { cancel: { limit: 0, windowMs: 1 } })).status).toBe(400)
    expect((await admin(server, "POST", "/rate-limits", { withdraw: { limit: 1, windowMs: 1 } })).status).toBe(400)

    await admin(server, "POST", "/reset")
    expect((await cancel(SEED_WITHDRAWAL_ID, { base: server.url })).json.retCode).toBe(0)
    expect((await admin(server, "GET", "/rate-limits")).json.rateLimits.query).toEqual({ limit: 300, windowMs: 60_000 })
    expect(
      (await admin(server, "GET", "/accounts")).json.accounts.map((a: { apiKey: string }) => a.apiKey)
    ).not.toContain("run-time-key")
  })

  it("the clock freezes and unfreezes; a reset puts back how the server started (following)", async () => {
    const server = await startMockServer({ exchange: makeMockExchange() })
    servers.push(server)
    expect((await admin(server, "GET", "/clock")).json.frozen).toBe(false)
    const frozen = (await admin(server, "POST", "/clock", { freeze: true })).json
    expect(frozen.frozen).toBe(true)
    // Frozen: the same time however long the test takes between the two reads.
    expect((await admin(server, "GET", "/clock")).json.now).toBe(frozen.now)
    const thawed = (await admin(server, "POST", "/clock", { freeze: false })).json
    expect(thawed.frozen).toBe(false)
    expect(thawed.now).toBeGreaterThanOrEqual(frozen.now)
    expect((await admin(server, "POST", "/clock", { freeze: "yes" })).status).toBe(400)
    expect((await admin(server, "POST", "/clock", { freeze: true, set: 1 })).status).toBe(400)
    await admin(server, "POST", "/clock", { freeze: true })
    await admin(server, "POST", "/reset")
    expect((await admin(server, "GET", "/clock")).json.frozen).toBe(false)
  })
})
