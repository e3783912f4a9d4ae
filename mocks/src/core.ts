/**
 * `@effect-bybit/mock-exchange/core`: the mock exchange without a transport (no MSW, no
 * `node:http`, no Effect): `makeExchange`, the seed, the models and the limits. The Effect test
 * layers of `@effect-bybit/client/testing` and `@effect-bybit/client-effect3/testing` answer from it.
 *
 * @since 0.1.0
 */

export {
  BYBIT_ORIGINS,
  type Exchange,
  type MockExchangeOptions,
  type MockFaults,
  makeExchange
} from "./Exchange.js"
export {
  Codes as RET_CODES,
  DEFAULT_MESSAGES as FAULT_RET_MESSAGES,
  Messages as RET_MESSAGES
} from "./internal/codes.js"
export {
  ADMIN_MAX_BODY_BYTES,
  ADMIN_PAGE_MAX,
  CapacityError,
  FAULT_TEXT_LIMITS,
  MAX_ACCOUNTS,
  MAX_PENDING_FAULTS,
  MAX_WITHDRAWALS,
  WITHDRAWAL_TEXT_CHARS
} from "./internal/limits.js"
export {
  CANCELLABLE_STATUSES,
  type Fault,
  type FaultOptions,
  type HeaderReader,
  type MockAccount,
  type MockAnswer,
  type MockClock,
  type MockDelay,
  type MockNetworkError,
  type MockRequest,
  type MockResponse,
  type MockWithdrawal,
  type PendingFault,
  type PrivateEndpoint,
  type RateLimitRule,
  type RecordedRequest,
  type RequestFilter,
  WITHDRAWAL_STATUSES,
  type WithdrawalStatus
} from "./models.js"
export {
  defaultSeed,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  MOCK_BOUND_IP,
  MOCK_IP_BOUND_API_KEY,
  MOCK_IP_BOUND_API_SECRET,
  MOCK_OTHER_API_KEY,
  MOCK_OTHER_API_SECRET,
  MOCK_OTHER_UID,
  MOCK_READONLY_API_KEY,
  MOCK_READONLY_API_SECRET,
  MOCK_RSA_API_KEY,
  MOCK_RSA_PRIVATE_KEY_PATH,
  MOCK_RSA_PUBLIC_KEY_PEM,
  MOCK_UID,
  mockRsaPrivateKeyPem,
  SEED_CANCELLABLE_USDT_IDS,
  SEED_OTHER_ACCOUNT_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_ID,
  SEED_WITHDRAWAL_IDS_BY_STATUS,
  type Seed
} from "./seed.js"
export { loadSeedFile, parseSeedFile } from "./seedFile.js"
