/** The endpoints: what each does once a request has passed auth, rate limit and the common checks. */
import type { MockWithdrawal, PrivateEndpoint } from "../models.js"
import { ADDRESS_SHAPES, COINS, chainsOf, INSTRUMENTS } from "./catalog.js"
import { Codes, Messages } from "./codes.js"
import {
  encodeCursor,
  encodeOffsetCursor,
  type Parsed,
  parseCancelId,
  parseCreate,
  parseInstrumentsQuery,
  parseQueryRecord
} from "./params.js"
import type { Store } from "./state.js"

/**
 * What a route answers: a retCode (HTTP 200 unless `status`), a message and a result.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteAnswer {
  readonly retCode: number
  readonly retMsg: string
  readonly result?: object
  readonly status?: number
}

/**
 * What a route runs with, once the request passed the common checks.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteContext {
  readonly now: number
  /** The authenticated UID (private routes only; `""` on public ones). */
  readonly uid: string
  /** The parsed JSON body of a POST (after the content-type and JSON checks). */
  readonly json: Record<string, unknown>
  /** The raw query string of a GET. */
  readonly query: string
  readonly store: Store
}

/**
 * An endpoint: method, path, rate-limit bucket, permission and what it does.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly method: "GET" | "POST"
  readonly path: string
  /** The rate-limited endpoint; `undefined` for a public route (no auth, no limit). */
  readonly endpoint: PrivateEndpoint | undefined
  readonly requireWithdraw: boolean
  readonly run: (ctx: RouteContext) => RouteAnswer
}

/** The answer to a parameter that did not parse: 10001 unless the check gave another retCode. */
const paramError = (failed: Extract<Parsed<unknown>, { ok: false }>): RouteAnswer => ({
  retCode: failed.retCode ?? Codes.paramError,
  retMsg: failed.message
})

/**
 * A withdrawal as a query-record row: the fields Get Withdrawal Records lists, times as ms strings;
 * `fee`, `tax`, `taxRate`, `taxType` are `""` as in Bybit's example (no tax applies here).
 *
 * @since 0.1.0
 * @category rendering
 */
export const toRow = (w: MockWithdrawal) => ({
  withdrawId: w.withdrawId,
  txID: w.txID,
  withdrawType: w.withdrawType,
  coin: w.coin,
  chain: w.chain,
  amount: w.amount,
  withdrawFee: w.withdrawFee,
  status: w.status,
  toAddress: w.toAddress,
  tag: w.tag,
  createTime: String(w.createTime),
  updateTime: String(w.updateTime),
  fee: "",
  tax: "",
  taxRate: "",
  taxType: ""
})

/**
 * `GET /v5/market/time`: the mock clock, public.
 *
 * @since 0.1.0
 * @category routes
 */
export const marketTime: Route = {
  method: "GET",
  path: "/v5/market/time",
  endpoint: undefined,
  requireWithdraw: false,
  run: ({ now }) => {
    const seconds = Math.floor(now / 1000)
    return {
      retCode: Codes.ok,
      retMsg: Messages.ok,
      result: { timeSecond: String(seconds), timeNano: (BigInt(now) * 1_000_000n).toString() }
    }
  }
}

/**
 * `POST /v5/asset/withdraw/cancel`.
 *
 * @since 0.1.0
 * @category routes
 */
export const cancelWithdrawal: Route = {
  method: "POST",
  path: "/v5/asset/withdraw/cancel",
  endpoint: "cancel",
  requireWithdraw: true,
  run: ({ now, uid, json, store }) => {
    const id = parseCancelId(json)
    if (!id.ok) return paramError(id)
    const result = store.cancel(uid, id.value, now)
    switch (result._tag) {
      case "Cancelled":
        return { retCode: Codes.ok, retMsg: Messages.success, result: { status: 1 } }
      case "NotFound":
        return { retCode: Codes.assetParamError, retMsg: Messages.withdrawalNotFound }
      case "NotCancellable":
        return { retCode: Codes.notCancellable, retMsg: Messages.notCancellable }
    }
  }
}

/**
 * `GET /v5/asset/withdraw/query-record`.
 *
 * @since 0.1.0
 * @category routes
 */
export const queryRecord: Route = {
  method: "GET",
  path: "/v5/asset/withdraw/query-record",
  endpoint: "query",
  requireWithdraw: false,
  run: ({ now, uid, query, store }) => {
    const filters = parseQueryRecord(query, now)
    if (!filters.ok) return paramError(filters)
    const page = store.query(uid, filters.value)
    return {
      retCode: Codes.ok,
      retMsg: Messages.success,
      result: { rows: page.rows.map(toRow), nextPageCursor: page.next === undefined ? "" : encodeCursor(page.next) }
    }
  }
}

/**
 * Where a withdrawal may go: a Bybit UID (digits) with `forceChain: 2`; otherwise one of the coin's
 * chains (else 131001, as Bybit answered a chain name the coin does not have), an address of that
 * chain's shape (else 131002 "withdraw address is invalid"), and no tag on a chain without tags
 * (else 131002 "… chain or destination tag are not equal"; no chain of the catalog takes tags).
 */
const checkDestination = (p: {
  readonly coin: string
  readonly chain: string
  readonly address: string
  readonly tag: string
  readonly forceChain: 0 | 1 | 2
}): RouteAnswer | undefined => {
  if (p.forceChain === 2) {
    return /^\d{1,20}$/.test(p.address)
      ? undefined
      : { retCode: Codes.assetParamError, retMsg: Messages.invalidAddress }
  }
  if (!(chainsOf(p.coin) ?? []).includes(p.chain)) {
    return { retCode: Codes.assetServiceError, retMsg: Messages.openapiSvcError }
  }
  const shape = ADDRESS_SHAPES[p.chain]
  if (shape !== undefined && !shape.test(p.address)) {
    return { retCode: Codes.assetParamError, retMsg: Messages.invalidAddress }
  }
  if (p.tag !== "") return { retCode: Codes.assetParamError, retMsg: Messages.chainOrTagMismatch }
  return undefined
}

/**
 * `POST /v5/asset/withdraw/create`.
 *
 * @since 0.1.0
 * @category routes
 */
export const createWithdrawal: Route = {
  method: "POST",
  path: "/v5/asset/withdraw/create",
  endpoint: "create",
  requireWithdraw: true,
  run: ({ now, uid, json, store }) => {
    const params = parseCreate(json)
    if (!params.ok) return paramError(params)
    const p = params.value
    const refused = checkDestination(p)
    if (refused !== undefined) return refused
    const result = store.create(
      uid,
      {
        coin: p.coin,
        chain: p.chain,
        address: p.address,
        tag: p.tag,
        amount: p.amount,
        withdrawType: p.forceChain === 2 ? 1 : 0,
        requestId: p.requestId
      },
      now
    )
    if (result._tag === "RequestIdReused") return { retCode: Codes.repeatedRequest, retMsg: Messages.repeatedRequest }
    if (result._tag === "Full") return { retCode: Codes.assetServiceError, retMsg: Messages.storeFull }
    return { retCode: Codes.ok, retMsg: Messages.success, result: { id: result.withdrawal.withdrawId } }
  }
}

/** Option statuses returned when no `status` is given (Get Instruments Info). */
const OPTION_DEFAULT_STATUSES = ["PreLaunch", "Trading", "Delivering"]

/**
 * `GET /v5/market/instruments-info`: public. Filters by `symbol`, `status` (default `Trading`;
 * options `PreLaunch`/`Trading`/`Delivering`) and `baseCoin` (linear, inverse, option; options
 * default to `BTC`); pages with `limit`/`cursor` except spot.
 *
 * @since 0.1.0
 * @category routes
 */
export const instrumentsInfo: Route = {
  method: "GET",
  path: "/v5/market/instruments-info",
  endpoint: undefined,
  requireWithdraw: false,
  run: ({ query }) => {
    const parsed = parseInstrumentsQuery(query)
    if (!parsed.ok) return paramError(parsed)
    const q = parsed.value
    const baseCoin = q.category === "option" && q.symbol === undefined ? (q.baseCoin ?? "BTC") : q.baseCoin
    const matching = INSTRUMENTS[q.category].filter(
      (i) =>
        (q.symbol === undefined || i.symbol === q.symbol) &&
        (q.status !== undefined
          ? i.status === q.status
          : q.category === "option"
            ? OPTION_DEFAULT_STATUSES.includes(i.status)
            : i.status === "Trading") &&
        (q.category === "spot" || baseCoin === undefined || i.baseCoin === baseCoin)
    )
    if (q.category === "spot") {
      return { retCode: Codes.ok, retMsg: Messages.ok, result: { category: q.category, list: matching } }
    }
    const end = q.offset + q.limit
    return {
      retCode: Codes.ok,
      retMsg: Messages.ok,
      result: {
        category: q.category,
        list: matching.slice(q.offset, end),
        nextPageCursor: end < matching.length ? encodeOffsetCursor(end) : ""
      }
    }
  }
}

/**
 * `GET /v5/asset/coin/query-info`: the coins and their chains (optionally one `coin`); any valid key.
 *
 * @since 0.1.0
 * @category routes
 */
export const coinInfo: Route = {
  method: "GET",
  path: "/v5/asset/coin/query-info",
  endpoint: "coinInfo",
  requireWithdraw: false,
  run: ({ query }) => {
    const coin = new URLSearchParams(query).get("coin")
    const rows = coin === null || coin === "" ? COINS : COINS.filter((c) => c.coin === coin)
    return { retCode: Codes.ok, retMsg: Messages.empty, result: { rows } }
  }
}

/**
 * Every route, the hot path first (MSW tries handlers in order, cloning the request for each).
 *
 * @since 0.1.0
 * @category routes
 */
export const ROUTES: ReadonlyArray<Route> = [
  cancelWithdrawal,
  queryRecord,
  createWithdrawal,
  marketTime,
  instrumentsInfo,
  coinInfo
]
