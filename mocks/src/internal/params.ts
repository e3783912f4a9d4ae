/** Step 5: parameter checks. Each returns the parsed value or a parameter error message. */
import type { QueryFilters, SortKey } from "./state.js"

/**
 * A parsed parameter or a parameter error message.
 *
 * @since 0.1.0
 * @category models
 */
export type Parsed<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

const ok = <A>(value: A): Parsed<A> => ({ ok: true, value })
const fail = <A>(message: string): Parsed<A> => ({ ok: false, message })

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

const WITHDRAW_ID = /^\d{1,20}$/

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
 * The query-record filters from the raw query string.
 *
 * @since 0.1.0
 * @category parameters
 */
export const parseQueryRecord = (query: string): Parsed<QueryFilters> => {
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
  if (times.startTime !== undefined && times.endTime !== undefined && times.startTime > times.endTime) {
    return fail("startTime must not be after endTime")
  }
  const cursorRaw = optionalString(params, "cursor")
  let after: SortKey | undefined
  if (cursorRaw !== undefined) {
    after = decodeCursor(cursorRaw)
    if (after === undefined) return fail("cursor: invalid cursor")
  }
  return ok({
    withdrawID: optionalString(params, "withdrawID"),
    txID: optionalString(params, "txID"),
    coin: optionalString(params, "coin"),
    withdrawType,
    startTime: times.startTime,
    endTime: times.endTime,
    limit,
    after
  })
}

const COIN = /^[A-Z0-9]{1,20}$/
const AMOUNT = /^(?:0|[1-9]\d{0,15})(?:\.\d{1,18})?$/
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
