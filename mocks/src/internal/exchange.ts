/** The mock exchange without any transport: state, clock, faults, journal and the core over them. */
import type {
  Fault,
  FaultOptions,
  MockAccount,
  MockClock,
  MockWithdrawal,
  PrivateEndpoint,
  RateLimitRule,
  RecordedRequest
} from "../models.js"
import { defaultSeed } from "../seed.js"
import { type AccountEntry, makeAccountEntry } from "./auth.js"
import { makeClock } from "./clock.js"
import { type MockAnswer, type MockRequest, makeCore } from "./core.js"
import { makeFaultQueue } from "./faults.js"
import { makeJournal } from "./journal.js"
import { DEFAULT_RATE_LIMITS, makeRateLimiter } from "./rateLimit.js"
import { makeStore, type Store } from "./state.js"

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
  /** Applies `fault` to the next `times` (default 1) requests, to `path` only when given. */
  readonly inject: (fault: Fault, options?: FaultOptions) => void
  /** Drops every pending fault. */
  readonly clear: () => void
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
  /**
   * The last `journalSize` requests received, oldest first (bodies cut to 4,096 characters);
   * `dropped` counts the older ones no longer kept.
   */
  readonly requests: () => ReadonlyArray<RecordedRequest> & { readonly dropped: number }
  /** Empties the request journal (and its `dropped` count). */
  readonly clearRequests: () => void
  readonly faults: MockFaults
  /**
   * Back to the state the exchange was made with: withdrawals, rate-limit windows, faults, journal;
   * the clock too unless it is a clock of your own.
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

const nonNegativeInteger = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`makeMockExchange: ${name} must be a non-negative integer, got ${value}`)
  }
  return value
}

/**
 * Builds an exchange with its own state and no transport.
 *
 * @throws TypeError on a bad account (see `makeMockExchange`), both `now` and `clock`, or a
 *   negative / fractional `maxBodyBytes` or `journalSize`.
 * @since 0.1.0
 * @category constructors
 */
export const makeExchange = (options: MockExchangeOptions = {}): Exchange => {
  const seed = options.accounts === undefined || options.withdrawals === undefined ? defaultSeed() : undefined
  const accountList = options.accounts ?? seed!.accounts
  const initialWithdrawals = options.withdrawals ?? seed!.withdrawals
  const accounts = new Map<string, AccountEntry>()
  for (const account of accountList) {
    if (accounts.has(account.apiKey)) throw new TypeError(`mock account ${account.apiKey}: duplicate API key`)
    accounts.set(account.apiKey, makeAccountEntry(account))
  }
  if (options.clock !== undefined && options.now !== undefined) {
    throw new TypeError("makeMockExchange: give either now or clock, not both")
  }
  const limits = {
    maxBodyBytes: nonNegativeInteger("maxBodyBytes", options.maxBodyBytes, 1024 * 1024),
    journalSize: nonNegativeInteger("journalSize", options.journalSize, 1000)
  }
  const clock = options.clock ?? makeClock(options.now)
  const faults = makeFaultQueue()
  const journal = makeJournal(limits.journalSize)
  const rules = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }

  let store: Store
  let handle: (request: MockRequest) => MockAnswer
  const start = (): void => {
    store = makeStore(initialWithdrawals)
    handle = makeCore({
      accounts,
      store,
      clock,
      limiter: makeRateLimiter(rules),
      faults,
      clientIp: options.clientIp ?? "127.0.0.1",
      journal,
      maxBodyBytes: limits.maxBodyBytes
    })
  }
  start()

  return {
    clock,
    withdrawal: (id) => store.get(id),
    withdrawals: () => store.all(),
    addWithdrawal: (w) => store.put(w),
    requests: journal.entries,
    clearRequests: journal.clear,
    faults: { inject: faults.inject, clear: faults.clear },
    reset: () => {
      start()
      faults.clear()
      journal.clear()
      // A following clock loses its offset; a frozen one goes back to `now`; a clock of one's own is left alone.
      if (options.clock === undefined) clock.set(options.now ?? Date.now())
    },
    limits,
    handle: (request) => handle(request)
  }
}
