/**
 * The admin API of the standalone server, under `/__admin/` (WireMock's convention): JSON in and
 * out, HTTP 400 with `{"error": message}` on a bad request; never journaled, never rate-limited.
 */

import type { Exchange } from "../Exchange.js"
import {
  type Fault,
  type FaultOptions,
  type MockAccount,
  type MockResponse,
  type MockWithdrawal,
  type PrivateEndpoint,
  type RateLimitRule,
  type RequestFilter,
  WITHDRAWAL_STATUSES,
  type WithdrawalStatus
} from "../models.js"
import { parseAccount, parseWithdrawal } from "../seedFile.js"
import {
  ADMIN_MAX_BODY_BYTES,
  ADMIN_PAGE_BYTES,
  ADMIN_PAGE_MAX,
  CapacityError,
  MAX_LATENCY_MS,
  WITHDRAWAL_TEXT_CHARS
} from "./limits.js"
import { DEFAULT_RATE_LIMITS } from "./rateLimit.js"

const PREFIX = "/__admin"

/**
 * Whether a path belongs to the admin API.
 *
 * @since 0.1.0
 * @category admin
 */
export const isAdminPath = (path: string): boolean => path === PREFIX || path.startsWith(`${PREFIX}/`)

const json = (status: number, body: unknown): MockResponse => ({
  _tag: "Response",
  status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  body: JSON.stringify(body)
})

class BadRequest extends Error {}

class TooLarge extends Error {}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const parseBody = (text: string | undefined): Record<string, unknown> => {
  if (text === undefined) throw new TooLarge(`the admin request body is over ${ADMIN_MAX_BODY_BYTES} bytes`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new BadRequest("the request body must be JSON")
  }
  if (!isObject(value)) throw new BadRequest("the request body must be a JSON object")
  return value
}

const onlyKeys = (o: Record<string, unknown>, allowed: ReadonlyArray<string>, what: string): void => {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new BadRequest(`${what}: unknown field ${JSON.stringify(key)}`)
  }
}

const integer = (o: Record<string, unknown>, name: string, min: number, max: number): number | undefined => {
  const v = o[name]
  if (v === undefined) return undefined
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    throw new BadRequest(`${name}: expected an integer from ${min} to ${max}`)
  }
  return v as number
}

const FAULT_FIELDS: Readonly<Record<Fault["_tag"], ReadonlyArray<string>>> = {
  ServerErrorHtml: ["status"],
  IpBanned: [],
  TooManyRequests: [],
  NotJson: [],
  TruncatedBody: [],
  MissingFields: [],
  Latency: ["ms"],
  DropConnection: [],
  LoseResponse: [],
  CancelStatusZero: [],
  RetCode: ["retCode", "retMsg", "result", "retExtInfo"]
}

const parseMatch = (u: unknown): Record<string, string> | undefined => {
  if (u === undefined) return undefined
  if (!isObject(u) || !Object.values(u).every((v) => typeof v === "string")) {
    throw new BadRequest('match: expected an object of names to string values, e.g. {"id": "10197"}')
  }
  return u as Record<string, string>
}

/** `{"_tag": ..., fault fields..., "times"?, "path"?, "method"?, "match"?}` */
const parseFault = (body: Record<string, unknown>): { fault: Fault; options: FaultOptions } => {
  const tag = body._tag
  if (typeof tag !== "string" || !Object.hasOwn(FAULT_FIELDS, tag)) {
    throw new BadRequest(`_tag: expected one of ${Object.keys(FAULT_FIELDS).join(", ")}`)
  }
  const t = tag as Fault["_tag"]
  onlyKeys(body, ["_tag", "times", "path", "method", "match", ...FAULT_FIELDS[t]], t)
  const times = integer(body, "times", 1, 1_000_000)
  const path = body.path
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new BadRequest("path: expected a URL path starting with /, e.g. /v5/asset/withdraw/cancel")
  }
  const method = body.method
  if (method !== undefined && typeof method !== "string") throw new BadRequest("method: expected a string")
  const match = parseMatch(body.match)
  const options: FaultOptions = {
    ...(times === undefined ? {} : { times }),
    ...(path === undefined ? {} : { path }),
    ...(method === undefined ? {} : { method }),
    ...(match === undefined ? {} : { match })
  }
  switch (t) {
    case "ServerErrorHtml": {
      const status = integer(body, "status", 500, 599)
      return { fault: status === undefined ? { _tag: t } : { _tag: t, status }, options }
    }
    case "Latency": {
      const ms = integer(body, "ms", 0, MAX_LATENCY_MS)
      if (ms === undefined) throw new BadRequest(`ms: required for Latency (milliseconds, 0 to ${MAX_LATENCY_MS})`)
      return { fault: { _tag: t, ms }, options }
    }
    case "RetCode": {
      const retCode = integer(body, "retCode", -2_147_483_648, 2_147_483_647)
      if (retCode === undefined) throw new BadRequest("retCode: required for RetCode (an integer)")
      const retMsg = body.retMsg
      if (retMsg !== undefined && typeof retMsg !== "string") throw new BadRequest("retMsg: expected a string")
      const parts: { result?: object | null; retExtInfo?: object | null } = {}
      for (const name of ["result", "retExtInfo"] as const) {
        const v = body[name]
        if (v === undefined) continue
        if (v !== null && !isObject(v)) throw new BadRequest(`${name}: expected null or a JSON object`)
        parts[name] = v
      }
      return { fault: { _tag: t, retCode, ...(retMsg === undefined ? {} : { retMsg }), ...parts }, options }
    }
    default:
      return { fault: { _tag: t } as Fault, options }
  }
}

const MS_MAX = 8_640_000_000_000_000

/**
 * Statuses a withdrawal never leaves (its history stays a valid sequence of Bybit's statuses, so no
 * id is cancelled twice): a PATCH out of one is 409.
 */
const FINAL_STATUSES: ReadonlyArray<WithdrawalStatus> = [
  "success",
  "CancelByUser",
  "Reject",
  "Fail",
  "BlockchainConfirmed"
]

type ClockMove = { set: number } | { advance: number } | { freeze: boolean }

/** A clock move; `now` is the clock's time, so an `advance` cannot take it out of 0..8.64e15. */
const parseClock = (body: Record<string, unknown>, now: number): ClockMove => {
  onlyKeys(body, ["set", "advance", "freeze"], "clock")
  const set = integer(body, "set", 0, MS_MAX)
  const advance = integer(body, "advance", -MS_MAX, MS_MAX)
  const freeze = body.freeze
  if (freeze !== undefined && typeof freeze !== "boolean") throw new BadRequest("freeze: expected true or false")
  if ([set, advance, freeze].filter((v) => v !== undefined).length !== 1) {
    throw new BadRequest('clock: give exactly one of {"set": ms}, {"advance": ms} or {"freeze": true | false}')
  }
  if (advance !== undefined && !(now + advance >= 0 && now + advance <= MS_MAX)) {
    throw new BadRequest(
      `advance: the clock (now ${now}) would move to ${now + advance}, outside 0 to ${MS_MAX} (the dates JavaScript can hold)`
    )
  }
  return set !== undefined ? { set } : advance !== undefined ? { advance } : { freeze: freeze as boolean }
}

const clockState = (exchange: Exchange) => ({ now: exchange.clock.now(), frozen: exchange.clock.frozen?.() ?? null })

/** An account as the admin API shows it: no secret, no key material. */
const publicAccount = (a: MockAccount) => ({
  apiKey: a.apiKey,
  uid: a.uid,
  kind: a.rsaPublicKeyPem !== undefined ? "rsa" : "hmac",
  permissions: a.permissions,
  ...(a.ips === undefined ? {} : { ips: a.ips })
})

const parseRateLimits = (body: Record<string, unknown>): Partial<Record<PrivateEndpoint, RateLimitRule>> => {
  const endpoints = Object.keys(DEFAULT_RATE_LIMITS)
  onlyKeys(body, endpoints, "rate-limits")
  const out: Partial<Record<PrivateEndpoint, RateLimitRule>> = {}
  for (const [endpoint, rule] of Object.entries(body)) {
    if (!isObject(rule)) throw new BadRequest(`${endpoint}: expected {"limit": n, "windowMs": ms}`)
    onlyKeys(rule, ["limit", "windowMs"], endpoint)
    const limit = integer(rule, "limit", 1, 1_000_000)
    const windowMs = integer(rule, "windowMs", 1, 86_400_000)
    if (limit === undefined || windowMs === undefined) {
      throw new BadRequest(`${endpoint}: expected {"limit": n, "windowMs": ms}`)
    }
    out[endpoint as PrivateEndpoint] = { limit, windowMs }
  }
  return out
}

/** `?limit=` (1 to `ADMIN_PAGE_MAX`, default that) and `?offset=` (default 0) of an admin list. */
const parsePage = (params: URLSearchParams): { readonly limit: number; readonly offset: number } => {
  const read = (name: string, min: number, max: number, fallback: number): number => {
    const raw = params.get(name)
    if (raw === null) return fallback
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new BadRequest(`${name}: expected an integer from ${min} to ${max}`)
    }
    return Number(raw)
  }
  return { limit: read("limit", 1, ADMIN_PAGE_MAX, ADMIN_PAGE_MAX), offset: read("offset", 0, 999_999_999, 0) }
}

/**
 * One page of a list: its items (at most `limit`, and at most `ADMIN_PAGE_BYTES` of JSON but one),
 * the total, and the offset of the next page (`null` on the last).
 */
const page = <A>(items: ReadonlyArray<A>, params: URLSearchParams) => {
  const { limit, offset } = parsePage(params)
  const last = Math.min(items.length, offset + limit)
  let end = offset
  let bytes = 0
  while (end < last) {
    bytes += JSON.stringify(items[end])?.length ?? 0
    if (bytes > ADMIN_PAGE_BYTES && end > offset) break
    end++
  }
  return { items: items.slice(offset, end), total: items.length, next: end < items.length ? end : null }
}

/** `?path=`, `?method=`, `?retCode=` (an integer, or `none` for answers without an envelope). */
const parseFilter = (params: URLSearchParams): RequestFilter => {
  const retCode = params.get("retCode")
  if (retCode !== null && retCode !== "none" && !/^-?\d{1,10}$/.test(retCode)) {
    throw new BadRequest("retCode: expected an integer, or none")
  }
  return {
    ...(params.get("path") === null ? {} : { path: params.get("path")! }),
    ...(params.get("method") === null ? {} : { method: params.get("method")! }),
    ...(retCode === null ? {} : { retCode: retCode === "none" ? null : Number(retCode) })
  }
}

const route = (
  exchange: Exchange,
  method: string,
  path: string,
  params: URLSearchParams,
  text: string | undefined
): MockResponse => {
  const sub = path.slice(PREFIX.length)
  const notAllowed = (allowed: string) => json(405, { error: `${method} is not allowed on ${path}; use ${allowed}` })
  switch (sub) {
    case "/health":
      if (method !== "GET") return notAllowed("GET")
      return json(200, {
        status: "ok",
        now: exchange.clock.now(),
        pid: process.pid,
        rss: process.memoryUsage.rss(),
        limits: exchange.limits
      })
    case "/faults":
      if (method === "GET") {
        const { items, total, next } = page(exchange.faults.list(), params)
        return json(200, { faults: items, total, next })
      }
      if (method === "POST") {
        const { fault, options } = parseFault(parseBody(text))
        const id = exchange.faults.inject(fault, options)
        return json(200, {
          id,
          injected: fault,
          times: options.times ?? 1,
          path: options.path ?? null,
          method: options.method?.toUpperCase() ?? null,
          match: options.match ?? null
        })
      }
      if (method === "DELETE") {
        exchange.faults.clear()
        return json(200, { cleared: true })
      }
      return notAllowed("GET, POST or DELETE")
    case "/requests":
      if (method === "GET") {
        const requests = exchange.requests(parseFilter(params))
        const { items, total, next } = page(requests, params)
        return json(200, { requests: items, dropped: requests.dropped, total, next })
      }
      if (method === "DELETE") {
        exchange.clearRequests()
        return json(200, { cleared: true })
      }
      return notAllowed("GET or DELETE")
    case "/requests/count":
      if (method !== "GET") return notAllowed("GET")
      return json(200, { count: exchange.requests(parseFilter(params)).length })
    case "/clock":
      if (method === "GET") return json(200, clockState(exchange))
      if (method === "POST") {
        const move = parseClock(parseBody(text), exchange.clock.now())
        if ("set" in move) exchange.clock.set(move.set)
        else if ("advance" in move) exchange.clock.advance(move.advance)
        else {
          const change = move.freeze ? exchange.clock.freeze : exchange.clock.unfreeze
          if (change === undefined)
            throw new BadRequest("this exchange's clock is one of your own: it cannot be frozen here")
          change()
        }
        return json(200, clockState(exchange))
      }
      return notAllowed("GET or POST")
    case "/accounts":
      if (method === "GET") return json(200, { accounts: exchange.accounts().map(publicAccount) })
      if (method === "POST") {
        let account: MockAccount
        try {
          account = parseAccount(parseBody(text), "account")
        } catch (error) {
          throw error instanceof TypeError ? new BadRequest(error.message) : error
        }
        exchange.setAccount(account)
        return json(200, { account: publicAccount(account) })
      }
      return notAllowed("GET or POST")
    case "/rate-limits":
      if (method === "GET") return json(200, { rateLimits: exchange.rateLimits() })
      if (method === "POST") {
        exchange.setRateLimits(parseRateLimits(parseBody(text)))
        return json(200, { rateLimits: exchange.rateLimits() })
      }
      return notAllowed("GET or POST")
    case "/reset":
      if (method !== "POST") return notAllowed("POST")
      exchange.reset()
      return json(200, { reset: true, now: exchange.clock.now() })
    case "/withdrawals":
      if (method === "GET") {
        const { items, total, next } = page(exchange.withdrawals(), params)
        return json(200, { withdrawals: items, total, next })
      }
      if (method === "POST") {
        let withdrawal: MockWithdrawal
        try {
          withdrawal = parseWithdrawal(parseBody(text), "withdrawal", exchange.clock.now())
        } catch (error) {
          throw error instanceof TypeError ? new BadRequest(error.message) : error
        }
        if (!exchange.hasAccount(withdrawal.uid)) {
          throw new BadRequest(`withdrawal.uid: no account has uid ${JSON.stringify(withdrawal.uid)}`)
        }
        if (exchange.withdrawal(withdrawal.withdrawId) !== undefined) {
          return json(409, {
            error: `a withdrawal with id ${JSON.stringify(withdrawal.withdrawId)} exists; POST /__admin/reset, or pick another id`
          })
        }
        exchange.addWithdrawal(withdrawal)
        return json(201, { withdrawal: exchange.withdrawal(withdrawal.withdrawId) })
      }
      return notAllowed("GET or POST")
  }
  if (sub.startsWith("/faults/")) {
    if (method !== "DELETE") return notAllowed("DELETE")
    const raw = sub.slice("/faults/".length)
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
    return id !== undefined && exchange.faults.remove(id)
      ? json(200, { removed: id })
      : json(404, { error: `no pending fault ${JSON.stringify(raw)}; GET /__admin/faults lists them` })
  }
  if (sub.startsWith("/withdrawals/")) {
    const id = decodeURIComponent(sub.slice("/withdrawals/".length))
    const withdrawal = exchange.withdrawal(id)
    if (withdrawal === undefined) return json(404, { error: `no withdrawal with id ${JSON.stringify(id)}` })
    if (method === "GET") return json(200, { withdrawal })
    if (method === "DELETE") {
      exchange.removeWithdrawal(id)
      return json(200, { removed: id })
    }
    if (method === "PATCH") {
      const body = parseBody(text)
      onlyKeys(body, ["status", "txID"], "withdrawal")
      const status = body.status
      if (typeof status !== "string" || !WITHDRAWAL_STATUSES.includes(status as WithdrawalStatus)) {
        throw new BadRequest(`status: expected one of ${WITHDRAWAL_STATUSES.join(", ")}`)
      }
      const txID = body.txID
      if (txID !== undefined && (typeof txID !== "string" || txID.length > WITHDRAWAL_TEXT_CHARS)) {
        throw new BadRequest(`txID: expected a string of at most ${WITHDRAWAL_TEXT_CHARS} characters`)
      }
      if (status !== withdrawal.status && FINAL_STATUSES.includes(withdrawal.status)) {
        return json(409, {
          error: `withdrawal ${JSON.stringify(id)} is ${withdrawal.status}, a final status (${FINAL_STATUSES.join(", ")}): it cannot become ${status}`
        })
      }
      exchange.addWithdrawal({
        ...withdrawal,
        status: status as WithdrawalStatus,
        ...(txID === undefined ? {} : { txID }),
        updateTime: exchange.clock.now()
      })
      return json(200, { withdrawal: exchange.withdrawal(id) })
    }
    return notAllowed("GET, PATCH or DELETE")
  }
  if (sub.startsWith("/accounts/")) {
    if (method !== "DELETE") return notAllowed("DELETE")
    const apiKey = decodeURIComponent(sub.slice("/accounts/".length))
    return exchange.removeAccount(apiKey)
      ? json(200, { removed: apiKey })
      : json(404, { error: `no API key ${JSON.stringify(apiKey)}` })
  }
  return json(404, {
    error: `no admin route ${path}; see /__admin/health, /__admin/faults, /__admin/requests, /__admin/clock, /__admin/reset, /__admin/withdrawals, /__admin/accounts, /__admin/rate-limits`
  })
}

/**
 * Answers an admin request (`body` undefined: it was over `ADMIN_MAX_BODY_BYTES`). Bad input gets
 * HTTP 400 with `{"error": message}`; a body over the cap 413; an unknown route 404; a wrong method 405.
 *
 * @since 0.1.0
 * @category admin
 */
export const handleAdmin = (
  exchange: Exchange,
  method: string,
  path: string,
  query: string,
  body: string | undefined
): MockResponse => {
  try {
    return route(exchange, method, path, new URLSearchParams(query), body)
  } catch (error) {
    if (error instanceof BadRequest) return json(400, { error: error.message })
    if (error instanceof TooLarge || error instanceof CapacityError) return json(413, { error: error.message })
    if (error instanceof URIError) return json(400, { error: "the withdrawal id is not valid percent-encoding" })
    if (error instanceof RangeError || error instanceof TypeError) return json(400, { error: error.message })
    throw error
  }
}
