/**
 * Bybit V5 signatures as plain functions: the string that is signed, HMAC-SHA256 and RSA-SHA256
 * over it, and their verification.
 *
 * @since 0.1.0
 */

import type { KeyObject } from "node:crypto"
import { createHmac, createPublicKey, sign, timingSafeEqual, verify } from "node:crypto"

/**
 * What goes into a V5 signature.
 *
 * `timestamp` and `recvWindow` are taken as they appear in the headers: a verifier passes the
 * raw header strings, a signer may pass numbers.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignaturePayloadInput {
  /** Milliseconds since the epoch, as sent in `X-BAPI-TIMESTAMP`. */
  readonly timestamp: number | string
  /** The API key, as sent in `X-BAPI-API-KEY`. */
  readonly apiKey: string
  /** The receive window in milliseconds, as sent in `X-BAPI-RECV-WINDOW`. */
  readonly recvWindow: number | string
  /** The raw JSON body (POST) or the raw query string without `?` (GET), exactly as sent. */
  readonly payload: string
}

/**
 * The exact string Bybit signs: `timestamp + apiKey + recvWindow + payload`.
 *
 * @example
 * ```ts
 * signaturePayload({ timestamp: 1672197227732, apiKey: "key", recvWindow: 5000, payload: '{"id":"10197"}' })
 * // '1672197227732key5000{"id":"10197"}'
 * ```
 * @since 0.1.0
 * @category signing
 */
export const signaturePayload = (input: SignaturePayloadInput): string =>
  `${input.timestamp}${input.apiKey}${input.recvWindow}${input.payload}`

/**
 * HMAC-SHA256 of `message` keyed with `secret`, as lowercase hex (64 characters): the signature of
 * system-generated API keys.
 *
 * @since 0.1.0
 * @category signing
 */
export const signHmacSha256 = (secret: string | KeyObject, message: string): string =>
  createHmac("sha256", secret).update(message, "utf8").digest("hex")

/**
 * RSA-SHA256 (PKCS#1 v1.5) of `message` with a private key, as base64: the signature of
 * self-generated API keys. Accepts a PKCS#8 or PKCS#1 PEM string or a parsed key.
 *
 * @since 0.1.0
 * @category signing
 */
export const signRsaSha256 = (privateKey: string | KeyObject, message: string): string =>
  sign("sha256", Buffer.from(message, "utf8"), privateKey).toString("base64")

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/

/**
 * Checks an HMAC-SHA256 hex signature in constant time. A malformed signature (wrong length, not
 * hex) returns `false`; it never throws.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verifyHmacSha256 = (secret: string | KeyObject, message: string, signature: string): boolean => {
  if (typeof signature !== "string" || !HEX_SHA256.test(signature)) return false
  const expected = createHmac("sha256", secret).update(message, "utf8").digest()
  return timingSafeEqual(expected, Buffer.from(signature, "hex"))
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Checks a base64 RSA-SHA256 (PKCS#1 v1.5) signature with a public key (SPKI or PKCS#1 PEM, or a
 * parsed key). A malformed signature or key returns `false`; it never throws.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verifyRsaSha256 = (publicKey: string | KeyObject, message: string, signature: string): boolean => {
  if (
    typeof signature !== "string" ||
    signature.length === 0 ||
    signature.length % 4 !== 0 ||
    !BASE64.test(signature)
  ) {
    return false
  }
  try {
    const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey
    return verify("sha256", Buffer.from(message, "utf8"), key, Buffer.from(signature, "base64"))
  } catch {
    return false
  }
}
