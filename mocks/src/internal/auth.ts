/** Steps 1-3 of a private request: auth headers, time window, signature. */
import { hmacVerifier, rsaVerifier, signaturePayload, type Verifier } from "@effect-bybit/signing"
import type { HeaderReader, MockAccount } from "../models.js"
import { Codes, Messages } from "./codes.js"

/**
 * An account with its signature verifier, built once.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccountEntry {
  readonly account: MockAccount
  readonly verifier: Verifier
}

/**
 * Builds the verifier of an account (HMAC or RSA), refusing both or neither key kind.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAccountEntry = (account: MockAccount): AccountEntry => {
  const hasSecret = account.secret !== undefined
  const hasRsa = account.rsaPublicKeyPem !== undefined
  if (hasSecret === hasRsa) {
    throw new TypeError(`mock account ${account.apiKey}: give exactly one of secret (HMAC) or rsaPublicKeyPem (RSA)`)
  }
  return {
    account,
    verifier:
      account.rsaPublicKeyPem !== undefined ? rsaVerifier(account.rsaPublicKeyPem) : hmacVerifier(account.secret!)
  }
}

/**
 * The receive window used when `X-BAPI-RECV-WINDOW` is absent.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_RECV_WINDOW = 5000

/**
 * How far ahead of the server a timestamp may be (exclusive).
 *
 * @since 0.1.0
 * @category constants
 */
export const FUTURE_TOLERANCE_MS = 1000

/**
 * What the auth steps need from a request.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthRequest {
  readonly headers: HeaderReader
  /** The raw body (POST) or raw query string (GET) that was signed. */
  readonly payload: string
  readonly now: number
  readonly clientIp: string
  readonly requireWithdraw: boolean
}

/**
 * The authenticated account, or the rejection to answer with.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthResult =
  | { readonly _tag: "Ok"; readonly entry: AccountEntry }
  | {
      readonly _tag: "Rejected"
      readonly status: number
      readonly retCode: number
      readonly retMsg: string
      /** Known when the key was recognised, so the rate-limit headers can be sent. */
      readonly entry: AccountEntry | undefined
    }

const DIGITS = /^\d{1,16}$/

const rejected = (status: number, retCode: number, retMsg: string, entry?: AccountEntry): AuthResult => ({
  _tag: "Rejected",
  status,
  retCode,
  retMsg,
  entry
})

/**
 * Steps 1-3 of a private request: auth headers, time window, signature.
 *
 * @since 0.1.0
 * @category auth
 */
export const authenticate = (accounts: ReadonlyMap<string, AccountEntry>, req: AuthRequest): AuthResult => {
  // 1. Auth headers.
  const apiKey = req.headers.get("x-bapi-api-key") ?? null
  const timestamp = req.headers.get("x-bapi-timestamp") ?? null
  const sign = req.headers.get("x-bapi-sign") ?? null
  const recvWindowHeader = req.headers.get("x-bapi-recv-window") ?? null
  if (!apiKey || !timestamp || !sign) {
    return rejected(
      401,
      Codes.paramError,
      `empty value: apiTimestamp[${timestamp ?? ""}] apiKey[${apiKey ?? ""}] apiSignature[${sign ?? ""}]`
    )
  }
  if (!DIGITS.test(timestamp)) {
    return rejected(401, Codes.paramError, `invalid X-BAPI-TIMESTAMP: ${timestamp}`)
  }
  const recvWindow = recvWindowHeader === null ? String(DEFAULT_RECV_WINDOW) : recvWindowHeader
  if (!DIGITS.test(recvWindow) || Number(recvWindow) <= 0) {
    return rejected(401, Codes.paramError, `invalid X-BAPI-RECV-WINDOW: ${recvWindow}`)
  }
  const entry = accounts.get(apiKey)
  if (entry === undefined) return rejected(200, Codes.invalidKey, Messages.invalidKey)
  const { account } = entry
  if (account.ips !== undefined && !account.ips.includes(req.clientIp)) {
    return rejected(200, Codes.unmatchedIp, Messages.unmatchedIp, entry)
  }
  if (req.requireWithdraw && !account.permissions.withdraw) {
    return rejected(200, Codes.permissionDenied, Messages.permissionDenied, entry)
  }
  // 2. Time window: server_time - recv_window <= timestamp < server_time + 1000.
  const ts = Number(timestamp)
  const window = Number(recvWindow)
  if (!(req.now - window <= ts && ts < req.now + FUTURE_TOLERANCE_MS)) {
    return rejected(
      200,
      Codes.timeWindow,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${req.now}],recv_window[${window}]`,
      entry
    )
  }
  // 3. Signature, over the header strings exactly as received (a sent recv window is signed as sent).
  const origin = signaturePayload({
    timestamp,
    apiKey,
    recvWindow: recvWindowHeader ?? "",
    payload: req.payload
  })
  if (!entry.verifier.verify(origin, sign)) {
    return rejected(200, Codes.signError, `error sign! origin_string[${origin}]`, entry)
  }
  return { _tag: "Ok", entry }
}
