// The driver of the shared suite (edition.ts) on its own: a cancel of the seed withdrawal, and a
// cancel of a withdrawal the account does not have, reported as plain data.
import { SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { describe, expect, it } from "vitest"
import { edition } from "./edition.js"

describe("edition (effect4)", () => {
  it("reports a cancel of the seed withdrawal as a Success, and the exchange's record agrees", async () => {
    const { outcome, exchange, elapsedMs } = await edition.run({
      operation: { _tag: "cancel", input: { id: SEED_WITHDRAWAL_ID } }
    })
    expect(outcome).toMatchObject({
      _tag: "Success",
      value: { id: SEED_WITHDRAWAL_ID, status: "cancelled", confirmedAfterRetry: false }
    })
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    expect(elapsedMs).toBe(0)
  })

  it("reports a withdrawal the account does not have as its typed failure, fields as JSON", async () => {
    const { outcome, exchange } = await edition.run({ operation: { _tag: "cancel", input: { id: "999999" } } })
    expect(outcome._tag).toBe("Failure")
    if (outcome._tag !== "Failure") return
    expect(outcome.error).toMatchObject({ _tag: "WithdrawalNotFound", id: "999999", retCode: 131002 })
    expect(outcome.error.message).toContain("Withdrawal 999999 was not found")
    expect(JSON.parse(JSON.stringify(outcome.error))).toEqual(outcome.error)
    expect(exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
  })

  it("moves the TestClock through a retried outage and reports the virtual time it took", async () => {
    const { outcome, exchange, elapsedMs } = await edition.run({
      setup: (exchange) =>
        exchange.faults.inject(
          { _tag: "ServerErrorHtml", status: 503 },
          { path: "/v5/asset/withdraw/cancel", times: 2 }
        ),
      operation: { _tag: "cancel", input: { id: SEED_WITHDRAWAL_ID } }
    })
    expect(outcome).toMatchObject({ _tag: "Success", value: { status: "cancelled" } })
    expect(elapsedMs).toBeGreaterThan(0)
    expect(elapsedMs % 100).not.toBe(0)
    expect(exchange.requests().filter((r) => r.path === "/v5/asset/withdraw/cancel")).toHaveLength(3)
  })
})
