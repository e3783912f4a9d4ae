import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
  defaultSeed,
  MOCK_OTHER_API_KEY,
  MOCK_OTHER_API_SECRET,
  MOCK_UID,
  type MockWithdrawal,
  SEED_CANCELLABLE_USDT_IDS,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_ID,
  WITHDRAWAL_STATUSES
} from "../src/index.js"
import {
  BASE,
  CANCEL,
  CREATE,
  cancel,
  expectEnvelopeShape,
  get,
  hmacKey,
  type Json,
  mswServer,
  NOW,
  post,
  QUERY,
  readJson
} from "./helpers.js"

const { useExchange } = mswServer()

describe("GET /v5/market/time", () => {
  it("answers the mock clock without auth", async () => {
    const exchange = useExchange()
    exchange.clock.set(1688639403423)
    const response = await fetch(`${BASE}/v5/market/time`)
    expect(response.status).toBe(200)
    expect(await readJson(response)).toEqual({
      retCode: 0,
      retMsg: "OK",
      result: { timeSecond: "1688639403", timeNano: "1688639403423000000" },
      retExtInfo: {},
      time: 1688639403423
    })
    expect(response.headers.get("x-bapi-limit")).toBeNull()
  })

  it("matches any host", async () => {
    useExchange()
    for (const host of ["https://api.bybit.com", "https://api.bytick.com", "http://localhost:1234"]) {
      expect((await fetch(`${host}/v5/market/time`)).status).toBe(200)
    }
  })
})

describe("GET /v5/asset/withdraw/query-record", () => {
  it("lists the caller's on-chain withdrawals newest first, in Bybit's field names with ms strings", async () => {
    useExchange()
    const res = await get(QUERY)
    expect(res.json.retCode).toBe(0)
    const rows = res.json.result.rows as Array<Record<string, unknown>>
    expect(rows.every((r) => r.withdrawType === 0)).toBe(true)
    expect(rows.map((r) => r.withdrawId)).not.toContain(SEED_OTHER_ACCOUNT_WITHDRAWAL_ID)
    const times = rows.map((r) => Number(r.createTime))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        "amount",
        "chain",
        "coin",
        "createTime",
        "status",
        "tag",
        "toAddress",
        "txID",
        "updateTime",
        "withdrawFee",
        "withdrawId",
        "withdrawType",
        "fee",
        "tax",
        "taxRate",
        "taxType"
      ].sort()
    )
    expect(typeof rows[0]!.createTime).toBe("string")
    expect(res.json.result.nextPageCursor).toBe("")
  })

  it("filters by withdrawID, coin, withdrawType and time", async () => {
    useExchange()
    const byId = await get(QUERY, { withdrawID: SEED_WITHDRAWAL_ID })
    expect(byId.json.result.rows.map((r: Json) => r.withdrawId)).toEqual([SEED_WITHDRAWAL_ID])
    const btc = await get(QUERY, { coin: "BTC" })
    expect(btc.json.result.rows.map((r: Json) => r.coin)).toEqual(["BTC"])
    const offChain = await get(QUERY, { withdrawType: 1 })
    expect(offChain.json.result.rows.every((r: Json) => r.withdrawType === 1)).toBe(true)
    expect(offChain.json.result.rows.length).toBeGreaterThan(0)
    const all = await get(QUERY, { withdrawType: 2 })
    const own = defaultSeed(NOW).withdrawals.filter((w) => w.uid === MOCK_UID)
    expect(all.json.result.rows).toHaveLength(own.length)
    const t = own.find((w) => w.withdrawId === SEED_WITHDRAWAL_ID)!.createTime
    const window = await get(QUERY, { startTime: t, endTime: t })
    expect(window.json.result.rows.map((r: Json) => r.withdrawId)).toEqual([SEED_WITHDRAWAL_ID])
  })

  it("lists several cancellable USDT withdrawals (for list-then-cancel flows)", async () => {
    useExchange()
    const res = await get(QUERY, { coin: "USDT" })
    const cancellable = res.json.result.rows.filter((r: Json) => r.status === "Pending" || r.status === "SecurityCheck")
    expect(cancellable.map((r: Json) => r.withdrawId).sort()).toEqual([...SEED_CANCELLABLE_USDT_IDS].sort())
  })

  it("pages with limit and cursor without repeating or skipping a row", async () => {
    useExchange()
    const all = (await get(QUERY, { withdrawType: 2 })).json.result.rows.map((r: Json) => r.withdrawId)
    const seen: Array<string> = []
    let cursor: string | undefined
    for (let page = 0; page < 20; page++) {
      const res = await get(QUERY, { withdrawType: 2, limit: 3, cursor })
      expect(res.json.result.rows.length).toBeLessThanOrEqual(3)
      seen.push(...res.json.result.rows.map((r: Json) => r.withdrawId))
      cursor = res.json.result.nextPageCursor
      if (cursor === "") break
    }
    expect(seen).toEqual(all)
  })

  it("shows only the caller's withdrawals to another account", async () => {
    useExchange()
    const res = await get(QUERY, {}, { key: hmacKey(MOCK_OTHER_API_KEY, MOCK_OTHER_API_SECRET) })
    expect(res.json.result.rows.map((r: Json) => r.withdrawId)).toEqual([SEED_OTHER_ACCOUNT_WITHDRAWAL_ID])
  })

  it.each([
    ["limit=0", { limit: 0 }],
    ["limit=51", { limit: 51 }],
    ["limit=abc", { limit: "abc" }],
    ["withdrawType=3", { withdrawType: 3 }],
    ["startTime=yesterday", { startTime: "yesterday" }],
    ["a garbage cursor", { cursor: "garbage!" }]
  ])("rejects %s with 10001", async (_, query) => {
    useExchange()
    const res = await get(QUERY, query)
    expectEnvelopeShape(res.json)
    expect(res.json.retCode).toBe(10001)
  })
})

describe("query-record's 30-day window (Get Withdrawal Records)", () => {
  const DAY = 24 * 60 * 60 * 1000
  const add = (exchange: ReturnType<typeof useExchange>, withdrawId: string, createTime: number) =>
    exchange.addWithdrawal({
      withdrawId,
      uid: MOCK_UID,
      coin: "USDT",
      chain: "ETH",
      amount: "1",
      withdrawFee: "1",
      status: "success",
      toAddress: "0xabc",
      tag: "",
      txID: "",
      createTime,
      updateTime: createTime,
      withdrawType: 0
    })
  const ids = (res: { json: Json }) => res.json.result.rows.map((r: Json) => r.withdrawId) as Array<string>

  it("returns only the last 30 days when no time is given", async () => {
    const exchange = useExchange()
    add(exchange, "30001", NOW - 30 * DAY)
    add(exchange, "30002", NOW - 30 * DAY - 1)
    const listed = ids(await get(QUERY))
    expect(listed).toContain("30001")
    expect(listed).not.toContain("30002")
    expect(listed).toContain(SEED_WITHDRAWAL_ID)
  })

  it("ends a startTime-only query now and starts an endTime-only query 30 days earlier", async () => {
    const exchange = useExchange()
    add(exchange, "30003", NOW - 40 * DAY)
    add(exchange, "30004", NOW - 69 * DAY)
    add(exchange, "30005", NOW - 71 * DAY)
    expect(ids(await get(QUERY, { startTime: NOW - 10 * DAY }))).toContain(SEED_WITHDRAWAL_ID)
    const older = ids(await get(QUERY, { endTime: NOW - 40 * DAY }))
    expect(older).toEqual(["30003", "30004"])
  })

  it.each([
    ["a range of 30 days and 1 ms", { startTime: NOW - 30 * DAY - 1, endTime: NOW }],
    ["startTime after endTime", { startTime: NOW, endTime: NOW - 1 }],
    ["a startTime alone more than 30 days ago", { startTime: NOW - 31 * DAY }]
  ])("answers %s with 131002 and Bybit's message", async (_, query) => {
    useExchange()
    const res = await get(QUERY, query)
    expectEnvelopeShape(res.json)
    expect(res.json).toMatchObject({
      retCode: 131002,
      retMsg: "The interval between the startTime and endTime is incorrect",
      result: {},
      retExtInfo: {}
    })
  })

  it("accepts a range of exactly 30 days", async () => {
    const exchange = useExchange()
    add(exchange, "30006", NOW - 60 * DAY)
    const res = await get(QUERY, { startTime: NOW - 60 * DAY, endTime: NOW - 30 * DAY })
    expect(res.json.retCode).toBe(0)
    expect(ids(res)).toEqual(["30006"])
  })

  it("looks an older withdrawal up by withdrawID with no time given", async () => {
    const exchange = useExchange()
    add(exchange, "30007", NOW - 400 * DAY)
    expect(ids(await get(QUERY, { withdrawID: "30007" }))).toEqual(["30007"])
  })
})

describe("POST /v5/asset/withdraw/create", () => {
  const body = {
    coin: "USDT",
    chain: "ETH",
    address: "0x99aa3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
    amount: "12.5",
    timestamp: NOW,
    accountType: "FUND"
  }

  it("creates a SecurityCheck withdrawal, returns result.id, and lets it be listed and cancelled", async () => {
    const exchange = useExchange()
    const res = await post(CREATE, body)
    expect(res.json).toMatchObject({ retCode: 0, retMsg: "success" })
    const id = res.json.result.id as string
    expect(exchange.withdrawal(id)).toMatchObject({ status: "SecurityCheck", amount: "12.5", uid: MOCK_UID })
    const listed = await get(QUERY, { withdrawID: id })
    expect(listed.json.result.rows[0]).toMatchObject({ withdrawId: id, status: "SecurityCheck", txID: "" })
    expect((await cancel(id)).json.result).toEqual({ status: 1 })
    expect(exchange.withdrawal(id)?.status).toBe("CancelByUser")
  })

  it("honours requestId: the same request twice gives the same id and one withdrawal", async () => {
    const exchange = useExchange()
    const before = exchange.withdrawals().length
    const first = await post(CREATE, { ...body, requestId: "abc123" })
    const second = await post(CREATE, { ...body, requestId: "abc123" })
    expect(second.json.result.id).toBe(first.json.result.id)
    expect(exchange.withdrawals()).toHaveLength(before + 1)
  })

  it("answers a requestId reused with other parameters with 131082", async () => {
    useExchange()
    await post(CREATE, { ...body, requestId: "abc123" })
    expect((await post(CREATE, { ...body, amount: "13", requestId: "abc123" })).json.retCode).toBe(131082)
  })

  it.each([
    ["missing coin", { coin: undefined }],
    ["missing address", { address: undefined }],
    ["a numeric amount", { amount: 12.5 }],
    ["a zero amount", { amount: "0" }],
    ["a negative amount", { amount: "-1" }],
    ["a missing timestamp", { timestamp: undefined }],
    ["a missing accountType", { accountType: undefined }],
    ["a bad requestId", { requestId: "not valid!" }]
  ])("rejects %s with 10001", async (_, change) => {
    const exchange = useExchange()
    const before = exchange.withdrawals().length
    expect((await post(CREATE, { ...body, ...change })).json.retCode).toBe(10001)
    expect(exchange.withdrawals()).toHaveLength(before)
  })
})

describe("unknown routes", () => {
  it("answers an unknown /v5 path with HTTP 404 and 10017", async () => {
    useExchange()
    const res = await fetch(`${BASE}/v5/asset/withdraw/nope`, { method: "POST", body: "{}" })
    expect(res.status).toBe(404)
    const json = await readJson(res)
    expectEnvelopeShape(json)
    expect(json.retCode).toBe(10017)
  })

  it("answers a known path with the wrong method with HTTP 400 and 10017", async () => {
    useExchange()
    const res = await fetch(`${BASE}${CANCEL}`)
    expect(res.status).toBe(400)
    expect((await readJson(res)).retCode).toBe(10017)
  })

  it("sends exactly the messages the reference's conformance table (docs/mock-exchange.md) gives", async () => {
    useExchange()
    const readme = readFileSync(fileURLToPath(new URL("../../docs/mock-exchange.md", import.meta.url)), "utf8")
    const row = readme.split("\n").find((line) => line.startsWith("| unknown route / wrong method"))
    expect(row).toBeDefined()
    const cases = [
      ["GET", "/v5/asset/withdraw/nope", 404],
      ["POST", "/v5/market/time", 400],
      ["GET", CANCEL, 400],
      ["DELETE", QUERY, 400]
    ] as const
    for (const [method, path, status] of cases) {
      const res = await fetch(`${BASE}${path}`, { method, ...(method === "POST" ? { body: "{}" } : {}) })
      expect(res.status).toBe(status)
      const retMsg = (await readJson(res)).retMsg as string
      // The README writes the message with placeholders for the method and the path.
      const documented = retMsg.replace(` ${method} `, " <METHOD> ").replace(path, "<path>")
      expect(row, retMsg).toContain(`HTTP ${status} \`${documented}\``)
      expect(readme).toContain(`\`${documented}\``)
    }
  })
})

describe("state and records", () => {
  it("records every request with its raw query, body, key, retCode and status", async () => {
    const exchange = useExchange()
    await cancel(SEED_WITHDRAWAL_ID)
    await get(QUERY, "coin=USDT&limit=1")
    await fetch(`${BASE}/v5/market/time`)
    const recorded = exchange.requests()
    expect(recorded).toHaveLength(3)
    expect(recorded[0]).toMatchObject({
      method: "POST",
      path: CANCEL,
      query: "",
      body: '{"id":"10197"}',
      apiKey: "mock-api-key",
      retCode: 0,
      httpStatus: 200
    })
    expect(recorded[1]).toMatchObject({ method: "GET", path: QUERY, query: "coin=USDT&limit=1", retCode: 0 })
    expect(recorded[2]).toMatchObject({ path: "/v5/market/time", apiKey: undefined, retCode: 0 })
  })

  it("starts with no requests, so a test can assert the mock saw nothing", () => {
    expect(useExchange().requests()).toEqual([])
  })

  it("seeds every status, and takes other accounts and withdrawals", async () => {
    const statuses = new Set(defaultSeed().withdrawals.map((w) => w.status))
    expect([...statuses].sort()).toEqual([...WITHDRAWAL_STATUSES].sort())
    const mine: MockWithdrawal = {
      withdrawId: "1",
      uid: "42",
      coin: "ETH",
      chain: "ETH",
      amount: "1",
      withdrawFee: "0",
      status: "Pending",
      toAddress: "0x0",
      tag: "",
      txID: "",
      createTime: NOW,
      updateTime: NOW,
      withdrawType: 0
    }
    const exchange = useExchange({
      accounts: [{ uid: "42", apiKey: "k", secret: "s", permissions: { withdraw: true } }],
      withdrawals: [mine]
    })
    expect(exchange.withdrawals()).toEqual([mine])
    expect((await cancel("1", { key: hmacKey("k", "s") })).json.retCode).toBe(0)
    expect((await cancel("1", { key: hmacKey() })).json.retCode).toBe(10003)
    exchange.addWithdrawal({ ...mine, withdrawId: "2" })
    expect((await cancel("2", { key: hmacKey("k", "s") })).json.retCode).toBe(0)
  })

  it("returns copies: mutating an inspected withdrawal does not change the exchange", () => {
    const exchange = useExchange()
    const w = exchange.withdrawal(SEED_WITHDRAWAL_ID) as { status: string }
    w.status = "success"
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("refuses an account with both or neither of secret and rsaPublicKeyPem", () => {
    expect(() => useExchange({ accounts: [{ uid: "1", apiKey: "k", permissions: { withdraw: true } }] })).toThrow(
      TypeError
    )
  })
})
