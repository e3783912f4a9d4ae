/**
 * The rules of every input the client sends: withdrawal ids, the withdrawal records filters,
 * credentials and base URLs (Bybit V5 "Cancel Withdrawal", "Get Withdrawal Records", "Integration
 * Guidance"). A refusal names the field and the rule, never the value: a secret put in the wrong
 * field must not reach an error, a log or a span.
 *
 * @since 0.1.0
 */

/**
 * A refused input: the field it belongs to and the rule it breaks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Invalid {
  readonly _tag: "Invalid"
  readonly field: string
  readonly reason: string
}

/**
 * The outcome of a check: the value to send, or why it is refused.
 *
 * @since 0.1.0
 * @category models
 */
export type Checked<A> = { readonly _tag: "Valid"; readonly value: A } | Invalid

const valid = <A>(value: A): Checked<A> => ({ _tag: "Valid", value })
const invalid = (field: string, reason: string): Invalid => ({ _tag: "Invalid", field, reason })

/**
 * Why a string is not a withdrawal id (1 to 20 digits, no leading zero; Bybit's ids are numeric
 * strings such as `"10197"`), or `undefined` when it is one.
 *
 * @since 0.1.0
 * @category rules
 */
export const withdrawalIdProblem = (s: string): string | undefined => {
  if (/^(?:0|[1-9]\d{0,19})$/.test(s)) return undefined
  if (/^0\d/.test(s)) return "must not start with 0 (Bybit's ids are numbers: one id, one spelling)"
  if (s.length === 0) return "must not be empty"
  if (/\s/.test(s)) return "must not contain whitespace"
  if (s.length > 20) return `must be at most 20 digits (got ${s.length} characters)`
  return "must contain only digits 0-9"
}

const typeName = (u: unknown): string => {
  try {
    return u === null ? "null" : Array.isArray(u) ? "an array" : typeof u
  } catch {
    return "a revoked Proxy"
  }
}

/**
 * Reads the caller's input once: the own properties named in `keys`, onto an object without a
 * prototype (a polluted `Object.prototype` supplies nothing). Every look is inside the `try`: a
 * getter or a Proxy that throws is the caller's `Invalid`, never a defect.
 */
const readFields = (input: unknown, keys: ReadonlyArray<string>, what: string): Checked<Record<string, unknown>> => {
  if (typeof input !== "object" || input === null) return invalid(what, `expected an object, got ${typeName(input)}`)
  const out: Record<string, unknown> = Object.create(null)
  let field = what
  try {
    if (Array.isArray(input)) return invalid(what, "expected an object, got an array")
    for (const key of keys) {
      field = key
      if (!Object.hasOwn(input, key)) continue
      const value = (input as Record<string, unknown>)[key]
      if (value !== undefined) out[key] = value
    }
  } catch {
    return invalid(field, "could not be read (a getter or a Proxy threw)")
  }
  return valid(out)
}

const OPTION_KEYS = [
  "credentials",
  "environment",
  "baseUrl",
  "recvWindow",
  "timeout",
  "retry",
  "maxRateLimitWait",
  "timeSync",
  "maxResponseBytes",
  "pacing",
  "transformClient"
]
const CREDENTIAL_KEYS = ["_tag", "apiKey", "apiSecret", "rsaPrivateKey"]

/**
 * Reads a client's options and their `credentials` once, into plain objects, so that later checks
 * read data and never the caller's getters. Not an object, or a getter or a Proxy that throws:
 * `Invalid`, `field` the dotted path of the option being read (`"options"`, `"timeout"`,
 * `"credentials.apiKey"`). Both client lines turn it into a `ConfigError` at that path.
 *
 * @since 0.1.0
 * @category rules
 */
export const readOptions = (options: unknown): Checked<Record<string, unknown>> => {
  let field = "options"
  const copy = (from: object, keys: ReadonlyArray<string>, parent: string) => {
    const out: Record<string, unknown> = {}
    for (const key of keys) {
      field = parent + key
      out[key] = (from as Record<string, unknown>)[key]
    }
    return out
  }
  if (typeof options !== "object" || options === null) {
    return invalid(field, "expected an object of options (credentials are required)")
  }
  try {
    const read = copy(options, OPTION_KEYS, "")
    if (typeof read.credentials === "object" && read.credentials !== null) {
      read.credentials = copy(read.credentials, CREDENTIAL_KEYS, "credentials.")
    }
    return valid(read)
  } catch {
    return invalid(field, "could not be read (a getter or a Proxy threw)")
  }
}

/**
 * Checks the input of a cancel: `{ id }`, a withdrawal id.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkCancelInput = (input: unknown): Checked<string> => {
  const read = readFields(input, ["id"], "input")
  if (read._tag === "Invalid") return read
  const checked = idRule(read.value.id)
  return typeof checked === "string" ? invalid("id", checked) : valid(checked.send as string)
}

/**
 * Why a string cannot be sent as `cursor`, or `undefined`: the rule of the caller's cursor and of
 * the server's `nextPageCursor`, which the next page sends back. Bybit documents no bound.
 *
 * @since 0.1.0
 * @category rules
 */
export const cursorProblem = (s: string): string | undefined => textProblem(s, 512)

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A free-text query value: non-empty, no surrounding whitespace, well-formed UTF-16, bounded. */
const textProblem = (s: string, max: number): string | undefined => {
  if (s.length === 0) return "must not be empty"
  if (s.length > max) return `must be at most ${max} characters (got ${s.length})`
  if (/^\s|\s$/.test(s)) return "must not start or end with whitespace"
  // A lone surrogate cannot be percent-encoded into the query (`encodeURIComponent` throws).
  if (LONE_SURROGATE.test(s)) return "must be well-formed text (it holds a lone UTF-16 surrogate)"
  return undefined
}

/**
 * The filters of `GET /v5/asset/withdraw/query-record`, as the caller gives them. All optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListQuery {
  readonly withdrawID?: string | undefined
  readonly txID?: string | undefined
  /** A coin, e.g. `USDT` (lower case is upper-cased). */
  readonly coin?: string | undefined
  /** 0 on-chain (Bybit's default), 1 off-chain, 2 all. */
  readonly withdrawType?: 0 | 1 | 2 | undefined
  /** ms since the epoch. */
  readonly startTime?: number | undefined
  /** ms since the epoch. */
  readonly endTime?: number | undefined
  /** 1..50; Bybit's default is 50. */
  readonly limit?: number | undefined
  readonly cursor?: string | undefined
}

/**
 * The most `endTime - startTime` may span: 30 days (Get Withdrawal Records).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_LIST_SPAN_MS = 30 * 24 * 60 * 60 * 1000

/** A rule of one field: the value to send, or why it is refused. */
type Rule = (value: unknown) => { readonly send: string | number } | string

const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

const stringRule =
  (problem: (s: string) => string | undefined, expected = "a string"): Rule =>
  (v) =>
    typeof v !== "string" ? `expected ${expected}, got ${typeName(v)}` : (problem(v) ?? { send: v })

const idRule = stringRule(withdrawalIdProblem, "a string of digits")

const timeRule: Rule = (v) =>
  isInt(v) && v >= 0 ? { send: v } : "must be a non-negative integer of ms since the epoch"

/** Each filter's rule, in the order the query is sent. */
const LIST_RULES: Record<keyof ListQuery, Rule> = {
  withdrawID: idRule,
  txID: stringRule((s) => textProblem(s, 128)),
  coin: (v) => {
    if (typeof v !== "string") return `expected a string, got ${typeName(v)}`
    // Only a-z is upper-cased (`usdt` finds `USDT`): `toUpperCase` turns some other letters into
    // ASCII ones ("ß" to "SS", "ſ" to "S"), which would query a coin the caller did not write.
    const coin = v.replace(/[a-z]+/g, (letters) => letters.toUpperCase())
    return /^[A-Z0-9]{1,20}$/.test(coin)
      ? { send: coin }
      : "must be 1 to 20 upper-case letters or digits, as Bybit names coins (e.g. USDT)"
  },
  withdrawType: (v) => (v === 0 || v === 1 || v === 2 ? { send: v } : "must be 0 (on-chain), 1 (off-chain) or 2 (all)"),
  startTime: timeRule,
  endTime: timeRule,
  limit: (v) => (isInt(v) && v >= 1 && v <= 50 ? { send: v } : "must be an integer from 1 to 50"),
  cursor: stringRule(cursorProblem)
}

const LIST_KEYS = Object.keys(LIST_RULES) as ReadonlyArray<keyof ListQuery>

/**
 * Checks the filters of a withdrawal records query; returns the query to send, in a fixed key
 * order, with the coin upper-cased. A key that is not a filter is refused by name: a misspelt
 * `withdrawId` must not silently list every withdrawal.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkListQuery = (input: unknown = {}): Checked<Record<string, string | number>> => {
  const read = readFields(input, LIST_KEYS, "query")
  if (read._tag === "Invalid") return read
  let unknown: string | undefined
  try {
    unknown = Object.keys(input as object).find((key) => !(LIST_KEYS as ReadonlyArray<string>).includes(key))
  } catch {
    return invalid("query", "could not be read (a getter or a Proxy threw)")
  }
  if (unknown !== undefined) return invalid(unknown, `is not a filter (expected one of ${LIST_KEYS.join(", ")})`)
  const out: Record<string, string | number> = {}
  for (const key of LIST_KEYS) {
    if (read.value[key] === undefined) continue
    const checked = LIST_RULES[key](read.value[key])
    if (typeof checked === "string") return invalid(key, checked)
    out[key] = checked.send
  }
  const { startTime, endTime } = out
  if (typeof startTime === "number" && typeof endTime === "number") {
    if (startTime > endTime) return invalid("startTime", "must not be after endTime")
    if (endTime - startTime > MAX_LIST_SPAN_MS) return invalid("endTime", "must be at most 30 days after startTime")
  }
  return valid(out)
}

/**
 * Why a value cannot be an API key or HMAC secret (Bybit's are letters, digits, `_` and `-`), or
 * `undefined`. It catches what a paste or a shell adds (quotes, `$NAME`, a line break, look-alike
 * letters); the reason gives the code point and position, never the value.
 *
 * @since 0.1.0
 * @category rules
 */
export const credentialProblem = (s: unknown): string | undefined => {
  if (typeof s !== "string") return `expected a string, got ${typeName(s)}`
  if (s.length === 0) return "must not be empty"
  if (s.length > 256) return `must be at most 256 characters (got ${s.length})`
  const bad = /[^A-Za-z0-9_-]/u.exec(s)
  if (bad === null) return undefined
  const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
  return `may hold only letters, digits, _ and - (U+${code} at position ${bad.index + 1} of ${s.length}): check for quotes, spaces or a pasted line break`
}

const LOOPBACK = /^(?:localhost|\[::1\]|127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})$/

/**
 * Checks a base URL: `https` (`http` only on loopback), no credentials, query or fragment, and read
 * by the URL parser as written but for case and a trailing slash (a fullwidth host character, a
 * backslash or dot segments would send the key elsewhere than the reader sees). Returns it without
 * the trailing slash.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkBaseUrl = (input: string): Checked<string> => {
  const field = "baseUrl"
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  const unseen = /[\u0000-\u0020\u007f-\u00a0\u2028\u2029]/.exec(input)
  if (unseen !== null) {
    return invalid(field, `contains whitespace or a control character (at position ${unseen.index + 1}): remove it`)
  }
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return invalid(field, "is not an absolute URL (expected e.g. https://api.bybit.com)")
  }
  if (url.username !== "" || url.password !== "") return invalid(field, "must not contain credentials")
  if (url.search !== "" || url.hash !== "") return invalid(field, "must not contain a query or a fragment")
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    return invalid(field, "must use https (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1])")
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return invalid(field, `must use https, not ${url.protocol.slice(0, -1)}`)
  }
  const read = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "")
  if (read.toLowerCase() !== input.replace(/\/+$/, "").toLowerCase()) {
    return invalid(field, `is read by the URL parser as ${read}, not as written: write it that way`)
  }
  return valid(read)
}
