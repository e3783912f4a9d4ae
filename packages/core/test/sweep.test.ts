// The sweep's plain parts: the filter's rules, collecting what to cancel, totals, summary, exit codes.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { MalformedRecord, WithdrawalRecord } from "../src/Records.js"
import * as Sweep from "../src/Sweep.js"

const record = (
  withdrawId: string,
  status: WithdrawalRecord["status"],
  coin = "USDT",
  amount = "1"
): WithdrawalRecord => ({
  withdrawId,
  txID: "",
  withdrawType: 0,
  coin,
  chain: "ETH",
  amount,
  withdrawFee: "0",
  status,
  toAddress: "0x1",
  tag: "",
  createTime: 1,
  updateTime: 1
})
const malformed = (index: number, withdrawId: string | undefined): MalformedRecord => ({
  _tag: "MalformedRecord",
  index,
  withdrawId,
  reason: "amount: expected a string, got number"
})

describe("checkPendingFilter", () => {
  it("upper-cases a lower-case coin and lists every withdraw type, 50 a page, by default", () => {
    expect(Sweep.checkPendingFilter({ coin: "usdt" })).toEqual({
      _tag: "Valid",
      value: { withdrawType: 2, coin: "USDT", limit: 50 }
    })
    expect(Sweep.checkPendingFilter()).toEqual({ _tag: "Valid", value: { withdrawType: 2, limit: 50 } })
  })

  it("keeps a given withdraw type and time window", () => {
    expect(Sweep.checkPendingFilter({ withdrawType: 0, startTime: 1, endTime: 2 })).toEqual({
      _tag: "Valid",
      value: { withdrawType: 0, startTime: 1, endTime: 2, limit: 50 }
    })
  })

  for (const [input, field, rule] of [
    [{ coin: "US DT" }, "coin", /upper-case letters or digits/],
    [{ coin: "" }, "coin", /upper-case letters or digits/],
    [{ coin: 5 }, "coin", /expected a string/],
    [{ coins: "USDT" }, "coins", /is not a filter/],
    [{ withdrawType: 3 }, "withdrawType", /0 \(on-chain\)/],
    [{ startTime: 2, endTime: 1 }, "startTime", /after endTime/],
    [null, "filter", /expected an object/]
  ] as const) {
    it(`refuses ${JSON.stringify(input)} naming ${field}`, () => {
      const checked = Sweep.checkPendingFilter(input)
      expect(checked._tag).toBe("Invalid")
      if (checked._tag === "Invalid") {
        expect(checked.field).toBe(field)
        expect(checked.reason).toMatch(rule)
      }
    })
  }
})

describe("collect", () => {
  it("keeps cancellable rows and malformed rows, each id once; counts the rest as skipped", () => {
    const found = Sweep.collect([
      record("1", "Pending"),
      record("2", "success"),
      record("3", "SecurityCheck"),
      record("1", "Pending"),
      malformed(0, "4"),
      malformed(1, undefined),
      malformed(2, undefined),
      malformed(3, "3")
    ])
    expect(found.withdrawals.map((w) => w.withdrawId)).toEqual(["1", "3"])
    expect(found.malformed.map((m) => [m.index, m.withdrawId])).toEqual([
      [0, "4"],
      [1, undefined],
      [2, undefined]
    ])
    expect(found.skipped).toBe(1)
    expect(found.listError).toBeUndefined()
  })

  it("takes a withdrawal from its readable row whichever page came first (a malformed row of the same id is not a second one)", () => {
    for (const order of [
      [malformed(0, "7"), record("7", "Pending")],
      [record("7", "Pending"), malformed(0, "7")]
    ]) {
      const found = Sweep.collect(order)
      expect(found.withdrawals.map((w) => w.withdrawId)).toEqual(["7"])
      expect(found.malformed).toEqual([])
    }
    for (const order of [
      [malformed(0, "8"), record("8", "success")],
      [record("8", "success"), malformed(0, "8")]
    ]) {
      const found = Sweep.collect(order)
      expect(found.withdrawals).toEqual([])
      expect(found.malformed).toEqual([])
      expect(found.skipped).toBe(1)
    }
  })
})

describe("totals", () => {
  const sum = (amounts: ReadonlyArray<string>) =>
    Sweep.totals(amounts.map((amount, i) => record(String(i + 1), "Pending", "USDT", amount)))[0]?.amount

  it("adds exactly", () => {
    expect(sum(["0.1", "0.2"])).toBe("0.3")
    expect(sum(["1", "2.50", "0.05"])).toBe("3.55")
    expect(sum(["0.5", "0.50"])).toBe("1")
    expect(sum(["1e3"])).toBe("?")
  })

  it("agrees with integer arithmetic on cents", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000_000), { minLength: 1 }), (cents) => {
        const total = sum(cents.map((c) => (c / 100).toFixed(2)))
        expect(Number(total)).toBeCloseTo(cents.reduce((a, b) => a + b, 0) / 100, 6)
      })
    )
  })

  it("totals per coin, sorted, '?' for an unreadable amount", () => {
    expect(
      Sweep.totals([
        record("1", "Pending", "USDT", "1.5"),
        record("2", "Pending", "BTC", "0.1"),
        record("3", "Pending", "USDT", "2.5"),
        record("4", "Pending", "ETH", "-1")
      ])
    ).toEqual([
      { coin: "BTC", count: 1, amount: "0.1" },
      { coin: "ETH", count: 1, amount: "?" },
      { coin: "USDT", count: 2, amount: "4" }
    ])
  })
})

describe("summarize and exitCode", () => {
  const found = Sweep.collect([record("1", "Pending"), record("2", "Pending"), malformed(0, undefined)])
  const cancelled = (id: string): Sweep.Outcome<string> => ({
    _tag: "Cancelled",
    id,
    coin: "USDT",
    amount: "1",
    confirmedAfterRetry: false
  })

  it("counts each kind and exits 1 while one is not cancelled", () => {
    const failed = Sweep.malformedOutcome(found.malformed[0]!, (detail) => detail)
    const summary = Sweep.summarize(found, [cancelled("1"), cancelled("2"), failed])
    expect(summary).toMatchObject({ found: 3, cancelled: 2, failed: 1, unknown: 0, notSent: 0 })
    expect(summary.totals).toEqual([{ coin: "USDT", count: 2, amount: "2" }])
    expect(Sweep.exitCode(summary)).toBe(1)
    expect(failed._tag === "Failed" && failed.error).toMatch(/row 0 .*no cancel was sent/)
  })

  it("exits 0 when all were cancelled, or nothing was found", () => {
    const two = Sweep.collect([record("1", "Pending"), record("2", "Pending")])
    expect(Sweep.exitCode(Sweep.summarize(two, [cancelled("1"), cancelled("2")]))).toBe(0)
    expect(Sweep.exitCode(Sweep.summarize(Sweep.collect([]), []))).toBe(0)
  })

  it("exits 1 when the listing stopped early, even with nothing found", () => {
    expect(Sweep.exitCode(Sweep.summarize(Sweep.collect([], "ExchangeUnavailable"), []))).toBe(1)
  })

  it("howToCheck names the id and the lookup", () => {
    expect(Sweep.howToCheck("10197")).toContain('withdrawID: "10197"')
  })
})
