/**
 * The message of every error of the client lines, from its tag and fields: what happened, the
 * codes the exchange gave, and what to do. Both lines put it on their error classes.
 *
 * @since 0.1.0
 */

/**
 * The fields a message is made of (each error class has some of them).
 *
 * @since 0.1.0
 * @category models
 */
export interface Fields {
  readonly _tag: string
  readonly retCode?: number | undefined
  readonly retMsg?: string | undefined
  readonly httpStatus?: number | undefined
  readonly id?: string | undefined
  readonly path?: string | undefined
  readonly status?: string | undefined
  readonly reason?: string | undefined
  readonly field?: string | undefined
  readonly detail?: string | undefined
  readonly resetAt?: number | undefined
  readonly location?: string | undefined
}

const codeOf = (e: Fields): string =>
  e.retCode !== undefined
    ? ` (retCode ${e.retCode}${e.httpStatus !== undefined && e.httpStatus !== 200 ? `, HTTP ${e.httpStatus}` : ""})`
    : e.httpStatus !== undefined
      ? ` (HTTP ${e.httpStatus})`
      : ""

const said = (e: Fields): string => (e.retMsg ? `: "${e.retMsg}"` : "")

/** What the exchange answered: the codes, then its text. */
const answered = (e: Fields): string => `${codeOf(e)}${said(e)}`

/** An ISO date, or the number itself when it is not a date (`toISOString` would throw). */
const isoOf = (millis: number): string =>
  Number.isNaN(new Date(millis).getTime()) ? `${millis} ms` : new Date(millis).toISOString()

const rateLimit = (e: Fields): string => {
  const when = e.resetAt !== undefined ? ` The limit resets at ${isoOf(e.resetAt)}.` : ""
  const limit = `Bybit's rate limit for ${e.path ?? "this endpoint"}`
  if (e.detail !== undefined) return `${limit} would be exceeded; ${e.detail}.${when}`
  if (e.httpStatus === 403) {
    return `Bybit banned this IP for sending requests too often${answered(e)}.${when} The ban lasts at least 10 minutes; it is not retried. Send fewer requests from this IP.`
  }
  if (e.retCode === undefined && e.httpStatus === 429) {
    return `Bybit's system protection refused the request${answered(e)}.${when} Slow down.`
  }
  return `${limit} was exceeded${answered(e)}.${when} Slow down.`
}

const messages: Record<string, (e: Fields) => string> = {
  AuthenticationFailed: (e) =>
    `Bybit refused the API key or its signature${answered(e)}. Check that the key and secret belong to the environment you call (mainnet keys fail on testnet) and have not expired.`,
  PermissionDenied: (e) =>
    `Bybit denied the request${answered(e)}. Give the API key the "Withdrawal" permission and check its IP allow-list.`,
  TimestampOutsideWindow: (e) =>
    `Bybit rejected the request's timestamp as outside the receive window${answered(e)}. Enable time sync, fix the system clock, or widen recvWindow.`,
  RateLimitExceeded: rateLimit,
  InvalidRequest: (e) =>
    `Invalid request${e.field !== undefined ? ` field "${e.field}"` : ""}${codeOf(e)}: ${e.reason}`,
  WithdrawalNotFound: (e) =>
    `Withdrawal ${e.id} was not found${answered(e)}. Check the id and that the key belongs to the account that made it.`,
  WithdrawalNotCancellable: (e) =>
    `Withdrawal ${e.id} cannot be cancelled${e.status !== undefined ? ` (status ${e.status})` : ""}${answered(e)}. Only SecurityCheck and Pending withdrawals can be cancelled.`,
  CancelFailed: (e) =>
    `Bybit could not cancel withdrawal ${e.id} (result.status 0)${said(e)}. Check its status with Withdrawals.list before trying again.`,
  ExchangeUnavailable: (e) => `Bybit is unavailable or failed internally${answered(e)}. Try again later.`,
  TransportError: (e) =>
    `The request${e.path !== undefined ? ` to ${e.path}` : ""} ${e.reason === "Timeout" ? "got no complete response in time" : "failed on the network"}${e.detail !== undefined ? ` (${e.detail})` : ""}. Check connectivity to the Bybit host.`,
  UnreadableResponse: (e) =>
    `Bybit's response could not be read (${e.reason}${e.httpStatus !== undefined ? `, HTTP ${e.httpStatus}` : ""})${e.detail !== undefined ? `: ${e.detail}` : ""}.`,
  RedirectRefused: (e) =>
    `The server answered HTTP ${e.httpStatus ?? "3xx"}, a redirect${e.location !== undefined ? ` to ${e.location}` : ""}; the client never follows redirects. Check the base URL (scheme, host, path) and any proxy in between, and do not wrap the client's HttpClient with HttpClient.followRedirects.`,
  AccessForbidden: (e) =>
    `The request was refused with HTTP 403 by something other than Bybit's rate limit${said(e)}: a region Bybit does not serve, a firewall or proxy rule, or an IP allow-list. Check where the request comes from (region, VPN, proxy) and the API key's IP allow-list.`,
  UnknownApiError: (e) =>
    e.retCode === undefined
      ? `The server answered HTTP ${e.httpStatus ?? "?"} without a Bybit answer in the body. Check the base URL (a wrong path or host) and any proxy in between.`
      : `Bybit answered with an error this client does not know${answered(e)}. See Bybit's error code table.`,
  CancelOutcomeUnknown: (e) =>
    `The cancel of withdrawal ${e.id} may or may not have happened (${e.detail}). Check it with Withdrawals.list({ withdrawID: "${e.id}" }) or in Bybit's withdrawal history before cancelling again.`
}

/**
 * The message of an error of the client lines, by its `_tag`.
 *
 * @since 0.1.0
 * @category messages
 */
export const messageOf = (error: Fields): string => messages[error._tag]?.(error) ?? error._tag

const RETRYABLE = new Set(["TransportError", "ExchangeUnavailable", "RateLimitExceeded", "TimestampOutsideWindow"])

/**
 * The tags of the errors the retry policy may retry (transport, outage, rate limit, time window).
 *
 * @since 0.1.0
 * @category retry
 */
export const isRetryableTag = (tag: string): boolean => RETRYABLE.has(tag)
