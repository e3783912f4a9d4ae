// One consistent state: a request is decided against the state current when it is decided (after
// any Latency delay), so a reset during a delay never resurrects a withdrawal or cancels one twice.
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  CANCELLABLE_STATUSES,
  type Exchange,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_UID,
  type MockAnswer,
  type MockResponse,
  makeMockExchange,
  startMockServer,
  type WithdrawalStatus
} from "../src/index.js"
import { CANCEL, cancel, type Json, NOW, readJson } from "./helpers.js"

const signer = hmacSigner(MOCK_API_SECRET)
const SEEDED = ["10197", "10198", "10200", "10203", "10204", "20001"]
const ADDED = ["900001", "900002"]
const IDS = [...SEEDED, ...ADDED]

const cancelRequest = (id: string) => {
  const signed = signRequest({
    method: "POST",
    signer,
    apiKey: MOCK_API_KEY,
    timestamp: NOW,
    recvWindow: 5000,
    body: { id }
  })
  const headers = new Headers({ ...signed.headers, "content-type": "application/json" })
  return {
    method: "POST",
    path: CANCEL,
    query: "",
    headers,
    body: signed.body
  }
}

const pending = (id: string) => ({
  withdrawId: id,
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "1",
  status: "Pending" as const,
  toAddress: "0x8c5a3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
  tag: "",
  txID: "",
  createTime: NOW,
  updateTime: NOW,
  withdrawType: 0 as const
})

type Op =
  | { readonly _tag: "cancel"; readonly id: string; readonly fault: "none" | "Latency" | "LoseResponse" | "RetCode" }
  | { readonly _tag: "resume"; readonly k: number }
  | { readonly _tag: "reset" }
  | { readonly _tag: "add"; readonly id: string }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      _tag: fc.constant("cancel" as const),
      id: fc.constantFrom(...IDS),
      fault: fc.constantFrom("none" as const, "Latency" as const, "LoseResponse" as const, "RetCode" as const)
    }),
    weight: 5
  },
  { arbitrary: fc.record({ _tag: fc.constant("resume" as const), k: fc.nat() }), weight: 3 },
  { arbitrary: fc.constant({ _tag: "reset" as const }), weight: 1 },
  { arbitrary: fc.record({ _tag: fc.constant("add" as const), id: fc.constantFrom(...ADDED) }), weight: 1 }
)

/** A status only moves from a cancellable one to CancelByUser; an added withdrawal starts absent. */
const validHistory = (history: ReadonlyArray<WithdrawalStatus | "absent">): boolean => {
  const steps = history.filter((s, i) => i === 0 || s !== history[i - 1])
  const [first, ...rest] = steps[0] === "absent" && steps.length > 1 ? steps.slice(1) : steps
  if (steps[0] === "absent" && steps.length > 1 && first !== "Pending") return false
  if (rest.length === 0) return true
  return rest.length === 1 && CANCELLABLE_STATUSES.includes(first as WithdrawalStatus) && rest[0] === "CancelByUser"
}

const run = (ops: ReadonlyArray<Op>): void => {
  const exchange: Exchange = makeMockExchange({
    now: NOW,
    rateLimits: { cancel: { limit: 10_000, windowMs: 60_000 } }
  })
  let epoch = 0
  // Per epoch (between resets): each id's observed statuses, and the cancels decided with retCode 0.
  let histories = new Map<string, Array<WithdrawalStatus | "absent">>()
  let successes = new Map<string, number>()
  const observe = (): void => {
    for (const id of IDS) {
      const list = histories.get(id) ?? []
      list.push(exchange.withdrawal(id)?.status ?? "absent")
      histories.set(id, list)
    }
  }
  const check = (): void => {
    for (const [id, history] of histories) {
      if (!validHistory(history)) throw new Error(`epoch ${epoch}: ${id} went ${history.join(" -> ")}`)
    }
    for (const [id, n] of successes) {
      if (n > 1) throw new Error(`epoch ${epoch}: ${id} was cancelled ${n} times`)
    }
  }
  const held: Array<{ readonly id: string; readonly resume: () => MockResponse | { _tag: "NetworkError" } }> = []
  // What a decided cancel did, read from the journal's newest entry (a lost answer has one too).
  const decided = (id: string, answer: Exclude<MockAnswer, { _tag: "Delay" }>): void => {
    const entry = exchange.requests().at(-1)
    if (entry === undefined) throw new Error("a decided request is journaled")
    const before = histories.get(id)?.at(-1)
    if (entry.retCode === 0 && entry.fault !== "RetCode") {
      successes.set(id, (successes.get(id) ?? 0) + 1)
      // A success is only answered for a withdrawal that exists now and was cancellable just before.
      if (before === undefined || !CANCELLABLE_STATUSES.includes(before as WithdrawalStatus)) {
        throw new Error(`epoch ${epoch}: ${id} answered cancelled while ${before}`)
      }
      if (exchange.withdrawal(id)?.status !== "CancelByUser") throw new Error(`${id} answered cancelled, not stored`)
    }
    if (answer._tag === "Response" && before === "absent" && entry.fault === undefined) {
      expect(JSON.parse(answer.body).retCode).toBe(131002)
    }
    observe()
  }
  observe()
  for (const o of ops) {
    switch (o._tag) {
      case "cancel": {
        if (o.fault === "RetCode") exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: CANCEL })
        if (o.fault === "LoseResponse") exchange.faults.inject({ _tag: "LoseResponse" }, { path: CANCEL })
        if (o.fault === "Latency") exchange.faults.inject({ _tag: "Latency", ms: 1 }, { path: CANCEL })
        const answer = exchange.handle(cancelRequest(o.id))
        if (answer._tag === "Delay") held.push({ id: o.id, resume: answer.resume })
        else decided(o.id, answer)
        break
      }
      case "resume": {
        if (held.length === 0) break
        const [h] = held.splice(o.k % held.length, 1)
        decided(h!.id, h!.resume())
        break
      }
      case "reset":
        check()
        exchange.reset()
        epoch += 1
        histories = new Map()
        successes = new Map()
        observe()
        break
      case "add":
        if (exchange.withdrawal(o.id) === undefined) {
          exchange.addWithdrawal(pending(o.id))
          observe()
        }
        break
    }
    check()
  }
  while (held.length > 0) {
    const h = held.shift()!
    decided(h.id, h.resume())
    check()
  }
}

describe("one consistent state", () => {
  it("cancels, faults with delays and resets interleaved: every history is valid, no id is cancelled twice", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        run(ops)
      }),
      { numRuns: 300 }
    )
  })

  it("a cancel held by a delay across a reset is decided on the reset state: no resurrection, no double cancel", () => {
    const exchange = makeMockExchange({ now: NOW })
    exchange.addWithdrawal(pending("900001"))
    exchange.faults.inject({ _tag: "Latency", ms: 1 }, { path: CANCEL, times: 2 })
    const removed = exchange.handle(cancelRequest("900001"))
    const seeded = exchange.handle(cancelRequest("10197"))
    if (removed._tag !== "Delay" || seeded._tag !== "Delay") throw new Error("expected two held requests")
    // Cancelled before the reset; the reset puts it back to Pending and removes 900001.
    expect(JSON.parse((exchange.handle(cancelRequest("10197")) as MockResponse).body).retCode).toBe(0)
    exchange.reset()
    expect(JSON.parse((removed.resume() as MockResponse).body).retCode).toBe(131002)
    expect(exchange.withdrawal("900001")).toBeUndefined()
    expect(JSON.parse((seeded.resume() as MockResponse).body).retCode).toBe(0)
    expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    expect(JSON.parse((exchange.handle(cancelRequest("10197")) as MockResponse).body).retCode).toBe(131099)
  })
})
describe("one consistent state, over HTTP (the issue's report)", () => {
  it("POST /__admin/reset during a Latency: the held cancel is answered from the state it is decided on", async () => {
    const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }) })
    try {
      const admin = (path: string, body?: unknown): Promise<Json> =>
        fetch(`${server.url}/__admin${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) })
        }).then(readJson)
      const { createTime: _c, updateTime: _u, ...added } = pending("900001")
      await admin("/withdrawals", added)
      await admin("/faults", { _tag: "Latency", ms: 1000, path: CANCEL })
      const held = cancel("900001", { base: server.url })
      // The request has arrived once its fault is taken (its own signal, not a sleep).
      while ((await admin("/faults")).faults.length > 0) await new Promise((r) => setTimeout(r, 10))
      await admin("/reset", {})
      const answer = (await held).json
      const journal = (await admin("/requests")).requests
      // Decided after the reset (the usual case): journaled since, and 131002, the withdrawal being
      // gone. Decided before it (a stalled machine): not journaled since, and cancelled then.
      if (journal.length === 1) expect([answer.retCode, journal[0].retCode]).toEqual([131002, 131002])
      else expect([answer.retCode, journal.length]).toEqual([0, 0])
      expect(server.exchange.withdrawal("900001")).toBeUndefined()
    } finally {
      await server.close()
    }
  })
})
