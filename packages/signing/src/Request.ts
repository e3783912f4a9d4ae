/**
 * Signing a whole request: the payload that is signed is serialized here and returned with the
 * headers, so the bytes sent are always the bytes signed.
 *
 * @since 0.1.0
 */
import { signaturePayload } from "./Signature.js"
import type { Signer } from "./Signer.js"

/**
 * The four V5 authentication headers.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthHeaders {
  readonly "X-BAPI-API-KEY": string
  readonly "X-BAPI-TIMESTAMP": string
  readonly "X-BAPI-SIGN": string
  readonly "X-BAPI-RECV-WINDOW": string
}

/**
 * Query parameters of a GET request, serialized in the order given; `undefined` values are left out.
 *
 * @since 0.1.0
 * @category models
 */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>

/**
 * What `signRequest` needs besides the payload.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignRequestBase {
  readonly signer: Signer
  readonly apiKey: string
  /** Milliseconds since the epoch (the caller's clock, corrected for the server's offset). */
  readonly timestamp: number
  /** Receive window in milliseconds; Bybit's default is 5000. */
  readonly recvWindow: number
}

/**
 * A POST request: `body` is serialized with `JSON.stringify`; a string is taken as already
 * serialized JSON and signed as is.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignPostInput extends SignRequestBase {
  readonly method: "POST"
  readonly body: unknown
}

/**
 * A GET request: `query` is serialized as `k=v&...` (percent-encoded); a string is taken as an
 * already serialized query string (without `?`) and signed as is.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignGetInput extends SignRequestBase {
  readonly method: "GET"
  readonly query?: QueryParams | string | undefined
}

/**
 * A signed POST: send `body` exactly as returned, with `headers`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignedPost {
  readonly method: "POST"
  readonly body: string
  readonly headers: AuthHeaders
}

/**
 * A signed GET: send `?${queryString}` exactly as returned (nothing when empty), with `headers`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignedGet {
  readonly method: "GET"
  readonly queryString: string
  readonly headers: AuthHeaders
}

/**
 * Serializes query parameters the way they are sent: own keys in property order (insertion order;
 * JavaScript puts integer-like keys first), `encodeURIComponent` on keys and values, `undefined`
 * left out.
 *
 * @since 0.1.0
 * @category signing
 */
export const serializeQuery = (query: QueryParams): string => {
  let out = ""
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (value === undefined) continue
    if (out !== "") out += "&"
    out += `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
  }
  return out
}

const serializeBody = (body: unknown): string => {
  if (typeof body === "string") return body
  const json = JSON.stringify(body)
  if (json === undefined) throw new TypeError("the request body cannot be serialized to JSON")
  return json
}

const assertHeaderValues = (input: SignRequestBase): void => {
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new RangeError("timestamp must be a non-negative integer of milliseconds")
  }
  if (!Number.isSafeInteger(input.recvWindow) || input.recvWindow <= 0) {
    throw new RangeError("recvWindow must be a positive integer of milliseconds")
  }
}

/**
 * Signs a request in Bybit's V5 scheme and returns the payload to send with the four `X-BAPI-*`
 * headers. Add `Content-Type: application/json` to a POST.
 *
 * @throws RangeError for a timestamp or receive window that is not a valid integer.
 * @example
 * ```ts
 * const signed = signRequest({
 *   method: "POST", signer: hmacSigner(secret), apiKey, timestamp: Date.now(), recvWindow: 5000,
 *   body: { id: "10197" }
 * })
 * fetch(url, { method: "POST", body: signed.body, headers: { ...signed.headers, "Content-Type": "application/json" } })
 * ```
 * @since 0.1.0
 * @category signing
 */
export function signRequest(input: SignPostInput): SignedPost
/**
 * Signs a GET request in Bybit's V5 scheme and returns the query string to send with the four `X-BAPI-*` headers.
 *
 * @throws RangeError for a timestamp or receive window that is not a valid integer.
 * @since 0.1.0
 * @category signing
 */
export function signRequest(input: SignGetInput): SignedGet
/**
 * Signs a POST or GET request in Bybit's V5 scheme and returns the payload to send with the four `X-BAPI-*` headers.
 *
 * @throws RangeError for a timestamp or receive window that is not a valid integer.
 * @since 0.1.0
 * @category signing
 */
export function signRequest(input: SignPostInput | SignGetInput): SignedPost | SignedGet
export function signRequest(input: SignPostInput | SignGetInput): SignedPost | SignedGet {
  assertHeaderValues(input)
  const payload =
    input.method === "POST"
      ? serializeBody(input.body)
      : typeof input.query === "string"
        ? input.query
        : input.query === undefined
          ? ""
          : serializeQuery(input.query)
  const timestamp = String(input.timestamp)
  const recvWindow = String(input.recvWindow)
  const headers: AuthHeaders = {
    "X-BAPI-API-KEY": input.apiKey,
    "X-BAPI-TIMESTAMP": timestamp,
    "X-BAPI-SIGN": input.signer.sign(signaturePayload({ timestamp, apiKey: input.apiKey, recvWindow, payload })),
    "X-BAPI-RECV-WINDOW": recvWindow
  }
  return input.method === "POST"
    ? { method: "POST", body: payload, headers }
    : { method: "GET", queryString: payload, headers }
}
