/**
 * A cancel that succeeds, and every refusal the exchange can give: each ends in its typed error,
 * with the fields that locate it, the exchange's record untouched, and no retry where none helps.
 */
import {
  type Fault,
  type FaultOptions,
  MOCK_IP_BOUND_API_KEY,
  MOCK_IP_BOUND_API_SECRET,
  MOCK_READONLY_API_KEY,
  MOCK_READONLY_API_SECRET,
  MOCK_RSA_API_KEY,
  mockRsaPrivateKeyPem,
  SEED_WITHDRAWAL_IDS_BY_STATUS
} from "@effect-bybit/mock-exchange/core"
import type { ClientOptions } from "../Edition.js"
import { CANCEL, failureOf, QUERY, run, type Scenarios, successOf, to } from "../support.js"

interface Refusal {
  readonly name: string
  readonly id?: string
  readonly client?: ClientOptions
  readonly fault?: readonly [Fault, FaultOptions?]
  /** The fields the error must have (`_tag` included). */
  readonly error: Readonly<Record<string, unknown>>
  /** How many cancel requests reach the exchange (1: never retried). */
  readonly cancels?: number
  /** Whether the cancel's record lookup runs (`false`: nothing to settle). */
  readonly lookup?: boolean
  /** The record's status afterwards (default `Pending`: untouched); `undefined` when there is none. */
  readonly record?: string | undefined
  /** A text the message must contain. */
  readonly says?: string | RegExp
}

const noRetry: ClientOptions = { retries: false }
const onCancel = (fault: Fault, options: FaultOptions = {}): readonly [Fault, FaultOptions] => [
  fault,
  { path: CANCEL, ...options }
]

const REFUSALS: ReadonlyArray<Refusal> = [
  {
    name: "an unknown id is WithdrawalNotFound (131002)",
    id: "999999",
    error: { _tag: "WithdrawalNotFound", id: "999999", retCode: 131002 },
    record: undefined,
    cancels: 1,
    says: "999999"
  },
  {
    name: "another account's withdrawal is WithdrawalNotFound",
    id: "20001",
    error: { _tag: "WithdrawalNotFound", id: "20001" },
    cancels: 1
  },
  ...(["success", "CancelByUser", "Reject", "Fail", "BlockchainConfirmed"] as const).map(
    (status): Refusal => ({
      name: `a withdrawal in status ${status} is WithdrawalNotCancellable (131099), never retried, no lookup`,
      id: SEED_WITHDRAWAL_IDS_BY_STATUS[status],
      error: { _tag: "WithdrawalNotCancellable", id: SEED_WITHDRAWAL_IDS_BY_STATUS[status], retCode: 131099 },
      cancels: 1,
      lookup: false,
      record: status
    })
  ),
  {
    name: "result.status 0 is CancelFailed",
    client: noRetry,
    fault: onCancel({ _tag: "CancelStatusZero" }),
    error: { _tag: "CancelFailed", id: "10197", retCode: 0 }
  },
  {
    name: "an unknown API key is AuthenticationFailed (10003)",
    client: { credentials: { apiKey: "no-such-key", apiSecret: "whatever-secret" } },
    error: { _tag: "AuthenticationFailed", retCode: 10003 },
    cancels: 1
  },
  {
    name: "a request signed with the wrong secret is AuthenticationFailed (10004), never retried",
    client: { credentials: { apiKey: "mock-api-key", apiSecret: "wrong-secret-value" } },
    error: { _tag: "AuthenticationFailed", retCode: 10004 },
    cancels: 1,
    lookup: false
  },
  {
    name: "a key without the withdraw permission is PermissionDenied (10005)",
    client: { credentials: { apiKey: MOCK_READONLY_API_KEY, apiSecret: MOCK_READONLY_API_SECRET } },
    error: { _tag: "PermissionDenied", retCode: 10005 },
    cancels: 1
  },
  {
    name: "a key bound to another IP is PermissionDenied (10010)",
    client: { credentials: { apiKey: MOCK_IP_BOUND_API_KEY, apiSecret: MOCK_IP_BOUND_API_SECRET } },
    error: { _tag: "PermissionDenied", retCode: 10010 },
    cancels: 1
  },
  {
    name: "a permission error (10005 answered) is never retried",
    fault: onCancel({ _tag: "RetCode", retCode: 10005 }),
    error: { _tag: "PermissionDenied", retCode: 10005 },
    cancels: 1
  },
  {
    name: "a parameter error from the exchange (10001) is InvalidRequest with its code and text",
    client: noRetry,
    fault: onCancel({ _tag: "RetCode", retCode: 10001, retMsg: "params error" }),
    error: { _tag: "InvalidRequest", retCode: 10001, retMsg: "params error" }
  },
  {
    name: "any other retCode is UnknownApiError, keeping its code and text",
    client: noRetry,
    fault: [{ _tag: "RetCode", retCode: 131090, retMsg: "User withdraw has been banned" }],
    error: { _tag: "UnknownApiError", retCode: 131090, retMsg: "User withdraw has been banned" }
  },
  {
    name: "an IP ban (HTTP 403) is RateLimitExceeded and never retried (retrying only extends the ban)",
    fault: onCancel({ _tag: "IpBanned" }, { times: 5 }),
    error: { _tag: "RateLimitExceeded", httpStatus: 403 },
    cancels: 1
  },
  {
    name: "HTTP 429 without retries is RateLimitExceeded",
    client: noRetry,
    fault: onCancel({ _tag: "TooManyRequests" }),
    error: { _tag: "RateLimitExceeded", httpStatus: 429 },
    cancels: 1
  },
  ...[10000, 10016, 131001, 131003, 131200, 131201, 131230].map(
    (retCode): Refusal => ({
      name: `retCode ${retCode} is ExchangeUnavailable`,
      client: noRetry,
      fault: onCancel({ _tag: "RetCode", retCode }),
      error: { _tag: "ExchangeUnavailable", retCode }
    })
  ),
  {
    name: "a 5xx HTML page is ExchangeUnavailable with the status",
    client: noRetry,
    fault: onCancel({ _tag: "ServerErrorHtml", status: 503 }),
    error: { _tag: "ExchangeUnavailable", httpStatus: 503 }
  },
  {
    name: "a dropped connection is TransportError (Network) naming the path",
    client: noRetry,
    fault: onCancel({ _tag: "DropConnection" }),
    error: { _tag: "TransportError", reason: "Network", path: CANCEL }
  },
  {
    name: "a body that is not JSON is UnreadableResponse (NotJson), after a lookup finds it still pending",
    client: noRetry,
    fault: onCancel({ _tag: "NotJson" }),
    error: { _tag: "UnreadableResponse", reason: "NotJson", httpStatus: 200 },
    lookup: true
  },
  {
    name: "an envelope missing its fields is UnreadableResponse (InvalidEnvelope), after a lookup finds it still pending",
    client: noRetry,
    fault: onCancel({ _tag: "MissingFields" }),
    error: { _tag: "UnreadableResponse", reason: "InvalidEnvelope", httpStatus: 200 },
    lookup: true
  }
]

export const cancelScenarios: Scenarios = (edition, t) => {
  t.describe("cancel: success", () => {
    t.it(
      "cancels a Pending withdrawal; the record says CancelByUser; the rate-limit headers are reported",
      async () => {
        const result = await run(edition, { operation: { _tag: "cancel", input: { id: "10197" } } })
        const value = successOf(t, result.outcome)
        t.expect(value).toMatchObject({ id: "10197", status: "cancelled", confirmedAfterRetry: false })
        t.expect(value.rateLimit).toMatchObject({ path: CANCEL, limit: 60, remaining: 59 })
        t.expect(result.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
        const cancels = to(result, CANCEL)
        t.expect(cancels).toHaveLength(1)
        t.expect(cancels[0]?.body).toBe('{"id":"10197"}')
        t.expect(cancels[0]?.retCode).toBe(0)
      }
    )

    t.it("signs with an RSA key as well", async () => {
      const result = await run(edition, {
        client: { credentials: { apiKey: MOCK_RSA_API_KEY, rsaPrivateKey: mockRsaPrivateKeyPem() } },
        operation: { _tag: "cancel", input: { id: "10201" } }
      })
      t.expect(successOf(t, result.outcome)).toMatchObject({ id: "10201", status: "cancelled" })
      t.expect(result.exchange.withdrawal("10201")?.status).toBe("CancelByUser")
    })

    t.it("syncs the clock once, lazily, before the first signed request", async () => {
      const result = await run(edition, { operation: { _tag: "cancelMany", inputs: [{ id: "10197" }] } })
      t.expect(result.exchange.requests().map((r) => r.path)).toEqual(["/v5/market/time", "/v5/asset/withdraw/cancel"])
    })
  })

  t.describe("cancel: each refusal is its typed error", () => {
    for (const refusal of REFUSALS) {
      t.it(refusal.name, async () => {
        const id = refusal.id ?? "10197"
        const result = await run(edition, {
          ...(refusal.client !== undefined ? { client: refusal.client } : {}),
          setup: (exchange) => {
            if (refusal.fault !== undefined) exchange.faults.inject(refusal.fault[0], refusal.fault[1])
          },
          operation: { _tag: "cancel", input: { id } }
        })
        const error = failureOf(t, result.outcome)
        t.expect(error).toMatchObject(refusal.error)
        t.expect(typeof error.message).toBe("string")
        if (refusal.says !== undefined) t.expect(error.message).toMatch(refusal.says)
        if (refusal.cancels !== undefined) t.expect(to(result, CANCEL)).toHaveLength(refusal.cancels)
        if (refusal.lookup !== undefined) t.expect(to(result, QUERY).length > 0).toBe(refusal.lookup)
        // Nothing was cancelled: the record is as it was.
        t.expect(result.exchange.withdrawal(id)?.status).toBe("record" in refusal ? refusal.record : "Pending")
      })
    }
  })
}
