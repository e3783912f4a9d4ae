/**
 * The rules of every input the client sends: withdrawal ids, the filters of the withdrawal records
 * query, coins, credentials and base URLs. Each rule is written once, here, and returns why a value
 * is refused (naming the rule, never quoting the value: a secret put in the wrong field must not
 * reach an error, a log or a span), or the value to send.
 *
 * Sources: Bybit V5 "Cancel Withdrawal" (`id`, string), "Get Withdrawal Records" (query
 * parameters), "Integration Guidance" (authentication headers, hosts).
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
 * A checked input.
 *
 * @since 0.1.0
 * @category models
 */
export interface Valid<A> {
  readonly _tag: "Valid"
  readonly value: A
}

/**
 * The outcome of a check.
 *
 * @since 0.1.0
 * @category models
 */
export type Checked<A> = Valid<A> | Invalid

const valid = <A>(value: A): Valid<A> => ({ _tag: "Valid", value })
const invalid = (field: string, reason: string): Invalid => ({ _tag: "Invalid", field, reason })

/**
 * The most digits of a withdrawal id (Bybit's ids are numeric strings such as `"10197"`).
 *
 * @since 0.1.0
 * @category constants
 */
export const WITHDRAWAL_ID_MAX_DIGITS = 20

/**
 * Why a string is not a withdrawal id (1 to 20 digits, no leading zero), or `undefined` when it is
 * one.
 *
 * @since 0.1.0
 * @category rules
 */
export const withdrawalIdProblem = (s: string): string | undefined => {
  if (/^(?:0|[1-9]\d{0,19})$/.test(s)) return undefined
  if (/^0\d/.test(s)) return "must not start with 0 (Bybit's ids are numbers: one id, one spelling)"
  if (s.length === 0) return "must not be empty"
  if (/\s/.test(s)) return "must not contain whitespace"
  if (s.length > WITHDRAWAL_ID_MAX_DIGITS) {
    return `must be at most ${WITHDRAWAL_ID_MAX_DIGITS} digits (got ${s.length} characters)`
  }
  return "must contain only digits 0-9"
}

const typeName = (u: unknown): string => {
  if (u === null) return "null"
  try {
    return Array.isArray(u) ? "an array" : typeof u
  } catch {
    return "a revoked Proxy"
  }
}

/**
 * Reads the caller's input once: own enumerable-or-not properties named in `keys`, inside a `try`
 * (a getter that throws is the caller's `InvalidRequest`, never a defect).
 */
const readFields = (input: unknown, keys: ReadonlyArray<string>, what: string): Checked<Record<string, unknown>> => {
  if (typeof input !== "object" || input === null) {
    return invalid(what, `expected an object, got ${typeName(input)}`)
  }
  // No prototype: a polluted `Object.prototype` cannot supply a key the caller did not give.
  const out: Record<string, unknown> = Object.create(null)
  let field = what
  // Every look at the input is inside the try: a Proxy can throw from any of them (a revoked one
  // from `Array.isArray` itself).
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

/**
 * Checks the input of a cancel: `{ id }`, a withdrawal id.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkCancelInput = (input: unknown): Checked<string> => {
  const read = readFields(input, ["id"], "input")
  if (read._tag === "Invalid") return read
  const id = read.value.id
  if (typeof id !== "string") return invalid("id", `expected a string of digits, got ${typeName(id)}`)
  const problem = withdrawalIdProblem(id)
  return problem === undefined ? valid(id) : invalid("id", problem)
}

/**
 * Why a string is not a coin as Bybit names them (upper-case letters and digits, 1 to 20), or
 * `undefined`. Lower case is not refused by `checkListQuery`: it is upper-cased there, so a filter
 * such as `usdt` matches Bybit's `USDT` instead of nothing.
 *
 * @since 0.1.0
 * @category rules
 */
export const coinProblem = (s: string): string | undefined =>
  /^[A-Z0-9]{1,20}$/.test(s)
    ? undefined
    : "must be 1 to 20 upper-case letters or digits, as Bybit names coins (e.g. USDT)"

/**
 * The longest cursor sent back. Bybit documents no bound (its cursors are short opaque tokens).
 *
 * @since 0.1.0
 * @category constants
 */
export const CURSOR_MAX_LENGTH = 512

/**
 * Why a string cannot be sent as `cursor`, or `undefined`. One rule for the caller's cursor and
 * the server's `nextPageCursor`, which the next page sends back.
 *
 * @since 0.1.0
 * @category rules
 */
export const cursorProblem = (s: string): string | undefined => textProblem(s, CURSOR_MAX_LENGTH)

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

const LIST_KEYS = ["withdrawID", "txID", "coin", "withdrawType", "startTime", "endTime", "limit", "cursor"] as const

/**
 * The most `endTime - startTime` may span: 30 days (Get Withdrawal Records).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_LIST_SPAN_MS = 30 * 24 * 60 * 60 * 1000

const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/**
 * Checks the filters of a withdrawal records query; returns the query to send, in a fixed key
 * order, with the coin upper-cased.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkListQuery = (input: unknown = {}): Checked<Record<string, string | number>> => {
  const read = readFields(input, LIST_KEYS, "query")
  if (read._tag === "Invalid") return read
  const q = read.value
  const out: Record<string, string | number> = {}
  for (const key of LIST_KEYS) {
    const value = q[key]
    if (value === undefined) continue
    switch (key) {
      case "withdrawID": {
        if (typeof value !== "string") return invalid(key, `expected a string of digits, got ${typeName(value)}`)
        const problem = withdrawalIdProblem(value)
        if (problem !== undefined) return invalid(key, problem)
        out[key] = value
        break
      }
      case "txID":
      case "cursor": {
        if (typeof value !== "string") return invalid(key, `expected a string, got ${typeName(value)}`)
        const problem = textProblem(value, key === "txID" ? 128 : CURSOR_MAX_LENGTH)
        if (problem !== undefined) return invalid(key, problem)
        out[key] = value
        break
      }
      case "coin": {
        if (typeof value !== "string") return invalid(key, `expected a string, got ${typeName(value)}`)
        // Only a-z is upper-cased: `toUpperCase` turns some other letters into ASCII ones ("ß" to
        // "SS", "ſ" to "S", "ﬀ" to "FF"), which would query a coin the caller did not write.
        const coin = value.replace(/[a-z]+/g, (letters) => letters.toUpperCase())
        const problem = coinProblem(coin)
        if (problem !== undefined) return invalid(key, problem)
        out[key] = coin
        break
      }
      case "withdrawType":
        if (value !== 0 && value !== 1 && value !== 2)
          return invalid(key, "must be 0 (on-chain), 1 (off-chain) or 2 (all)")
        out[key] = value
        break
      case "startTime":
      case "endTime":
        if (!isInt(value) || value < 0) return invalid(key, "must be a non-negative integer of ms since the epoch")
        out[key] = value
        break
      case "limit":
        if (!isInt(value) || value < 1 || value > 50) return invalid(key, "must be an integer from 1 to 50")
        out[key] = value
        break
    }
  }
  const { startTime, endTime } = out
  if (typeof startTime === "number" && typeof endTime === "number") {
    if (startTime > endTime) return invalid("startTime", "must not be after endTime")
    if (endTime - startTime > MAX_LIST_SPAN_MS) return invalid("endTime", "must be at most 30 days after startTime")
  }
  return valid(out)
}

/**
 * Why a string cannot be an API key or HMAC secret, or `undefined`: Bybit's keys and secrets are
 * letters, digits, `_` and `-`. One rule refuses what a paste or a shell adds (quotes, `$NAME`,
 * `NAME=`, a newline or a literal `\n`, invisible or look-alike letters); the reason gives the
 * code point and position, never the value.
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

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname)

/**
 * Checks a base URL: `https`, or `http` only on loopback (127.0.0.0/8, `localhost`, `[::1]`); no
 * credentials, query or fragment; and read by the URL parser as written (but for letter case and a
 * trailing slash: an invisible or fullwidth host character, a backslash or dot segments would send
 * the key elsewhere than the reader sees). Returns the URL without a trailing slash.
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
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      return invalid(field, "must use https (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1])")
    }
  } else if (url.protocol !== "https:") {
    return invalid(field, `must use https, not ${url.protocol.slice(0, -1)}`)
  }
  const read = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "")
  if (read.toLowerCase() !== input.replace(/\/+$/, "").toLowerCase()) {
    return invalid(field, `is read by the URL parser as ${read}, not as written: write it that way`)
  }
  return valid(read)
}
