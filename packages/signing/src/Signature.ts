/**
 * Bybit V5 signatures as plain functions: the string that is signed, HMAC-SHA256 and RSA-SHA256
 * over it, and their verification.
 *
 * @since 0.1.0
 */

import type { KeyObject } from "node:crypto"
import { constants, createHmac, createPublicKey, sign, timingSafeEqual, verify } from "node:crypto"
import { InvalidKeyError } from "./InvalidKeyError.js"
import { assertRsa, parsePrivateKey } from "./internal/keys.js"

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
 * system-generated API keys. Throws `InvalidKeyError` for an empty secret.
 *
 * @since 0.1.0
 * @category signing
 */
export const signHmacSha256 = (secret: string | KeyObject, message: string): string => {
  if (secret === "") throw new InvalidKeyError("the API secret is empty")
  return createHmac("sha256", secret).update(message, "utf8").digest("hex")
}

/**
 * RSA-SHA256 (PKCS#1 v1.5) of `message` with an RSA private key, as base64: the signature of
 * self-generated API keys. Accepts a PKCS#8 or PKCS#1 PEM string (parsed on every call: build an
 * `rsaSigner` once instead when signing often) or a parsed key. Throws `InvalidKeyError` for a key
 * that is not an RSA private key.
 *
 * @since 0.1.0
 * @category signing
 */
export const signRsaSha256 = (privateKey: string | KeyObject, message: string): string => {
  const key = typeof privateKey === "string" ? parsePrivateKey(privateKey) : assertRsa(privateKey, "private")
  return sign("sha256", Buffer.from(message, "utf8"), { key, padding: constants.RSA_PKCS1_PADDING }).toString("base64")
}

const HEX_SHA256 = /^[0-9a-f]{64}$/

/**
 * Checks an HMAC-SHA256 signature (64 lowercase hex characters, as Bybit defines it) in constant
 * time. A malformed signature (wrong length, not lowercase hex, not a string) or an unusable secret
 * returns `false`; it never throws.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verifyHmacSha256 = (secret: string | KeyObject, message: string, signature: string): boolean => {
  if (typeof signature !== "string" || !HEX_SHA256.test(signature) || secret === "") return false
  try {
    const expected = createHmac("sha256", secret).update(message, "utf8").digest()
    return timingSafeEqual(expected, Buffer.from(signature, "hex"))
  } catch {
    return false
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Checks a base64 RSA-SHA256 (PKCS#1 v1.5) signature with an RSA public key (SPKI or PKCS#1 PEM,
 * or a parsed key). A malformed signature, or a key that is not RSA or does not parse, returns
 * `false`; it never throws.
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
    if (key.asymmetricKeyType !== "rsa") return false
    return verify(
      "sha256",
      Buffer.from(message, "utf8"),
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(signature, "base64")
    )
  } catch {
    return false
  }
}
