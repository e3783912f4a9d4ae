/**
 * Reusable signers and verifiers: the key is checked and parsed once, at construction, and never
 * shows in `JSON.stringify`, `String()` or `util.inspect` output.
 *
 * @since 0.1.0
 */
import { parsePrivateKey, parsePublicKey, parseSecret } from "./internal/keys.js"
import { signHmacSha256, signRsaSha256, verifyHmacSha256, verifyRsaSha256 } from "./Signature.js"

/**
 * The two V5 schemes: HMAC for system-generated keys, RSA for self-generated ones.
 *
 * @since 0.1.0
 * @category models
 */
export type Algorithm = "HMAC-SHA256" | "RSA-SHA256"

/**
 * Signs messages with one key.
 *
 * @since 0.1.0
 * @category models
 */
export interface Signer {
  readonly algorithm: Algorithm
  /** The signature of `message`: lowercase hex for HMAC, base64 for RSA. */
  readonly sign: (message: string) => string
}

/**
 * Checks signatures made with one key. Never throws: a malformed signature is `false`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verifier {
  readonly algorithm: Algorithm
  readonly verify: (message: string, signature: string) => boolean
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

/** Keeps the key material out of every rendering of a signer or verifier. */
const opaque = <A extends { readonly algorithm: Algorithm }>(kind: string, value: A): A => {
  const label = `${kind}(${value.algorithm})`
  return Object.freeze(
    Object.assign(value, {
      toJSON: () => ({ _tag: kind, algorithm: value.algorithm }),
      toString: () => label,
      [inspectSymbol]: () => label
    })
  )
}

/**
 * A signer for a system-generated key: HMAC-SHA256 keyed with the API secret.
 *
 * @throws InvalidKeyError when the secret is empty.
 * @example
 * ```ts
 * const signer = hmacSigner("my-api-secret")
 * signer.sign('1672197227732key5000{"id":"10197"}') // 64 hex characters
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const hmacSigner = (secret: string): Signer => {
  const key = parseSecret(secret)
  return opaque("Signer", { algorithm: "HMAC-SHA256", sign: (message: string) => signHmacSha256(key, message) })
}

/**
 * A signer for a self-generated key: RSA-SHA256 (PKCS#1 v1.5) with a PKCS#8 or PKCS#1 PEM private key.
 *
 * @throws InvalidKeyError when the PEM is empty, encrypted, a public key, does not parse, or is not an RSA key.
 * @example
 * ```ts
 * const signer = rsaSigner(readFileSync("private.pem", "utf8"))
 * signer.sign('1672197227732key5000{"id":"10197"}') // base64, 344 characters for a 2048-bit key
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const rsaSigner = (privateKeyPem: string): Signer => {
  const key = parsePrivateKey(privateKeyPem)
  return opaque("Signer", { algorithm: "RSA-SHA256", sign: (message: string) => signRsaSha256(key, message) })
}

/**
 * A verifier for HMAC-SHA256 signatures (what the exchange does with a system-generated key).
 *
 * @throws InvalidKeyError when the secret is empty.
 * @example
 * ```ts
 * const verifier = hmacVerifier("my-api-secret")
 * verifier.verify(signaturePayload({ timestamp, apiKey, recvWindow, payload: body }), headers["X-BAPI-SIGN"])
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const hmacVerifier = (secret: string): Verifier => {
  const key = parseSecret(secret)
  return opaque("Verifier", {
    algorithm: "HMAC-SHA256",
    verify: (message: string, signature: string) => verifyHmacSha256(key, message, signature)
  })
}

/**
 * A verifier for RSA-SHA256 signatures with the registered public key (SPKI or PKCS#1 PEM; a
 * private key PEM is accepted and its public half used).
 *
 * @throws InvalidKeyError when the PEM is empty, does not parse, or is not an RSA key.
 * @since 0.1.0
 * @category constructors
 */
export const rsaVerifier = (publicKeyPem: string): Verifier => {
  const key = parsePublicKey(publicKeyPem)
  return opaque("Verifier", {
    algorithm: "RSA-SHA256",
    verify: (message: string, signature: string) => verifyRsaSha256(key, message, signature)
  })
}
