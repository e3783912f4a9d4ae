import { createPrivateKey, createPublicKey } from "node:crypto"
import { inspect } from "node:util"
import {
  hmacSigner,
  hmacVerifier,
  InvalidKeyError,
  rsaSigner,
  rsaVerifier,
  signHmacSha256,
  signRsaSha256
} from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { keys, pemBody } from "./fixtures.js"

/** Calls `f`, expecting an `InvalidKeyError`, and returns it. */
const invalidKey = (f: () => unknown): InvalidKeyError => {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidKeyError)
    return error as InvalidKeyError
  }
  throw new Error("expected an InvalidKeyError, nothing was thrown")
}

/** Every way a value is commonly rendered: logs, JSON, string interpolation, error reports. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  JSON.stringify(value) ?? "",
  String(value),
  `${value}`,
  inspect(value),
  inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
  inspect({ nested: { value } }, { depth: Number.POSITIVE_INFINITY }),
  value instanceof Error ? `${value.message}\n${value.stack ?? ""}` : ""
]

/** True when `text` contains any 12-character window of `secret` (so a partial leak counts too). */
const leaks = (text: string, secret: string): boolean => {
  const width = Math.min(12, secret.length)
  for (let i = 0; i + width <= secret.length; i++) if (text.includes(secret.slice(i, i + width))) return true
  return false
}

describe("bad keys fail at construction with InvalidKeyError", () => {
  it("refuses an empty secret for hmacSigner, hmacVerifier and signHmacSha256", () => {
    expect(invalidKey(() => hmacSigner("")).message).toBe("the API secret is empty")
    expect(invalidKey(() => hmacVerifier("")).message).toBe("the API secret is empty")
    expect(invalidKey(() => signHmacSha256("", "message")).message).toBe("the API secret is empty")
  })

  it("refuses a secret that is not a string (e.g. an unset environment variable)", () => {
    expect(invalidKey(() => hmacSigner(undefined as unknown as string)).message).toBe("the API secret is empty")
  })

  it("refuses an empty or blank PEM", () => {
    for (const pem of ["", "  \n\t"]) {
      expect(invalidKey(() => rsaSigner(pem)).message).toBe("the RSA private key is empty")
      expect(invalidKey(() => rsaVerifier(pem)).message).toBe("the RSA public key is empty")
    }
  })

  it("refuses text that is not a PEM block, saying which block is expected", () => {
    expect(invalidKey(() => rsaSigner("not a key at all")).message).toMatch(/not a PEM block.*BEGIN PRIVATE KEY/)
    expect(invalidKey(() => rsaVerifier("not a key at all")).message).toMatch(/not a PEM block.*BEGIN PUBLIC KEY/)
  })

  it("refuses a PEM whose body is garbage", () => {
    const garbage = "-----BEGIN PRIVATE KEY-----\nR2FyYmFnZUdhcmJhZ2VHYXJiYWdl\n-----END PRIVATE KEY-----\n"
    expect(invalidKey(() => rsaSigner(garbage)).message).toBe("the RSA private key PEM (PRIVATE KEY) cannot be parsed")
    const garbagePublic = garbage.replaceAll("PRIVATE", "PUBLIC")
    expect(invalidKey(() => rsaVerifier(garbagePublic)).message).toBe(
      "the RSA public key PEM (PUBLIC KEY) cannot be parsed"
    )
  })

  it("refuses a truncated RSA PEM", () => {
    const lines = keys.rsaPrivatePkcs8.trim().split("\n")
    const truncated = [...lines.slice(0, 10), lines.at(-1)].join("\n")
    expect(invalidKey(() => rsaSigner(truncated)).message).toMatch(/cannot be parsed/)
  })

  it("refuses an ed25519 key, naming its type", () => {
    expect(invalidKey(() => rsaSigner(keys.ed25519Private)).message).toBe("the private key is ed25519, not RSA")
    expect(invalidKey(() => rsaVerifier(keys.ed25519Public)).message).toBe("the public key is ed25519, not RSA")
  })

  it("refuses an EC (P-256) key, naming its type", () => {
    expect(invalidKey(() => rsaSigner(keys.ecPrivate)).message).toBe("the private key is ec, not RSA")
    expect(invalidKey(() => rsaVerifier(keys.ecPublic)).message).toBe("the public key is ec, not RSA")
  })

  it("refuses a public key where the private key is needed", () => {
    expect(invalidKey(() => rsaSigner(keys.rsaPublicSpki)).message).toMatch(/public key \(PUBLIC KEY\).*private key/)
    expect(invalidKey(() => rsaSigner(keys.rsaPublicPkcs1)).message).toMatch(/public key \(RSA PUBLIC KEY\)/)
  })

  it("refuses an encrypted private key, saying to decrypt it", () => {
    expect(invalidKey(() => rsaSigner(keys.rsaPrivateEncrypted)).message).toMatch(/encrypted/)
  })

  it("refuses non-RSA keys in signRsaSha256, as PEM or as a parsed key", () => {
    expect(invalidKey(() => signRsaSha256(keys.ed25519Private, "m")).message).toMatch(/ed25519, not RSA/)
    expect(invalidKey(() => signRsaSha256(createPrivateKey(keys.ecPrivate), "m")).message).toMatch(/ec, not RSA/)
    expect(invalidKey(() => signRsaSha256(createPublicKey(keys.rsaPublicSpki), "m")).message).toMatch(/public key/)
  })

  it("is an Error named InvalidKeyError", () => {
    const error = invalidKey(() => hmacSigner(""))
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe("InvalidKeyError")
    expect(String(error)).toBe("InvalidKeyError: the API secret is empty")
  })
})

describe("secrets never leak", () => {
  const secret = "mock-api-secret-9f3c1e7a5b2d"

  it("an HMAC signer or verifier renders as its kind and algorithm only", () => {
    for (const value of [hmacSigner(secret), hmacVerifier(secret)]) {
      for (const text of renderings(value)) expect(leaks(text, secret), text).toBe(false)
    }
    expect(JSON.stringify(hmacSigner(secret))).toBe('{"_tag":"Signer","algorithm":"HMAC-SHA256"}')
    expect(String(hmacSigner(secret))).toBe("Signer(HMAC-SHA256)")
    expect(inspect(hmacVerifier(secret))).toBe("Verifier(HMAC-SHA256)")
  })

  it("an RSA signer renders without any part of the PEM, in either form", () => {
    for (const pem of [keys.rsaPrivatePkcs8, keys.rsaPrivatePkcs1]) {
      const signer = rsaSigner(pem)
      for (const text of renderings(signer)) expect(leaks(text, pemBody(pem)), text).toBe(false)
      expect(String(signer)).toBe("Signer(RSA-SHA256)")
    }
  })

  it("an RSA verifier built from a private key PEM renders without any part of it", () => {
    const verifier = rsaVerifier(keys.rsaPrivatePkcs8)
    for (const text of renderings(verifier)) expect(leaks(text, pemBody(keys.rsaPrivatePkcs8)), text).toBe(false)
  })

  it("a signer is frozen: its key cannot be swapped or read through a property", () => {
    const signer = hmacSigner(secret)
    expect(Object.isFrozen(signer)).toBe(true)
    expect(Object.keys(signer).sort()).toEqual(["algorithm", "sign", "toJSON", "toString"])
  })

  it("InvalidKeyError messages never quote the key", () => {
    const marker = "TOPSECRETKEYMATERIAL0123456789"
    const attempts: ReadonlyArray<readonly [string, () => unknown]> = [
      [marker, () => rsaSigner(marker)],
      [marker, () => rsaVerifier(marker)],
      [marker, () => rsaSigner(`-----BEGIN PRIVATE KEY-----\n${marker}\n-----END PRIVATE KEY-----`)],
      [marker, () => rsaSigner(`-----BEGIN RSA PRIVATE KEY-----\n${marker}\n-----END RSA PRIVATE KEY-----`)],
      [marker, () => rsaVerifier(`-----BEGIN PUBLIC KEY-----\n${marker}\n-----END PUBLIC KEY-----`)],
      [pemBody(keys.ed25519Private), () => rsaSigner(keys.ed25519Private)],
      [pemBody(keys.ecPrivate), () => rsaSigner(keys.ecPrivate)],
      [pemBody(keys.rsaPrivateEncrypted), () => rsaSigner(keys.rsaPrivateEncrypted)],
      [pemBody(keys.rsaPrivatePkcs8).slice(0, 400), () => rsaSigner(keys.rsaPrivatePkcs8.slice(0, 500))]
    ]
    for (const [secretText, attempt] of attempts) {
      const error = invalidKey(attempt)
      for (const text of renderings(error)) expect(leaks(text, secretText), text).toBe(false)
    }
  })
})
