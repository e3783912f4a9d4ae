/**
 * The mock exchange without any transport: its options, its state and the core every adapter
 * calls. Loads no MSW, no `node:http` and no Effect, so a test layer of any Effect line can answer
 * from it in process.
 *
 * @since 0.1.0
 */
import type {
  Fault,
  FaultOptions,
  MockAccount,
  MockAnswer,
  MockClock,
  MockRequest,
  MockWithdrawal,
  PendingFault,
  PrivateEndpoint,
  RateLimitRule,
  RecordedRequest,
  RequestFilter
} from "./models.js"

/**
 * Options of `makeMockExchange`; everything has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockExchangeOptions {
  /** The API keys; default `defaultSeed().accounts`. */
  readonly accounts?: ReadonlyArray<MockAccount>
  /** The withdrawals; default `defaultSeed().withdrawals`. */
  readonly withdrawals?: ReadonlyArray<MockWithdrawal>
  /** Freezes the clock at this ms; omitted, the clock follows `Date.now()` (plus any `set`/`advance`). */
  readonly now?: number
  /** A clock of your own (e.g. driven by a test clock); exclusive with `now`. */
  readonly clock?: MockClock
  /** The IP the exchange sees for every request, for the IP-binding check; default `"127.0.0.1"`. */
  readonly clientIp?: string
  /** Overrides of the per-UID rate limits (default cancel 60/min, create 5/s, query 300/min). */
  readonly rateLimits?: Partial<Record<PrivateEndpoint, RateLimitRule>>
  /** Bodies larger than this (bytes) get HTTP 413 and are not kept; default 1,048,576 (1 MiB). */
  readonly maxBodyBytes?: number
  /** How many requests `requests()` keeps, newest last; default 1,000. */
  readonly journalSize?: number
}

/**
 * Scripted faults: each injected fault applies to the next matching request(s), first injected first.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockFaults {
  /**
   * Applies `fault` to the next `times` (default 1) matching requests: the private (signed) routes'
   * unless `path` names one; `method` and `match` narrow it. Answers the fault's id.
   *
   * @throws RangeError on a bad option, or when `MAX_PENDING_FAULTS` (1,000) are pending.
   */
  readonly inject: (fault: Fault, options?: FaultOptions) => number
  /** Drops every pending fault. */
  readonly clear: () => void
  /** The pending faults, first applied first, with their ids and the times left. */
  readonly list: () => ReadonlyArray<PendingFault>
  /** Drops the pending fault with this id; false when there is none. */
  readonly remove: (id: number) => boolean
}

/**
 * The mock exchange without any transport: what `MockExchange.layer` (`/effect`) provides as a
 * service and what `startMockServer` serves. `makeMockExchange` adds the MSW handlers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Exchange {
  readonly clock: MockClock
  /** A copy of the withdrawal with this id, if any. */
  readonly withdrawal: (id: string) => MockWithdrawal | undefined
  /** Copies of every withdrawal. */
  readonly withdrawals: () => ReadonlyArray<MockWithdrawal>
  /** Adds a withdrawal (or replaces the one with the same id). */
  readonly addWithdrawal: (w: MockWithdrawal) => void
  /** Removes the withdrawal with this id; false when there is none. */
  readonly removeWithdrawal: (id: string) => boolean
  /** Whether an account of this exchange has this `uid`. */
  readonly hasAccount: (uid: string) => boolean
  /** The API keys, as given (secrets included: they are the mock's). */
  readonly accounts: () => ReadonlyArray<MockAccount>
  /**
   * Adds an API key, or replaces the one with the same `apiKey`; requests are checked against it
   * from then on.
   *
   * @throws TypeError on an account with both or neither of `secret` and `rsaPublicKeyPem`;
   *   `CapacityError` past `MAX_ACCOUNTS` (100).
   */
  readonly setAccount: (account: MockAccount) => void
  /** Removes an API key (its requests answer 10003 from then on); false when there is none. */
  readonly removeAccount: (apiKey: string) => boolean
  /** The rate-limit rules in force, per endpoint. */
  readonly rateLimits: () => Readonly<Record<PrivateEndpoint, RateLimitRule>>
  /** Changes the rules of some endpoints from the next request on (windows already open keep counting). */
  readonly setRateLimits: (changes: Partial<Record<PrivateEndpoint, RateLimitRule>>) => void
  /**
   * The last `journalSize` requests received, oldest first (bodies and query strings cut to 4,096 characters),
   * only those matching `filter` when given; `dropped` counts the older ones no longer kept.
   */
  readonly requests: (filter?: RequestFilter) => ReadonlyArray<RecordedRequest> & { readonly dropped: number }
  /** Empties the request journal (and its `dropped` count). */
  readonly clearRequests: () => void
  readonly faults: MockFaults
  /**
   * Back to the state the exchange was made with: withdrawals, API keys, rate-limit rules and
   * windows, faults, journal; the clock too (and whether it is frozen) unless it is a clock of your own.
   */
  readonly reset: () => void
  /** The bounds in force: body cap (bytes) and journal size (entries). */
  readonly limits: { readonly maxBodyBytes: number; readonly journalSize: number }
  /**
   * The core every adapter calls: answers one raw request (the query string and body exactly as
   * received). A `Delay` answer (a `Latency` fault) asks the adapter to wait, then `resume()`.
   */
  readonly handle: (request: MockRequest) => MockAnswer
}

export {
  /**
   * Builds an exchange with its own state and no transport (what `makeMockExchange` wraps with MSW
   * handlers and `startMockServer` serves).
   *
   * @since 0.1.0
   * @category constructors
   */
  makeExchange
} from "./internal/exchange.js"
export {
  /**
   * The origin of every Bybit V5 REST host.
   *
   * @since 0.1.0
   * @category constants
   */
  BYBIT_ORIGINS
} from "./internal/hosts.js"
