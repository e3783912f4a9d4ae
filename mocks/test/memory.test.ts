// Bounded, all of it: 10,000 hostile admin calls (faults and withdrawals at their size caps and far
// over them, bodies over the admin cap) and a journal filled with big requests leave the bin's
// memory within the README's bound; every list answer is one page.
import { describe, expect, it } from "vitest"
import {
  ADMIN_PAGE_MAX,
  FAULT_TEXT_LIMITS,
  MAX_ACCOUNTS,
  MAX_PENDING_FAULTS,
  MAX_WITHDRAWALS,
  MOCK_UID,
  makeMockExchange,
  WITHDRAWAL_TEXT_CHARS
} from "../src/index.js"
import { spawnBin } from "./process.js"

/**
 * The bin runs with this old-space heap: what it keeps must fit (past it, V8 fails the process),
 * and garbage from the refused bodies is collected instead of piling up in RSS.
 */
const HEAP_MB = 64
/** The README's bound on the bin's RSS after this test's calls. */
const RSS_BOUND_MB = 200

const text = (n: number, c = "x") => c.repeat(n)

describe("memory under hostile admin calls", () => {
  it("10,000 admin calls at and over every cap, and 1,000 big requests: RSS grows within the bound, lists are paged", async () => {
    const proc = await spawnBin(["--port", "0"], { nodeOptions: [`--max-old-space-size=${HEAP_MB}`] })
    try {
      const call = async (method: string, path: string, body?: string): Promise<number> => {
        const res = await fetch(`${proc.url}${path}`, {
          method,
          ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } })
        })
        await res.arrayBuffer()
        return res.status
      }
      const health = async () => (await (await fetch(`${proc.url}/__admin/health`)).json()) as { rss: number }
      const before = (await health()).rss

      const L = FAULT_TEXT_LIMITS
      const bigFault = JSON.stringify({
        _tag: "RetCode",
        retCode: 10016,
        retMsg: text(L.retMsg),
        path: `/${text(L.path - 1)}`,
        match: Object.fromEntries(
          Array.from({ length: L.matchNames }, (_, i) => [`${i}${text(L.match - 1)}`, text(L.match)])
        )
      })
      const withdrawal = (i: number, address = text(WITHDRAWAL_TEXT_CHARS)) =>
        JSON.stringify({
          withdrawId: String(5_000_000 + i),
          uid: MOCK_UID,
          coin: "USDT",
          chain: text(WITHDRAWAL_TEXT_CHARS, "C"),
          amount: "1",
          status: "Pending",
          toAddress: address,
          tag: text(WITHDRAWAL_TEXT_CHARS, "t"),
          txID: text(WITHDRAWAL_TEXT_CHARS, "f")
        })
      const calls: Array<() => Promise<[string, number]>> = [
        ...Array.from(
          { length: 1_100 },
          () => async () => ["fault at the caps", await call("POST", "/__admin/faults", bigFault)] as [string, number]
        ),
        ...Array.from(
          { length: 500 },
          () => async () =>
            [
              "fault with a 60 KB retMsg",
              await call(
                "POST",
                "/__admin/faults",
                JSON.stringify({ _tag: "RetCode", retCode: 10016, retMsg: text(60_000) })
              )
            ] as [string, number]
        ),
        ...Array.from(
          { length: 200 },
          () => async () =>
            ["body over 64 KiB", await call("POST", "/__admin/faults", text(70_000))] as [string, number]
        ),
        ...Array.from(
          { length: 8_000 },
          (_, i) => async () =>
            ["withdrawal at the caps", await call("POST", "/__admin/withdrawals", withdrawal(i))] as [string, number]
        ),
        ...Array.from(
          { length: 200 },
          (_, i) => async () =>
            [
              "withdrawal with a 60 KB toAddress",
              await call("POST", "/__admin/withdrawals", withdrawal(100_000 + i, text(60_000)))
            ] as [string, number]
        )
      ]
      expect(calls).toHaveLength(10_000)
      const statuses = new Map<string, Map<number, number>>()
      for (let i = 0; i < calls.length; i += 50) {
        for (const [what, status] of await Promise.all(calls.slice(i, i + 50).map((c) => c()))) {
          const byStatus = statuses.get(what) ?? new Map<number, number>()
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
          statuses.set(what, byStatus)
        }
      }
      // 1,000 requests with 100 KB bodies and 8 KB queries: the journal keeps 4 KiB of each.
      for (let i = 0; i < 1_000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, () => call("POST", `/v5/asset/withdraw/cancel?${text(8_000, "q")}`, text(100_000)))
        )
      }
      const after = (await health()).rss
      const growthMb = (after - before) / 2 ** 20
      console.log(
        `[memory] RSS ${(before / 2 ** 20).toFixed(0)} MB -> ${(after / 2 ** 20).toFixed(0)} MB (+${growthMb.toFixed(0)} MB) after 10,000 admin calls and 1,000 big requests`
      )
      expect(Object.fromEntries([...statuses].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
        "fault at the caps": { 200: MAX_PENDING_FAULTS, 413: 1_100 - MAX_PENDING_FAULTS },
        "fault with a 60 KB retMsg": { 400: 500 },
        "body over 64 KiB": { 413: 200 },
        "withdrawal at the caps": { 201: 8_000 },
        "withdrawal with a 60 KB toAddress": { 400: 200 }
      })
      expect(after / 2 ** 20).toBeLessThan(RSS_BOUND_MB)

      // Every list answer is one page, whatever the exchange holds.
      const listed = (await (await fetch(`${proc.url}/__admin/withdrawals`)).json()) as {
        withdrawals: Array<unknown>
        total: number
        next: number | null
      }
      expect({ page: listed.withdrawals.length, total: listed.total, next: listed.next }).toEqual({
        page: ADMIN_PAGE_MAX,
        total: 8_014,
        next: ADMIN_PAGE_MAX
      })
      const last = (await (await fetch(`${proc.url}/__admin/withdrawals?offset=8000&limit=1000`)).json()) as {
        withdrawals: Array<unknown>
        next: number | null
      }
      expect([last.withdrawals.length, last.next]).toEqual([14, null])
      const journal = (await (await fetch(`${proc.url}/__admin/requests?limit=10`)).json()) as {
        requests: Array<{ body: string; query: string }>
        total: number
      }
      expect(journal.requests.length).toBe(10)
      expect(journal.requests.every((r) => r.body.length <= 4096 && r.query.length <= 4096)).toBe(true)
    } finally {
      await proc.stop("SIGTERM")
    }
  }, 300_000)

  it("a full store refuses more withdrawals: addWithdrawal throws CapacityError, the admin API answers 413", () => {
    const exchange = makeMockExchange({ now: 1_700_000_000_000 })
    const base = exchange.withdrawal("10197")!
    for (let i = exchange.withdrawals().length; i < MAX_WITHDRAWALS; i++) {
      exchange.addWithdrawal({ ...base, withdrawId: String(7_000_000 + i) })
    }
    expect(exchange.withdrawals()).toHaveLength(MAX_WITHDRAWALS)
    expect(() => exchange.addWithdrawal({ ...base, withdrawId: "8999999" })).toThrow(
      expect.objectContaining({ name: "CapacityError" })
    )
    // Replacing one that exists is no growth.
    expect(() => exchange.addWithdrawal({ ...base })).not.toThrow()
  })

  it("a full key list refuses more: setAccount throws CapacityError past MAX_ACCOUNTS, replacing one is no growth", () => {
    const exchange = makeMockExchange({ now: 1_700_000_000_000 })
    const key = (i: number) => ({ uid: "1000001", apiKey: `k${i}`, secret: "s", permissions: { withdraw: true } })
    for (let i = exchange.accounts().length; i < MAX_ACCOUNTS; i++) exchange.setAccount(key(i))
    expect(exchange.accounts()).toHaveLength(MAX_ACCOUNTS)
    expect(() => exchange.setAccount(key(MAX_ACCOUNTS))).toThrow(expect.objectContaining({ name: "CapacityError" }))
    expect(() => exchange.setAccount({ ...key(MAX_ACCOUNTS - 1), secret: "other" })).not.toThrow()
  })
})
