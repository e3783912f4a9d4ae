/** The mock exchange without any transport: state, clock, faults, journal and the core over them. */
import { isIP } from "node:net"
import type { Exchange, MockExchangeOptions } from "../Exchange.js"
import type { MockAnswer, MockRequest, PrivateEndpoint, RateLimitRule } from "../models.js"
import { defaultSeed } from "../seed.js"
import { type AccountEntry, makeAccountEntry } from "./auth.js"
import { makeClock } from "./clock.js"
import { makeCore } from "./core.js"
import { makeFaultQueue } from "./faults.js"
import { makeJournal } from "./journal.js"
import { CapacityError, MAX_ACCOUNTS } from "./limits.js"
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
  // Changed in place at run time (admin API) and by a reset: the core reads it when it decides.
  const accounts = new Map<string, AccountEntry>()
  const seedAccounts = (): void => {
    accounts.clear()
    for (const account of accountList) {
      if (accounts.has(account.apiKey)) throw new TypeError(`mock account ${account.apiKey}: duplicate API key`)
      accounts.set(account.apiKey, makeAccountEntry(account))
    }
  }
  seedAccounts()
  if (accounts.size > MAX_ACCOUNTS) throw new TypeError(`makeMockExchange: at most ${MAX_ACCOUNTS} accounts`)
  const limits = {
    maxBodyBytes: nonNegativeInteger("maxBodyBytes", options.maxBodyBytes, 1024 * 1024),
    journalSize: nonNegativeInteger("journalSize", options.journalSize, 1000)
  }
  const faults = makeFaultQueue()
  const journal = makeJournal(limits.journalSize)
  // The rules object is kept and changed in place: the limiter reads it on every request.
  const initialRules = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits }
  const rules: Record<PrivateEndpoint, RateLimitRule> = { ...initialRules }

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
    removeWithdrawal: (id) => state.store.remove(id),
    hasAccount: (uid) => [...accounts.values()].some((e) => e.account.uid === uid),
    accounts: () => [...accounts.values()].map((e) => e.account),
    setAccount: (account) => {
      if (!accounts.has(account.apiKey) && accounts.size >= MAX_ACCOUNTS) {
        throw new CapacityError(`the exchange holds ${MAX_ACCOUNTS} API keys already; remove some or reset it`)
      }
      accounts.set(account.apiKey, makeAccountEntry(account))
    },
    removeAccount: (apiKey) => accounts.delete(apiKey),
    rateLimits: () => ({ ...rules }),
    setRateLimits: (changes) => {
      for (const [endpoint, rule] of Object.entries(changes) as Array<[PrivateEndpoint, RateLimitRule]>) {
        if (!Object.hasOwn(rules, endpoint)) throw new RangeError(`rateLimits: no endpoint ${endpoint}`)
        if (
          !(
            Number.isSafeInteger(rule.limit) &&
            rule.limit >= 1 &&
            Number.isSafeInteger(rule.windowMs) &&
            rule.windowMs >= 1
          )
        ) {
          throw new RangeError(`rateLimits.${endpoint}: limit and windowMs must be positive integers`)
        }
        rules[endpoint] = { limit: rule.limit, windowMs: rule.windowMs }
      }
    },
    requests: journal.entries,
    clearRequests: journal.clear,
    faults: { inject: faults.inject, clear: faults.clear, list: faults.list, remove: faults.remove },
    reset: () => {
      seedAccounts()
      Object.assign(rules, initialRules)
      start()
      faults.clear()
      journal.clear()
      // A following clock loses its offset; a frozen one goes back to `now`; a clock of one's own is left alone.
      if (options.clock === undefined) {
        if (options.now === undefined) clock.unfreeze?.()
        else clock.freeze?.()
        clock.set(options.now ?? Date.now())
      }
    },
    limits,
    handle
  }
}
