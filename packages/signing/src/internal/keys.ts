import type { KeyObject } from "node:crypto"
import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto"
import { InvalidKeyError } from "../InvalidKeyError.js"

/** Parses a PEM private key (PKCS#8 or PKCS#1), turning node's errors into an `InvalidKeyError`. */
export const parsePrivateKey = (pem: string): KeyObject => {
  if (typeof pem !== "string" || pem.trim() === "") {
    throw new InvalidKeyError("the RSA private key is empty")
  }
  if (!pem.includes("-----BEGIN")) {
    throw new InvalidKeyError("the RSA private key is not a PEM block (expected -----BEGIN PRIVATE KEY-----)")
  }
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: "pem" })
  } catch {
    // node's message can quote parts of the input; ours never does.
    throw new InvalidKeyError("the RSA private key PEM cannot be parsed")
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new InvalidKeyError(`the private key is ${key.asymmetricKeyType ?? "unknown"}, not RSA`)
  }
  return key
}

/** Parses a PEM public key (SPKI or PKCS#1); a private key PEM gives its public half. */
export const parsePublicKey = (pem: string): KeyObject => {
  if (typeof pem !== "string" || pem.trim() === "") {
    throw new InvalidKeyError("the RSA public key is empty")
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: "pem" })
  } catch {
    throw new InvalidKeyError("the RSA public key PEM cannot be parsed")
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new InvalidKeyError(`the public key is ${key.asymmetricKeyType ?? "unknown"}, not RSA`)
  }
  return key
}

/** Builds the HMAC key once, refusing an empty secret. */
export const parseSecret = (secret: string): KeyObject => {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new InvalidKeyError("the API secret is empty")
  }
  return createSecretKey(Buffer.from(secret, "utf8"))
}
