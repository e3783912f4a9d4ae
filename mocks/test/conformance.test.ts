// Answers as Bybit gives them (each line's source is in the README's conformance table): the 131099
// and 10016 texts, RetCode faults with null bodies, withdraw/create's chain and address checks, the
// rate-limit headers on faulted answers, and the ids the README says the server hands out.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { FAULT_RET_MESSAGES, RET_MESSAGES, SEED_WITHDRAWAL_IDS_BY_STATUS } from "../src/index.js"
import { CANCEL, CREATE, cancel, mswServer, NOW, post } from "./helpers.js"
import { MOCKS_DIR } from "./process.js"

const { useExchange } = mswServer()

const create = {
  coin: "USDT",
  chain: "ETH",
  address: "0x99aa3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
  amount: "12.5",
  timestamp: NOW,
  accountType: "FUND"
}

describe("Bybit's texts", () => {
  it("131099 for a withdrawal past cancelling says what Bybit's error page says", async () => {
    useExchange()
    const res = await cancel(SEED_WITHDRAWAL_IDS_BY_STATUS.success)
    expect(res.json).toMatchObject({ retCode: 131099, retMsg: "Hot wallet status can cancel the withdraw" })
  })

  it("a RetCode fault's default texts are Bybit's: 10016 System error, 131001 openapi svc error, 131230 busy", async () => {
    const exchange = useExchange()
    expect(FAULT_RET_MESSAGES[10016]).toBe("System error. Please try again later.")
    exchange.faults.inject({ _tag: "RetCode", retCode: 10016 })
    expect((await cancel("10197")).json.retMsg).toBe("System error. Please try again later.")
    expect(FAULT_RET_MESSAGES[131001]).toBe("openapi svc error")
    expect(FAULT_RET_MESSAGES[131230]).toBe("The system is busy, please try again later")
  })

  it("a RetCode fault can send result: null and retExtInfo: null, as the captured 10020 and 5004 answers do", async () => {
    const exchange = useExchange()
    exchange.faults.inject({
      _tag: "RetCode",
      retCode: 10020,
      retMsg: "unified account is forbidden",
      result: null,
      retExtInfo: null
    })
    const res = await cancel("10197")
    expect(res.json).toMatchObject({ retCode: 10020, result: null, retExtInfo: null })
    expect(() => exchange.faults.inject({ _tag: "RetCode", retCode: 1, result: { big: "x".repeat(5000) } })).toThrow(
      RangeError
    )
  })
})

describe("faulted answers carry the rate-limit headers of their path", () => {
  it("a RetCode fault on the cancel: X-Bapi-Limit* as a real cancel answer, nothing counted", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: CANCEL })
    const faulted = await cancel("10197")
    expect(faulted.headers.get("X-Bapi-Limit")).toBe("60")
    expect(faulted.headers.get("X-Bapi-Limit-Status")).toBe("60")
    expect(faulted.headers.get("X-Bapi-Limit-Reset-Timestamp")).toBe(String(NOW))
    expect((await cancel("10197")).headers.get("X-Bapi-Limit-Status")).toBe("59")
  })

  it("a fault on a public route, or with an unknown key, has none", async () => {
    const exchange = useExchange()
    exchange.faults.inject({ _tag: "RetCode", retCode: 10016 }, { path: "/v5/market/time" })
    const res = await fetch("https://api-testnet.bybit.com/v5/market/time")
    expect(res.headers.get("X-Bapi-Limit")).toBeNull()
  })
})

describe("withdraw/create checks the destination", () => {
  it.each([
    ["a chain the coin does not have (pybit #311)", { chain: "TRC20" }, 131001, RET_MESSAGES.openapiSvcError],
    ["a coin the exchange does not list", { coin: "DOGE" }, 131001, RET_MESSAGES.openapiSvcError],
    [
      "an address not of the chain's shape (pybit #122)",
      { address: "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE" },
      131002,
      RET_MESSAGES.invalidAddress
    ],
    ["a tag on a chain without tags", { tag: "12345" }, 131002, RET_MESSAGES.chainOrTagMismatch],
    [
      "forceChain 2 with a chain over 128 characters",
      { forceChain: 2, address: "1000003", chain: "C".repeat(500_000) },
      10001,
      "chain: at most 128 characters"
    ],
    [
      "forceChain 2 with a tag over 128 characters",
      { forceChain: 2, address: "1000003", tag: "T".repeat(400_000) },
      10001,
      "tag: at most 128 characters"
    ],
    [
      "an address over 128 characters",
      { forceChain: 2, address: "1".repeat(129) },
      10001,
      "address: at most 128 characters"
    ],
    [
      "forceChain 2 to something that is not a UID",
      { forceChain: 2, address: "0xabc" },
      131002,
      RET_MESSAGES.invalidAddress
    ]
  ])("refuses %s", async (_, change, retCode, retMsg) => {
    const exchange = useExchange()
    const before = exchange.withdrawals().length
    expect((await post(CREATE, { ...create, ...change })).json).toMatchObject({ retCode, retMsg })
    expect(exchange.withdrawals()).toHaveLength(before)
  })

  it.each([
    ["USDT on TRX", { chain: "TRX", address: "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE" }],
    [
      "BTC to a bech32 address",
      { coin: "BTC", chain: "BTC", amount: "0.01", address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" }
    ],
    [
      "BTC to a base58 address",
      { coin: "BTC", chain: "BTC", amount: "0.01", address: "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2" }
    ],
    ["USDT to a Bybit UID (forceChain 2)", { forceChain: 2, address: "1000003" }]
  ])("accepts %s", async (_, change) => {
    useExchange()
    expect((await post(CREATE, { ...create, ...change })).json.retCode).toBe(0)
  })
})

describe("the reference's ids (docs/mock-exchange.md)", () => {
  it("the first created id on a fresh server is the one the reference names", async () => {
    useExchange()
    const id = (await post(CREATE, create)).json.result.id as string
    expect(id).toBe("20002")
    expect(readFileSync(`${MOCKS_DIR}../docs/mock-exchange.md`, "utf8")).toContain(
      `Created withdrawals get the next id after the largest one held (\`${id}\``
    )
  })
})
