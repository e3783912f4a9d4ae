/** The mock exchange without any transport: state, clock, faults, journal and the core over them. */
import { isIP } from "node:net"
import type { Exchange, MockExchangeOptions } from "../MockExchange.js"
import type { MockAnswer, MockRequest } from "../models.js"
import { defaultSeed } from "../seed.js"
import { type AccountEntry, makeAccountEntry } from "./auth.js"
import { makeClock } from "./clock.js"
import { makeCore } from "./core.js"
import { makeFaultQueue } from "./faults.js"
import { makeJournal } from "./journal.js"
import { DEFAULT_RATE_LIMITS, makeRateLimiter, type RateLimiter } from "./rateLimit.js"
import { makeStore, type Store } from "./state.js"

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
 * @throws TypeError on a bad account (see `makeMockExchange`), a `clientIp` that is not an IP address, both `now` and `clock`, or a negative / fractional `maxBodyBytes` or `journalSize`.
 * @since 0.1.0
 * @category constructors
 */
export const makeExchange = (options: MockExchangeOptions = {}): Exchange => {
  if (options.clock !== undefined && options.now !== undefined) {
    throw new TypeError("makeMockExchange: give either now or clock, not both")
  }
  if (options.clientIp !== undefined && isIP(options.clientIp) === 0) {
    throw new TypeError(
      `makeMockExchange: clientIp must be an IPv4 or IPv6 address, got ${JSON.stringify(options.clientIp)}`
    )
  }
  const clock = options.clock ?? makeClock(options.now)
  // The default withdrawals are recent on this exchange's clock (query-record's 30-day window).
  const seed =
    options.accounts === undefined || options.withdrawals === undefined ? defaultSeed(clock.now()) : undefined
  const accountList = options.accounts ?? seed!.accounts
  const initialWithdrawals = options.withdrawals ?? seed!.withdrawals
  const accounts = new Map<string, AccountEntry>()
  for (const account of accountList) {
    if (accounts.has(account.apiKey)) throw new TypeError(`mock account ${account.apiKey}: duplicate API key`)
    accounts.set(account.apiKey, makeAccountEntry(account))
  }
  const uids = new Set(accountList.map((account) => account.uid))
  const limits = {
    maxBodyBytes: nonNegativeInteger("maxBodyBytes", options.maxBodyBytes, 1024 * 1024),
    journalSize: nonNegativeInteger("journalSize", options.journalSize, 1000)
  }
  const faults = makeFaultQueue()
  const journal = makeJournal(limits.journalSize)
  const rules = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }

  // One state object, its parts replaced by a reset: the core reads them when it decides, so a
  // request held by a delay is decided against the state current then.
  const state: { store: Store; limiter: RateLimiter } = {
    store: makeStore(initialWithdrawals),
    limiter: makeRateLimiter(rules)
  }
  const start = (): void => {
    state.store = makeStore(initialWithdrawals)
    state.limiter = makeRateLimiter(rules)
  }
  const handle: (request: MockRequest) => MockAnswer = makeCore({
    accounts,
    state,
    clock,
    faults,
    clientIp: options.clientIp ?? "127.0.0.1",
    journal,
    maxBodyBytes: limits.maxBodyBytes
  })

  return {
    clock,
    withdrawal: (id) => state.store.get(id),
    withdrawals: () => state.store.all(),
    addWithdrawal: (w) => state.store.put(w),
    hasAccount: (uid) => uids.has(uid),
    requests: journal.entries,
    clearRequests: journal.clear,
    faults: { inject: faults.inject, clear: faults.clear, list: faults.list, remove: faults.remove },
    reset: () => {
      start()
      faults.clear()
      journal.clear()
      // A following clock loses its offset; a frozen one goes back to `now`; a clock of one's own is left alone.
      if (options.clock === undefined) clock.set(options.now ?? Date.now())
    },
    limits,
    handle
  }
}
