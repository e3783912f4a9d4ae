import { createSecretKey } from "node:crypto"
import {
  hmacSigner,
  hmacVerifier,
  rsaSigner,
  rsaVerifier,
  signaturePayload,
  signHmacSha256,
  signRsaSha256,
  verifyHmacSha256,
  verifyRsaSha256
} from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { keys } from "./fixtures.js"
import { hmacVectors, rsaVectors } from "./vectors.js"

const all = Object.values(hmacVectors)

describe("signaturePayload", () => {
  it("concatenates timestamp, api key, receive window and payload with no separator", () => {
    expect(
      signaturePayload({
        timestamp: 1672197227732,
        apiKey: "mock-api-key",
        recvWindow: 5000,
        payload: '{"id":"10197"}'
      })
    ).toBe('1672197227732mock-api-key5000{"id":"10197"}')
  })

  it("gives the same string for numbers and for the raw header strings", () => {
    const fromNumbers = signaturePayload({ timestamp: 1672197227732, apiKey: "k", recvWindow: 5000, payload: "" })
    const fromHeaders = signaturePayload({ timestamp: "1672197227732", apiKey: "k", recvWindow: "5000", payload: "" })
    expect(fromHeaders).toBe(fromNumbers)
  })

  it.each(all)("builds the exact message of the vector: $name", (v) => {
    expect(signaturePayload(v)).toBe(v.message)
  })
})

describe("HMAC-SHA256 against signatures computed by openssl and python", () => {
  it.each(all)("signHmacSha256 matches: $name", (v) => {
    expect(signHmacSha256(v.secret, signaturePayload(v))).toBe(v.signature)
  })

  it.each(all)("signHmacSha256 with a KeyObject matches: $name", (v) => {
    expect(signHmacSha256(createSecretKey(Buffer.from(v.secret, "utf8")), v.message)).toBe(v.signature)
  })

  it.each(all)("hmacSigner matches: $name", (v) => {
    expect(hmacSigner(v.secret).sign(signaturePayload(v))).toBe(v.signature)
  })

  it.each(all)("verifyHmacSha256 and hmacVerifier accept the external signature: $name", (v) => {
    expect(verifyHmacSha256(v.secret, v.message, v.signature)).toBe(true)
    expect(hmacVerifier(v.secret).verify(v.message, v.signature)).toBe(true)
  })

  it("signs the compact and the spaced seed bodies differently: the bytes sent are the bytes signed", () => {
    expect(hmacVectors.seedCompact.signature).not.toBe(hmacVectors.seedSpaced.signature)
    expect(
      verifyHmacSha256(hmacVectors.seedSpaced.secret, hmacVectors.seedCompact.message, hmacVectors.seedSpaced.signature)
    ).toBe(false)
  })

  it("produces 64 lowercase hex characters", () => {
    for (const v of all) expect(hmacSigner(v.secret).sign(v.message)).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe("RSA-SHA256 against signatures made by openssl dgst -sign", () => {
  const vectors = Object.entries(rsaVectors)
  const privateKeys = [
    ["PKCS#8", keys.rsaPrivatePkcs8],
    ["PKCS#1", keys.rsaPrivatePkcs1]
  ] as const
  const publicKeys = [
    ["SPKI", keys.rsaPublicSpki],
    ["PKCS#1", keys.rsaPublicPkcs1]
  ] as const

  for (const [form, pem] of privateKeys) {
    it.each(vectors)(`signRsaSha256 with a ${form} PEM reproduces openssl's signature: %s`, (_, v) => {
      expect(signRsaSha256(pem, v.message)).toBe(v.signature)
    })

    it.each(vectors)(`rsaSigner with a ${form} PEM reproduces openssl's signature: %s`, (_, v) => {
      expect(rsaSigner(pem).sign(v.message)).toBe(v.signature)
    })
  }

  for (const [form, pem] of publicKeys) {
    it.each(vectors)(
      `verifyRsaSha256 and rsaVerifier with a ${form} public key accept openssl's signature: %s`,
      (_, v) => {
        expect(verifyRsaSha256(pem, v.message, v.signature)).toBe(true)
        expect(rsaVerifier(pem).verify(v.message, v.signature)).toBe(true)
      }
    )
  }

  it("rejects openssl's signature of the compact body for the spaced body", () => {
    expect(verifyRsaSha256(keys.rsaPublicSpki, rsaVectors.seedSpaced.message, rsaVectors.seedCompact.signature)).toBe(
      false
    )
  })
})
