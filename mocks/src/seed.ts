/**
 * The mock exchange's default state: its API keys and withdrawals, and constants naming them.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { MockAccount, MockWithdrawal, WithdrawalStatus } from "./models.js"

/**
 * The UID owning the default keys and most seed withdrawals.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_UID = "1000001"

/**
 * The default HMAC (system-generated) API key, with withdraw permission.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_API_KEY = "mock-api-key"

/**
 * The secret of `MOCK_API_KEY`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_API_SECRET = "mock-api-secret"

/**
 * The default RSA (self-generated) API key of `MOCK_UID`, with withdraw permission.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_RSA_API_KEY = "mock-rsa-api-key"

/**
 * The public key registered for `MOCK_RSA_API_KEY` (test-only; same as `fixtures/mock-rsa-public.pem`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_RSA_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhXKqfvr7HXM4vlG+MoWX
4iG8lJ3WhuQL18a7Td5+njHuANnEoltsmblPE263aUUc5bJ4cLJdSYlihufunPJS
kSQ3+EsOgg7l1uUgupw4O6mmNpHOnhpTWSYsECkWy4uDD96RapQ1GPCe/tMlJwls
AxgUqVNoWkPENJVJEAers184ivZctpKclD0c1QfxiJ/UpqQGYFMaUQKTJjXV+cp6
6z1RM1utB7SzIbK5BSRgmj2Fqpiodap5un7RSFGXWV2JD/CSygygXuva80PXbhGq
jAGo+6KqbZpk1vpqZdiRp2G0SpS55NStU7MeFMsS4dbDUoCkSBN2vqY7f7hgyNIS
TQIDAQAB
-----END PUBLIC KEY-----
`

/**
 * The path of the test-only private key of `MOCK_RSA_API_KEY` (`fixtures/mock-rsa-private.pem`).
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_RSA_PRIVATE_KEY_PATH: string = fileURLToPath(
  new URL("../fixtures/mock-rsa-private.pem", import.meta.url)
)

/**
 * Reads the test-only RSA private key of `MOCK_RSA_API_KEY` (PKCS#8 PEM) from the package's fixtures.
 *
 * @since 0.1.0
 * @category constants
 */
export const mockRsaPrivateKeyPem = (): string => readFileSync(MOCK_RSA_PRIVATE_KEY_PATH, "utf8")

/**
 * An HMAC key of `MOCK_UID` without the withdraw permission (cancel and create answer 10005).
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_READONLY_API_KEY = "mock-readonly-api-key"

/**
 * The secret of `MOCK_READONLY_API_KEY`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_READONLY_API_SECRET = "mock-readonly-api-secret"

/**
 * An HMAC key of `MOCK_UID` bound to `MOCK_BOUND_IP` only (answers 10010 from any other client IP).
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_IP_BOUND_API_KEY = "mock-ip-bound-api-key"

/**
 * The secret of `MOCK_IP_BOUND_API_KEY`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_IP_BOUND_API_SECRET = "mock-ip-bound-api-secret"

/**
 * The only IP `MOCK_IP_BOUND_API_KEY` accepts (TEST-NET-3, never a real client).
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_BOUND_IP = "203.0.113.7"

/**
 * A second account, owning `SEED_OTHER_ACCOUNT_WITHDRAWAL_ID`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_OTHER_UID = "1000002"

/**
 * The HMAC key of `MOCK_OTHER_UID`, with withdraw permission.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_OTHER_API_KEY = "mock-other-api-key"

/**
 * The secret of `MOCK_OTHER_API_KEY`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MOCK_OTHER_API_SECRET = "mock-other-api-secret"

/**
 * The seed page's withdrawal id: `Pending` and cancellable in the default state.
 *
 * @since 0.1.0
 * @category constants
 */
export const SEED_WITHDRAWAL_ID = "10197"

/**
 * A `Pending` withdrawal of `MOCK_OTHER_UID` (cancelling it with `MOCK_UID`'s keys answers like an unknown id).
 *
 * @since 0.1.0
 * @category constants
 */
export const SEED_OTHER_ACCOUNT_WITHDRAWAL_ID = "20001"

/**
 * For each status, one seed withdrawal of `MOCK_UID` in it.
 *
 * @since 0.1.0
 * @category constants
 */
export const SEED_WITHDRAWAL_IDS_BY_STATUS: Readonly<Record<WithdrawalStatus, string>> = {
  Pending: "10197",
  SecurityCheck: "10201",
  success: "10203",
  CancelByUser: "10204",
  Reject: "10205",
  Fail: "10206",
  BlockchainConfirmed: "10207",
  MoreInformationRequired: "10208",
  Unknown: "10209"
}

/**
 * The ids of the seed's cancellable USDT withdrawals of `MOCK_UID` (on-chain, `Pending` or `SecurityCheck`).
 *
 * @since 0.1.0
 * @category constants
 */
export const SEED_CANCELLABLE_USDT_IDS: ReadonlyArray<string> = ["10197", "10198", "10199", "10200"]

/**
 * The state a mock exchange starts from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Seed {
  readonly accounts: ReadonlyArray<MockAccount>
  readonly withdrawals: ReadonlyArray<MockWithdrawal>
}

const MINUTE = 60_000
/** The seed's withdrawals are created between 170 and 56 minutes before `now`. */
const SPAN = 180 * MINUTE
/** `now` when none is given: the seed's original times (28 December 2022). */
const DEFAULT_NOW = 1672190000000 + SPAN

const w = (
  T0: number,
  withdrawId: string,
  minutes: number,
  fields: Partial<MockWithdrawal> & Pick<MockWithdrawal, "status">
): MockWithdrawal => ({
  withdrawId,
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "25",
  withdrawFee: "1",
  toAddress: "0x8c5a3b9d2e7f4a1c6b0d9e8f7a6b5c4d3e2f1a0b",
  tag: "",
  txID: "",
  createTime: T0 + minutes * MINUTE,
  updateTime: T0 + minutes * MINUTE + 30_000,
  withdrawType: 0,
  ...fields
})

const tx = (n: number): string => `0x${n.toString(16).padStart(64, "0")}`

/**
 * The default state: five keys (HMAC, RSA, no-withdraw, IP-bound, another account's) and withdrawals
 * in every status, with `10197` `Pending` and several cancellable USDT ones, created in the three hours
 * before `now` (ms; default 28 December 2022), so they fall in query-record's default 30-day window.
 * `makeMockExchange` passes its clock's time. Fresh copies on every call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultSeed = (now: number = DEFAULT_NOW): Seed => seedAt(now - SPAN)

const seedAt = (T0: number): Seed => ({
  accounts: [
    { uid: MOCK_UID, apiKey: MOCK_API_KEY, secret: MOCK_API_SECRET, permissions: { withdraw: true } },
    {
      uid: MOCK_UID,
      apiKey: MOCK_RSA_API_KEY,
      rsaPublicKeyPem: MOCK_RSA_PUBLIC_KEY_PEM,
      permissions: { withdraw: true }
    },
    {
      uid: MOCK_UID,
      apiKey: MOCK_READONLY_API_KEY,
      secret: MOCK_READONLY_API_SECRET,
      permissions: { withdraw: false }
    },
    {
      uid: MOCK_UID,
      apiKey: MOCK_IP_BOUND_API_KEY,
      secret: MOCK_IP_BOUND_API_SECRET,
      permissions: { withdraw: true },
      ips: [MOCK_BOUND_IP]
    },
    { uid: MOCK_OTHER_UID, apiKey: MOCK_OTHER_API_KEY, secret: MOCK_OTHER_API_SECRET, permissions: { withdraw: true } }
  ],
  withdrawals: [
    w(T0, "10197", 120, { status: "Pending", amount: "10" }),
    w(T0, "10198", 121, {
      status: "Pending",
      chain: "TRX",
      amount: "50",
      toAddress: "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
    }),
    w(T0, "10199", 122, { status: "Pending", amount: "100" }),
    w(T0, "10200", 123, { status: "SecurityCheck", amount: "75" }),
    w(T0, "10201", 124, {
      status: "SecurityCheck",
      coin: "BTC",
      chain: "BTC",
      amount: "0.01",
      withdrawFee: "0.0005",
      toAddress: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    }),
    w(T0, "10202", 60, { status: "Pending", withdrawType: 1, withdrawFee: "0", toAddress: "1000003", amount: "5" }),
    w(T0, "10203", 10, { status: "success", txID: tx(10203) }),
    w(T0, "10204", 20, { status: "CancelByUser" }),
    w(T0, "10205", 30, { status: "Reject" }),
    w(T0, "10206", 40, { status: "Fail" }),
    w(T0, "10207", 50, { status: "BlockchainConfirmed", txID: tx(10207) }),
    w(T0, "10208", 70, { status: "MoreInformationRequired" }),
    w(T0, "10209", 80, { status: "Unknown" }),
    w(T0, "20001", 90, {
      status: "Pending",
      uid: MOCK_OTHER_UID,
      amount: "42",
      toAddress: "0x1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5"
    })
  ]
})
