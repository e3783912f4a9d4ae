/**
 * The contract between the client and the mock exchange, checked by behaviour, never by shared code:
 * the client's withdrawal statuses, its retCode meanings, its withdrawal id rule and its "not found"
 * decision are fed against the mock's own tables and answers. Changing either side alone fails here.
 */

import { describe, expect, it } from "@effect/vitest"
import { Records } from "@effect-bybit/core"
import {
  CANCELLABLE_STATUSES,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockWithdrawal,
  RET_CODES,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_IDS_BY_STATUS,
  WITHDRAWAL_STATUSES,
  type WithdrawalStatus
} from "@effect-bybit/mock-exchange"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { Effect, Schema } from "effect"
import * as fc from "fast-check"
import { Withdrawals } from "../src/index.js"
import { BASE_URL, clientLayer, freshExchange, hmacCredentials, NOW, useMsw } from "./support.js"

useMsw()

const CANCEL = Withdrawals.cancelPath
/** The retCode an error carries, if any (a plain value, so a mismatch prints readably). */
const codeOf = (error: object): number | undefined =>
  "retCode" in error && typeof error.retCode === "number" ? error.retCode : undefined
const noRetry = { retry: false as const }

const withdrawal = (withdrawId: string, status: WithdrawalStatus): MockWithdrawal => ({
  withdrawId,
  uid: "1000001",
  coin: "USDT",
  chain: "ETH",
  amount: "5",
  withdrawFee: "1",
  status,
  toAddress: "0xabc",
  tag: "",
  txID: "",
  createTime: NOW - 60_000,
  updateTime: NOW - 60_000,
  withdrawType: 0
})

describe("contract: withdrawal statuses", () => {
  it("the client knows exactly the statuses the mock keeps, and which of them can be cancelled", () => {
    expect([...Records.WITHDRAWAL_STATUSES].sort()).toEqual([...WITHDRAWAL_STATUSES].sort())
    expect([...Withdrawals.CANCELLABLE_STATUSES].sort()).toEqual([...CANCELLABLE_STATUSES].sort())
  })

  it.effect("every status the mock sends lists as itself, and cancels as the mock allows", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      const statuses = [...new Set([...Records.WITHDRAWAL_STATUSES, ...WITHDRAWAL_STATUSES])]
      const ids = statuses.map((status, i) => {
        const id = String(700_000 + i)
        exchange.addWithdrawal(withdrawal(id, status as WithdrawalStatus))
        return { id, status }
      })
      for (const { id, status } of ids) {
        const row = (yield* Withdrawals.list({ withdrawID: id })).rows[0]
        expect(row?.status, `status ${status}`).toBe(status)
        const outcome = yield* Effect.either(Withdrawals.cancel({ id }))
        const cancellable = (CANCELLABLE_STATUSES as ReadonlyArray<string>).includes(status)
        expect(Withdrawals.CANCELLABLE_STATUSES.includes(status), `client: ${status} cancellable`).toBe(cancellable)
        if (cancellable) {
          expect(outcome._tag === "Right" ? outcome.right.status : outcome.left._tag, `cancel ${status}`).toBe(
            "cancelled"
          )
        } else {
          expect(outcome._tag === "Left" ? outcome.left._tag : "cancelled", `cancel ${status}`).toBe(
            "WithdrawalNotCancellable"
          )
        }
      }
      // Pacing off: the TestClock does not move here, and spreading 18 requests over the per-UID
      // budget would wait on it (pacing has its own tests).
    }).pipe(Effect.provide(clientLayer({ ...noRetry, pacing: false })))
  )
})

/**
 * What each of the mock's retCodes means to the client: the error it must become on a cancel. Keyed by
 * the mock's names; the codes themselves come from the mock.
 */
const MEANINGS: Readonly<Record<Exclude<keyof typeof RET_CODES, "ok">, string>> = {
  serverTimeout: "ExchangeUnavailable",
  paramError: "InvalidRequest",
  timeWindow: "TimestampOutsideWindow",
  invalidKey: "AuthenticationFailed",
  signError: "AuthenticationFailed",
  permissionDenied: "PermissionDenied",
  tooManyVisits: "RateLimitExceeded",
  unmatchedIp: "PermissionDenied",
  serverError: "ExchangeUnavailable",
  routeNotFound: "UnknownApiError",
  assetServiceError: "ExchangeUnavailable",
  // For a cancel of an id that is not the account's withdrawal (the "not found" tests below).
  assetParamError: "WithdrawalNotFound",
  assetInternalError: "ExchangeUnavailable",
  repeatedRequest: "UnknownApiError",
  notCancellable: "WithdrawalNotCancellable",
  serviceError: "ExchangeUnavailable",
  internalError: "ExchangeUnavailable",
  systemBusy: "ExchangeUnavailable"
}

describe("contract: retCode meanings", () => {
  it("every retCode the mock answers with has a meaning here", () => {
    expect(
      Object.keys(RET_CODES)
        .filter((name) => name !== "ok")
        .sort()
    ).toEqual(Object.keys(MEANINGS).sort())
  })

  for (const [name, tag] of Object.entries(MEANINGS)) {
    const retCode = RET_CODES[name as keyof typeof MEANINGS]
    it.effect(`${name} (${retCode}) from the mock is ${tag} to the client`, () =>
      Effect.gen(function* () {
        const exchange = freshExchange()
        // The mock's own answer for that code (its default message), on every attempt.
        exchange.faults.inject({ _tag: "RetCode", retCode }, { times: 10, path: CANCEL })
        const id = SEED_WITHDRAWAL_IDS_BY_STATUS.Pending
        const error = yield* Effect.flip(Withdrawals.cancel({ id: name === "assetParamError" ? "424242" : id }))
        expect({ _tag: error._tag, retCode: codeOf(error) }).toEqual({ _tag: tag, retCode })
      }).pipe(Effect.provide(clientLayer({ ...noRetry, maxRateLimitWait: "0 millis" })))
    )
  }

  it.effect("the mock's real refusals (unknown key, wrong secret, no permission) mean what the client says", () =>
    Effect.gen(function* () {
      freshExchange({ rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } })
      const id = SEED_WITHDRAWAL_IDS_BY_STATUS.Pending
      const tagOf = (options: Parameters<typeof clientLayer>[0]) =>
        Effect.flip(Withdrawals.cancel({ id })).pipe(
          Effect.map((e) => [e._tag, "retCode" in e ? e.retCode : undefined]),
          Effect.provide(clientLayer({ ...noRetry, ...options }))
        )
      expect(yield* tagOf({ credentials: hmacCredentials("no-such-key", "x") })).toEqual([
        "AuthenticationFailed",
        RET_CODES.invalidKey
      ])
      expect(yield* tagOf({ credentials: hmacCredentials(MOCK_API_KEY, "wrong-secret") })).toEqual([
        "AuthenticationFailed",
        RET_CODES.signError
      ])
      expect(
        yield* tagOf({ credentials: hmacCredentials("mock-readonly-api-key", "mock-readonly-api-secret") })
      ).toEqual(["PermissionDenied", RET_CODES.permissionDenied])
    })
  )
})

describe("contract: the withdrawal id rule", () => {
  /** The mock's verdict on an id: anything but a parameter error (10001) means it took the id. */
  const mockAccepts = async (id: string): Promise<boolean> => {
    const signed = signRequest({
      method: "POST",
      signer: hmacSigner(MOCK_API_SECRET),
      apiKey: MOCK_API_KEY,
      timestamp: NOW,
      recvWindow: 5000,
      body: { id }
    })
    const response = await fetch(`${BASE_URL}${CANCEL}`, {
      method: "POST",
      body: signed.body,
      headers: { ...signed.headers, "Content-Type": "application/json" }
    })
    const json = (await response.json()) as { retCode: number }
    return json.retCode !== RET_CODES.paramError
  }
  const clientAccepts = Schema.is(Withdrawals.WithdrawalId)

  it("agree on the boundaries: 1 and 20 digits in, 0 and 21 digits out, no signs, spaces or letters", async () => {
    freshExchange({ rateLimits: { cancel: { limit: 10_000, windowMs: 60_000 } } })
    const ids = [
      "",
      "0",
      "7",
      "10197",
      "9".repeat(19),
      "9".repeat(20),
      "1".repeat(21),
      "1".repeat(32),
      "-1",
      "+1",
      " 10197",
      "10197 ",
      "1e5",
      "0x10",
      "١٢٣"
    ]
    for (const id of ids) expect(await mockAccepts(id), JSON.stringify(id)).toBe(clientAccepts(id))
  })

  it("agree on any id", async () => {
    freshExchange({ rateLimits: { cancel: { limit: 10_000, windowMs: 60_000 } } })
    // A leading zero is refused by the client alone (one id, one spelling; see input.test.ts).
    const ids = fc.oneof(fc.stringMatching(/^\d{0,26}$/), fc.string({ maxLength: 24 })).filter((id) => !/^0\d/.test(id))
    await fc.assert(
      fc.asyncProperty(ids, async (id) => (await mockAccepts(id)) === clientAccepts(id)),
      { numRuns: 150 }
    )
  })
})

describe('contract: "not found" for 131002', () => {
  it.effect("an unknown id and another account's withdrawal are WithdrawalNotFound", () =>
    Effect.gen(function* () {
      freshExchange()
      for (const id of ["424242", SEED_OTHER_ACCOUNT_WITHDRAWAL_ID]) {
        const error = yield* Effect.flip(Withdrawals.cancel({ id }))
        expect({ _tag: error._tag, id: "id" in error ? error.id : undefined, retCode: codeOf(error) }).toEqual({
          _tag: "WithdrawalNotFound",
          id,
          retCode: RET_CODES.assetParamError
        })
      }
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("does not depend on the mock's wording: any 131002 message for an unknown id is not found", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      for (const retMsg of ["Param error", "", "withdraw id invalid", "something else entirely"]) {
        exchange.faults.inject({ _tag: "RetCode", retCode: RET_CODES.assetParamError, retMsg }, { path: CANCEL })
        const error = yield* Effect.flip(Withdrawals.cancel({ id: "424242" }))
        expect({ _tag: error._tag, retMsg: "retMsg" in error ? error.retMsg : undefined }).toEqual({
          _tag: "WithdrawalNotFound",
          retMsg
        })
      }
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )

  it.effect("131002 for a withdrawal the account has stays a parameter error (InvalidRequest)", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      exchange.faults.inject(
        { _tag: "RetCode", retCode: RET_CODES.assetParamError, retMsg: "Withdraw order not found" },
        { path: CANCEL }
      )
      const id = SEED_WITHDRAWAL_IDS_BY_STATUS.Pending
      const error = yield* Effect.flip(Withdrawals.cancel({ id }))
      expect({ _tag: error._tag, retCode: codeOf(error) }).toEqual({
        _tag: "InvalidRequest",
        retCode: RET_CODES.assetParamError
      })
    }).pipe(Effect.provide(clientLayer(noRetry)))
  )
})
