/** The endpoints: what each does once a request has passed auth, rate limit and the common checks. */
import type { MockWithdrawal, PrivateEndpoint } from "../models.js"
import { Codes, Messages } from "./codes.js"
import { encodeCursor, parseCancelId, parseCreate, parseQueryRecord } from "./params.js"
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

const paramError = (message: string): RouteAnswer => ({ retCode: Codes.paramError, retMsg: message })

/**
 * A withdrawal as a query-record row: Bybit's field names, times as ms strings.
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
  updateTime: String(w.updateTime)
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
      retMsg: "OK",
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
    if (!id.ok) return paramError(id.message)
    const result = store.cancel(uid, id.value, now)
    switch (result._tag) {
      case "Cancelled":
        return { retCode: Codes.ok, retMsg: "success", result: { status: 1 } }
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
  run: ({ uid, query, store }) => {
    const filters = parseQueryRecord(query)
    if (!filters.ok) return paramError(filters.message)
    const page = store.query(uid, filters.value)
    return {
      retCode: Codes.ok,
      retMsg: "success",
      result: { rows: page.rows.map(toRow), nextPageCursor: page.next === undefined ? "" : encodeCursor(page.next) }
    }
  }
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
    if (!params.ok) return paramError(params.message)
    const p = params.value
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
    return { retCode: Codes.ok, retMsg: "success", result: { id: result.withdrawal.withdrawId } }
  }
}

/**
 * Every route, the hot path first (MSW tries handlers in order, cloning the request for each).
 *
 * @since 0.1.0
 * @category routes
 */
export const ROUTES: ReadonlyArray<Route> = [cancelWithdrawal, queryRecord, createWithdrawal, marketTime]
