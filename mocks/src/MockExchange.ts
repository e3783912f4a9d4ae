/**
 * The mock exchange: in-memory state, a clock, scripted faults and the MSW handlers over them.
 *
 * @since 0.1.0
 */
import { type HttpHandler, http } from "msw"
import { type AccountEntry, makeAccountEntry } from "./internal/auth.js"
import { makeClock } from "./internal/clock.js"
import { makeDispatch } from "./internal/dispatch.js"
import { makeFaultQueue } from "./internal/faults.js"
import { DEFAULT_RATE_LIMITS, makeRateLimiter } from "./internal/rateLimit.js"
import { ROUTES } from "./internal/routes.js"
import { makeStore } from "./internal/state.js"
import type {
  Fault,
  FaultOptions,
  MockAccount,
  MockClock,
  MockWithdrawal,
  PrivateEndpoint,
  RateLimitRule,
  RecordedRequest
} from "./models.js"
import { defaultSeed } from "./seed.js"

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
 * A mock Bybit V5 exchange: its MSW handlers and its state to seed and inspect.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockExchange {
  /** The handlers for `setupServer(...exchange.handlers)`; they match any host (`*\/v5/...`). */
  readonly handlers: ReadonlyArray<HttpHandler>
  /** Answers any request the other handlers leave (Bybit's unknown-route 404); the standalone server appends it. */
  readonly catchAllHandler: HttpHandler
  readonly clock: MockClock
  /** A copy of the withdrawal with this id, if any. */
  readonly withdrawal: (id: string) => MockWithdrawal | undefined
  /** Copies of every withdrawal. */
  readonly withdrawals: () => ReadonlyArray<MockWithdrawal>
  /** Adds a withdrawal (or replaces the one with the same id). */
  readonly addWithdrawal: (w: MockWithdrawal) => void
  /** Every request received so far, oldest first. */
  readonly requests: () => ReadonlyArray<RecordedRequest>
  readonly faults: MockFaults
}

/**
 * Builds a mock exchange with its own state; nothing is shared between exchanges.
 *
 * @example
 * ```ts
 * const exchange = makeMockExchange()
 * const server = setupServer(...exchange.handlers)
 * server.listen({ onUnhandledRequest: "error" })
 * exchange.faults.inject({ _tag: "LoseResponse" }, { path: "/v5/asset/withdraw/cancel" })
 * ```
 * @throws TypeError when an account has both or neither of `secret` and `rsaPublicKeyPem`, two accounts share a
 *   key, or both `now` and `clock` are given.
 * @since 0.1.0
 * @category constructors
 */
export const makeMockExchange = (options: MockExchangeOptions = {}): MockExchange => {
  if (options.clock !== undefined && options.now !== undefined) {
    throw new TypeError("makeMockExchange: give either now or clock, not both")
  }
  const clock = options.clock ?? makeClock(options.now)
  // The default withdrawals are recent on this exchange's clock (query-record's 30-day window).
  const seed =
    options.accounts === undefined || options.withdrawals === undefined ? defaultSeed(clock.now()) : undefined
  const accountList = options.accounts ?? seed!.accounts
  const accounts = new Map<string, AccountEntry>()
  for (const account of accountList) {
    if (accounts.has(account.apiKey)) throw new TypeError(`mock account ${account.apiKey}: duplicate API key`)
    accounts.set(account.apiKey, makeAccountEntry(account))
  }
  const store = makeStore(options.withdrawals ?? seed!.withdrawals)
  const faults = makeFaultQueue()
  const log: Array<RecordedRequest> = []
  const dispatch = makeDispatch({
    accounts,
    store,
    clock,
    limiter: makeRateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }),
    faults,
    clientIp: options.clientIp ?? "127.0.0.1",
    log
  })
  const routeHandlers = ROUTES.map((route) => {
    const method = route.method === "GET" ? http.get : http.post
    return method(`*${route.path}`, ({ request }) => dispatch(request, route))
  })
  const unknown = http.all("*/v5/*", ({ request }) => dispatch(request, undefined))
  return {
    handlers: [...routeHandlers, unknown],
    catchAllHandler: http.all("*", ({ request }) => dispatch(request, undefined)),
    clock,
    withdrawal: store.get,
    withdrawals: store.all,
    addWithdrawal: store.put,
    requests: () => log.slice(),
    faults: { inject: faults.inject, clear: faults.clear }
  }
}
