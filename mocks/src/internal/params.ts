/** Step 5: parameter checks. Each returns the parsed value or a parameter error (10001 unless said). */
import { CATEGORIES, type Category } from "./catalog.js"
import { Codes, Messages } from "./codes.js"
import { WITHDRAWAL_TEXT_CHARS } from "./limits.js"
import type { QueryFilters, SortKey } from "./state.js"

/**
 * A parsed parameter or a parameter error: its message and, when not 10001, its retCode.
 *
 * @since 0.1.0
 * @category models
 */
export type Parsed<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly message: string; readonly retCode?: number }

const ok = <A>(value: A): Parsed<A> => ({ ok: true, value })
const fail = <A>(message: string, retCode?: number): Parsed<A> =>
  retCode === undefined ? { ok: false, message } : { ok: false, message, retCode }

/**
 * Whether a Content-Type is `application/json` (parameters such as `charset` allowed).
 *
 * @since 0.1.0
 * @category parameters
 */
export const isJsonContentType = (value: string | null): boolean =>
  value !== null && value.split(";")[0]!.trim().toLowerCase() === "application/json"

/**
 * Parses a body that must be a JSON object.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseJsonObject = (body: string): Parsed<Record<string, unknown>> => {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return fail("the request body is not valid JSON")
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("the request body must be a JSON object")
  }
  return ok(value as Record<string, unknown>)
}

/**
 * A withdrawal id: 1-20 decimal digits. Bybit documents the type (string) only; every id in its
 * pages and in records clients show is a decimal integer (`"9976"`, `"8839035"`, `"131629076"`),
 * and 20 digits hold any unsigned 64-bit integer.
 *
 * @since 0.1.0
 * @category parameters
 */
export const WITHDRAW_ID = /^\d{1,20}$/

/**
 * The cancel body's `id`: a required, non-empty string of 1-20 digits.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseCancelId = (body: Record<string, unknown>): Parsed<string> => {
  const id = body.id
  if (id === undefined || id === null) return fail("id: missing required parameter")
  if (typeof id !== "string") return fail("id: must be a string")
  if (id === "") return fail("id: must not be empty")
  if (!WITHDRAW_ID.test(id)) return fail("id: invalid withdrawal id")
  return ok(id)
}

const MS = /^\d{1,16}$/

const optionalString = (params: URLSearchParams, name: string): string | undefined => {
  const v = params.get(name)
  return v === null || v === "" ? undefined : v
}

/**
 * The opaque query-record cursor: base64url of the last row's sort key.
 *
 * @since 0.1.0
 * @category parameters
 */
export const encodeCursor = (key: SortKey): string =>
  Buffer.from(`${key.createTime}:${key.withdrawId}`, "utf8").toString("base64url")

const decodeCursor = (cursor: string): SortKey | undefined => {
  const m = /^(\d{1,16}):(\d{1,20})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))
  return m === null ? undefined : { createTime: Number(m[1]), withdrawId: m[2]! }
}

/**
 * The longest `endTime - startTime` of query-record, and its default window: 30 days.
 *
 * @since 0.1.0
 * @category constants
 */
export const RECORD_WINDOW_MS = 30 * 24 * 60 * 60 * 1000

/**
 * query-record's time window (Get Withdrawal Records: "endTime - startTime should be less than or
 * equal to 30 days; queries the last 30 days by default"): neither time gives the last 30 days;
 * `startTime` alone ends now, `endTime` alone starts 30 days earlier; a longer or negative range is
 * 131002 "The interval between the startTime and endTime is incorrect". A lookup by `withdrawID` or
 * `txID` with no time is not windowed (undocumented: our choice, an id names one record).
 *
 * @since 0.1.0
 * @category parameters
 */
export const timeWindow = (
  startTime: number | undefined,
  endTime: number | undefined,
  now: number,
  byId: boolean
): Parsed<{ readonly startTime: number | undefined; readonly endTime: number | undefined }> => {
  if (startTime === undefined && endTime === undefined) {
    return ok(byId ? { startTime: undefined, endTime: undefined } : { startTime: now - RECORD_WINDOW_MS, endTime: now })
  }
  const end = endTime ?? now
  const start = startTime ?? end - RECORD_WINDOW_MS
  if (start > end || end - start > RECORD_WINDOW_MS) return fail(Messages.intervalIncorrect, Codes.assetParamError)
  return ok({ startTime: start, endTime: end })
}

/**
 * The query-record filters from the raw query string, at the mock's `now`.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseQueryRecord = (query: string, now: number): Parsed<QueryFilters> => {
  const params = new URLSearchParams(query)
  const limitRaw = optionalString(params, "limit")
  let limit = 50
  if (limitRaw !== undefined) {
    if (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 50) {
      return fail("limit: must be an integer from 1 to 50")
    }
    limit = Number(limitRaw)
  }
  const typeRaw = optionalString(params, "withdrawType")
  let withdrawType: 0 | 1 | 2 = 0
  if (typeRaw !== undefined) {
    if (typeRaw !== "0" && typeRaw !== "1" && typeRaw !== "2") return fail("withdrawType: must be 0, 1 or 2")
    withdrawType = Number(typeRaw) as 0 | 1 | 2
  }
  const times: { startTime?: number; endTime?: number } = {}
  for (const name of ["startTime", "endTime"] as const) {
    const raw = optionalString(params, name)
    if (raw === undefined) continue
    if (!MS.test(raw)) return fail(`${name}: must be a timestamp in milliseconds`)
    times[name] = Number(raw)
  }
  const withdrawID = optionalString(params, "withdrawID")
  const txID = optionalString(params, "txID")
  const window = timeWindow(times.startTime, times.endTime, now, withdrawID !== undefined || txID !== undefined)
  if (!window.ok) return window
  const cursorRaw = optionalString(params, "cursor")
  let after: SortKey | undefined
  if (cursorRaw !== undefined) {
    after = decodeCursor(cursorRaw)
    if (after === undefined) return fail("cursor: invalid cursor")
  }
  return ok({
    withdrawID,
    txID,
    coin: optionalString(params, "coin"),
    withdrawType,
    startTime: window.value.startTime,
    endTime: window.value.endTime,
    limit,
    after
  })
}

/**
 * A coin name as Bybit spells them: 1-20 upper-case letters or digits (`USDT`, `BTC`, `1INCH`).
 *
 * @since 0.1.0
 * @category parameters
 */
export const COIN = /^[A-Z0-9]{1,20}$/

/**
 * An amount: a plain non-negative decimal (`"0"`, `"12.5"`), no sign, exponent or leading zeros.
 *
 * @since 0.1.0
 * @category parameters
 */
export const AMOUNT = /^(?:0|[1-9]\d{0,15})(?:\.\d{1,18})?$/
const REQUEST_ID = /^[A-Za-z0-9]{1,32}$/
const ACCOUNT_TYPES = ["FUND", "UTA", "SPOT", "CONTRACT", "FUND,UTA"]

/**
 * The checked parameters of a create request.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateParams {
  readonly coin: string
  readonly chain: string
  readonly address: string
  readonly tag: string
  readonly amount: string
  readonly forceChain: 0 | 1 | 2
  readonly requestId: string | undefined
}

const requiredString = (body: Record<string, unknown>, name: string): Parsed<string> => {
  const v = body[name]
  if (v === undefined || v === null) return fail(`${name}: missing required parameter`)
  if (typeof v !== "string") return fail(`${name}: must be a string`)
  if (v === "") return fail(`${name}: must not be empty`)
  return ok(v)
}

/**
 * The create body's parameters.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseCreate = (body: Record<string, unknown>): Parsed<CreateParams> => {
  const coin = requiredString(body, "coin")
  if (!coin.ok) return coin
  if (!COIN.test(coin.value)) return fail("coin: invalid coin")
  const chain = requiredString(body, "chain")
  if (!chain.ok) return chain
  const address = requiredString(body, "address")
  if (!address.ok) return address
  const amount = requiredString(body, "amount")
  if (!amount.ok) return amount
  if (!AMOUNT.test(amount.value) || Number(amount.value) <= 0) return fail("amount: must be a positive decimal string")
  const timestamp = body.timestamp
  if (timestamp === undefined || timestamp === null) return fail("timestamp: missing required parameter")
  if (!(Number.isSafeInteger(timestamp) || (typeof timestamp === "string" && MS.test(timestamp)))) {
    return fail("timestamp: must be an integer of milliseconds")
  }
  const accountType = requiredString(body, "accountType")
  if (!accountType.ok) return accountType
  if (!ACCOUNT_TYPES.includes(accountType.value)) return fail(`accountType: one of ${ACCOUNT_TYPES.join(" | ")}`)
  const tag = body.tag
  if (tag !== undefined && typeof tag !== "string") return fail("tag: must be a string")
  // Kept with the withdrawal: capped whatever `forceChain` (which skips the chain and tag checks).
  for (const [name, value] of [
    ["chain", chain.value],
    ["address", address.value],
    ["tag", tag ?? ""]
  ] as const) {
    if (value.length > WITHDRAWAL_TEXT_CHARS) return fail(`${name}: at most ${WITHDRAWAL_TEXT_CHARS} characters`)
  }
  const forceChain = body.forceChain ?? 0
  if (forceChain !== 0 && forceChain !== 1 && forceChain !== 2) return fail("forceChain: must be 0, 1 or 2")
  const feeType = body.feeType
  if (feeType !== undefined && feeType !== 0 && feeType !== 1) return fail("feeType: must be 0 or 1")
  const requestId = body.requestId
  if (requestId !== undefined && (typeof requestId !== "string" || !REQUEST_ID.test(requestId))) {
    return fail("requestId: 1 to 32 letters or digits")
  }
  return ok({
    coin: coin.value,
    chain: chain.value,
    address: address.value,
    tag: tag ?? "",
    amount: amount.value,
    forceChain,
    requestId
  })
}

/**
 * The filters of `GET /v5/market/instruments-info`.
 *
 * @since 0.1.0
 * @category models
 */
export interface InstrumentsQuery {
  readonly category: Category
  readonly symbol: string | undefined
  readonly status: string | undefined
  readonly baseCoin: string | undefined
  /** 1..1000, default 500 (spot ignores it: no pagination). */
  readonly limit: number
  /** The offset a cursor points at. */
  readonly offset: number
}

/**
 * The opaque instruments cursor: base64url of the offset of the next page.
 *
 * @since 0.1.0
 * @category parameters
 */
export const encodeOffsetCursor = (offset: number): string => Buffer.from(`o:${offset}`, "utf8").toString("base64url")

/**
 * The instruments-info filters from the raw query string (Get Instruments Info: `category`
 * required; `limit` [1, 1000], default 500; spot ignores `limit` and `cursor`).
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseInstrumentsQuery = (query: string): Parsed<InstrumentsQuery> => {
  const params = new URLSearchParams(query)
  const category = optionalString(params, "category")
  if (category === undefined || !(CATEGORIES as ReadonlyArray<string>).includes(category)) {
    return fail(`category: must be one of ${CATEGORIES.join(", ")}`)
  }
  const limitRaw = optionalString(params, "limit")
  let limit = 500
  if (limitRaw !== undefined) {
    if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) {
      return fail("limit: must be an integer from 1 to 1000")
    }
    limit = Number(limitRaw)
  }
  let offset = 0
  const cursor = optionalString(params, "cursor")
  if (cursor !== undefined && category !== "spot") {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))
    if (m === null) return fail("cursor: invalid cursor")
    offset = Number(m[1])
  }
  return ok({
    category: category as Category,
    symbol: optionalString(params, "symbol"),
    status: optionalString(params, "status"),
    baseCoin: optionalString(params, "baseCoin"),
    limit,
    offset
  })
}
