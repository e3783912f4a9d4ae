import type { KeyObject } from "node:crypto"
import { createPrivateKey, createPublicKey, createSecretKey } from "node:crypto"
import { InvalidKeyError } from "../InvalidKeyError.js"

// Every message here describes the key without quoting it: node's own errors are dropped (never
// used as `cause`) because they can carry parts of the input.

const pemLabel = (pem: string): string | undefined => /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1]

/** Parses a PEM private key (PKCS#8 or PKCS#1), turning node's errors into an `InvalidKeyError`. */
export const parsePrivateKey = (pem: string): KeyObject => {
  if (typeof pem !== "string" || pem.trim() === "") {
    throw new InvalidKeyError("the RSA private key is empty")
  }
  const label = pemLabel(pem)
  if (label === undefined) {
    throw new InvalidKeyError(
      "the RSA private key is not a PEM block (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"
    )
  }
  if (label.includes("PUBLIC KEY")) {
    throw new InvalidKeyError(`the key is a public key (${label}); signing needs the RSA private key`)
  }
  if (label.includes("ENCRYPTED") || /^Proc-Type: 4,ENCRYPTED/m.test(pem)) {
    throw new InvalidKeyError("the RSA private key is encrypted; decrypt it first (openssl pkey -in key.pem)")
  }
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: "pem" })
  } catch {
    throw new InvalidKeyError(`the RSA private key PEM (${label}) cannot be parsed`)
  }
  return assertRsa(key, "private")
}

/** Parses a PEM public key (SPKI or PKCS#1); a private key PEM gives its public half. */
export const parsePublicKey = (pem: string): KeyObject => {
  if (typeof pem !== "string" || pem.trim() === "") {
    throw new InvalidKeyError("the RSA public key is empty")
  }
  const label = pemLabel(pem)
  if (label === undefined) {
    throw new InvalidKeyError(
      "the RSA public key is not a PEM block (expected -----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"
    )
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: "pem" })
  } catch {
    throw new InvalidKeyError(`the RSA public key PEM (${label}) cannot be parsed`)
  }
  return assertRsa(key, "public")
}

/** Checks that a parsed key is an RSA key of the expected kind (PKCS#1 v1.5 signatures need `rsa`, not `rsa-pss`). */
export const assertRsa = (key: KeyObject, type: "private" | "public"): KeyObject => {
  if (key.type !== type && !(type === "public" && key.type === "private")) {
    throw new InvalidKeyError(`the key is a ${key.type} key; an RSA ${type} key is needed`)
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new InvalidKeyError(`the ${type} key is ${key.asymmetricKeyType ?? "of an unknown type"}, not RSA`)
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
