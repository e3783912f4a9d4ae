/**
 * The data the mock exchange holds and reports: accounts, withdrawals, recorded requests, faults.
 *
 * @since 0.1.0
 */

/**
 * A withdrawal status, as Bybit spells it in `GET /v5/asset/withdraw/query-record`.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalStatus =
  | "SecurityCheck"
  | "Pending"
  | "success"
  | "CancelByUser"
  | "Reject"
  | "Fail"
  | "BlockchainConfirmed"
  | "MoreInformationRequired"
  | "Unknown"

/**
 * Every withdrawal status, in Bybit's documentation order.
 *
 * @since 0.1.0
 * @category models
 */
export const WITHDRAWAL_STATUSES: ReadonlyArray<WithdrawalStatus> = [
  "SecurityCheck",
  "Pending",
  "success",
  "CancelByUser",
  "Reject",
  "Fail",
  "BlockchainConfirmed",
  "MoreInformationRequired",
  "Unknown"
]

/**
 * The statuses the mock lets a user cancel (the withdrawal has not left the exchange).
 *
 * @since 0.1.0
 * @category models
 */
export const CANCELLABLE_STATUSES: ReadonlyArray<WithdrawalStatus> = ["SecurityCheck", "Pending"]

/**
 * An API key of the mock exchange: HMAC (`secret`) or RSA (`rsaPublicKeyPem`), exactly one of them.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockAccount {
  /** The Bybit UID the key belongs to; several keys may share a UID (and its withdrawals and rate limits). */
  readonly uid: string
  readonly apiKey: string
  /** The secret of a system-generated key: requests are signed with HMAC-SHA256. */
  readonly secret?: string
  /** The registered public key of a self-generated key: requests are signed with RSA-SHA256. */
  readonly rsaPublicKeyPem?: string
  readonly permissions: { readonly withdraw: boolean }
  /** The IPs the key is bound to; absent means any IP. */
  readonly ips?: ReadonlyArray<string>
}

/**
 * A withdrawal held by the mock exchange. Times are milliseconds since the epoch.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockWithdrawal {
  readonly withdrawId: string
  /** The UID that owns it. */
  readonly uid: string
  readonly coin: string
  readonly chain: string
  readonly amount: string
  readonly withdrawFee: string
  readonly status: WithdrawalStatus
  readonly toAddress: string
  readonly tag: string
  readonly txID: string
  readonly createTime: number
  readonly updateTime: number
  /** 0 on-chain, 1 off-chain (internal transfer). */
  readonly withdrawType: 0 | 1
}

/**
 * A request the mock exchange received, with what it answered.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The URL path, e.g. `/v5/asset/withdraw/cancel`, cut to its first 4,096 characters. */
  readonly path: string
  /** The raw query string, without `?` (`""` when there is none), cut to its first 4,096 characters. */
  readonly query: string
  /** The query string's full length in characters, as received. */
  readonly queryLength: number
  /** The raw body (`""` when there is none, or when over the body cap), cut to its first 4,096 characters. */
  readonly body: string
  /** The body's full size in bytes, as received. */
  readonly bodyBytes: number
  /** The `X-BAPI-API-KEY` header, when sent, cut to its first 256 characters. */
  readonly apiKey: string | undefined
  /**
   * The request headers, names in lower case; credentials (`x-bapi-sign`, `authorization`,
   * `cookie`, `proxy-authorization`) read `"[redacted]"`. At most 32, values cut to 256 characters.
   */
  readonly headers: Readonly<Record<string, string>>
  /** The answer's body, cut to its first 4,096 characters (`""` for a network failure). */
  readonly responseBody: string
  /** The envelope's `retCode`; `undefined` when the answer was no envelope (HTML, text, network failure). */
  readonly retCode: number | undefined
  /** The HTTP status sent; `0` when the client got a network failure instead of a response. */
  readonly httpStatus: number
  /** The injected fault that shaped the answer, if any. */
  readonly fault: Fault["_tag"] | undefined
  /** The mock clock when the request arrived. */
  readonly time: number
}

/**
 * Which journal entries `requests(filter)` and `GET /__admin/requests` return: all given fields must match.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestFilter {
  readonly path?: string
  readonly method?: string
  /** `null` matches entries without a retCode (no envelope was sent). */
  readonly retCode?: number | null
}

/**
 * A scripted failure, injected with `exchange.faults.inject`.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  /** 5xx (default 502) with an HTML body, like a gateway error page; state untouched. */
  | { readonly _tag: "ServerErrorHtml"; readonly status?: number }
  /** HTTP 403 "access too frequent" (the per-IP rate limit); state untouched. */
  | { readonly _tag: "IpBanned" }
  /** HTTP 429 (system-level frequency protection); state untouched. */
  | { readonly _tag: "TooManyRequests" }
  /** HTTP 200 with a body that is not JSON; state untouched. */
  | { readonly _tag: "NotJson" }
  /** HTTP 200 with the real answer's JSON cut off mid-way; the request IS handled (state may change). */
  | { readonly _tag: "TruncatedBody" }
  /** HTTP 200 with an envelope missing `retCode` and `result`; state untouched. */
  | { readonly _tag: "MissingFields" }
  /** A real delay of `ms`, then the request is handled normally. */
  | { readonly _tag: "Latency"; readonly ms: number }
  /** A network failure (`HttpResponse.error()`); state untouched. */
  | { readonly _tag: "DropConnection" }
  /** The request is handled (state changes), then the response is lost (`HttpResponse.error()`). */
  | { readonly _tag: "LoseResponse" }
  /** HTTP 200, `retCode 0` with `result.status 0`: the exchange says the cancel failed; state untouched. */
  | { readonly _tag: "CancelStatusZero" }
  /**
   * HTTP 200 with a Bybit error envelope, e.g. 10000, 10016, 131230; state untouched. `result` and
   * `retExtInfo` default to `{}`; `null` sends them as some captured answers have them (10020, 5004).
   */
  | {
      readonly _tag: "RetCode"
      readonly retCode: number
      readonly retMsg?: string
      readonly result?: object | null
      readonly retExtInfo?: object | null
    }

/**
 * Where and how often an injected fault applies.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultOptions {
  /** How many matching requests it applies to; default 1. */
  readonly times?: number
  /**
   * Only requests to this exact path, e.g. `/v5/asset/withdraw/cancel` (public routes included).
   * Default: the private (signed) routes only, so a client's clock sync (`GET /v5/market/time`)
   * never takes a fault meant for the call under test.
   */
  readonly path?: string
  /** Only requests with this method (`GET`, `POST`); default any. */
  readonly method?: string
  /**
   * Only requests where each of these names has this value, as a query parameter or as a top-level
   * field of the JSON body (compared as strings), e.g. `{ id: "10197" }` for one withdrawal's cancel.
   */
  readonly match?: Readonly<Record<string, string>>
}

/**
 * A pending fault, as `faults.list()` and `GET /__admin/faults` show it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PendingFault {
  /** Its number, for `faults.remove(id)` and `DELETE /__admin/faults/{id}`; never reused by an exchange. */
  readonly id: number
  readonly fault: Fault
  /** How many more matching requests it applies to. */
  readonly times: number
  readonly path: string | undefined
  readonly method: string | undefined
  readonly match: Readonly<Record<string, string>> | undefined
}

/**
 * The mock exchange's clock: frozen (`now` option) or following `Date.now()`, plus any offset.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockClock {
  /** The exchange's current time in ms. */
  readonly now: () => number
  /** Moves the clock to `ms` (a following clock keeps ticking from there). */
  readonly set: (ms: number) => void
  /** Moves the clock forward by `ms` (backward when negative). */
  readonly advance: (ms: number) => void
  /** Stops the clock where it is (the exchange's own clock has it; a clock of your own may not). */
  readonly freeze?: () => void
  /** Lets a frozen clock tick on from where it stands. */
  readonly unfreeze?: () => void
  /** Whether the clock is frozen. */
  readonly frozen?: () => boolean
}

/**
 * A per-UID, per-endpoint rate limit: at most `limit` requests per `windowMs`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitRule {
  readonly limit: number
  readonly windowMs: number
}

/**
 * The rate-limited private endpoints.
 *
 * @since 0.1.0
 * @category models
 */
export type PrivateEndpoint = "cancel" | "create" | "query" | "coinInfo"

/**
 * Reads a request header by name (any case); `null` or `undefined` when absent. A WHATWG `Headers`
 * is one; adapters over other header shapes wrap them.
 *
 * @since 0.1.0
 * @category models
 */
export interface HeaderReader {
  readonly get: (name: string) => string | null | undefined
  /** Every header, for the journal; without it the journal records none. A WHATWG `Headers` has it. */
  readonly forEach?: (callback: (value: string, name: string) => void) => void
}

/**
 * A request as the core sees it: exactly what came over the wire, nothing re-encoded.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockRequest {
  readonly method: string
  /** The URL path as received, e.g. `/v5/asset/withdraw/cancel`. */
  readonly path: string
  /** The raw query string as received, without `?` (`""` when none): a GET is verified against it byte for byte. */
  readonly query: string
  readonly headers: HeaderReader
  /** The raw body (bytes or already-decoded UTF-8 text); empty when over the cap (see `bodyBytes`). */
  readonly body: Uint8Array | string
  /**
   * The body's size in bytes when the adapter stopped keeping it (over `maxBodyBytes`); default the
   * size of `body`.
   */
  readonly bodyBytes?: number | undefined
}

/**
 * An HTTP response to send.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockResponse {
  readonly _tag: "Response"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A network failure to simulate: send nothing (reset the connection).
 *
 * @since 0.1.0
 * @category models
 */
export interface MockNetworkError {
  readonly _tag: "NetworkError"
}

/**
 * A `Latency` fault: wait `ms` (with the adapter's own timer), then call `resume` for the answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockDelay {
  readonly _tag: "Delay"
  readonly ms: number
  readonly resume: () => MockResponse | MockNetworkError
}

/**
 * What the core answers to a request.
 *
 * @since 0.1.0
 * @category models
 */
export type MockAnswer = MockResponse | MockNetworkError | MockDelay
