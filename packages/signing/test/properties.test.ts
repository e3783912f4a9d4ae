import {
  hmacSigner,
  hmacVerifier,
  rsaSigner,
  rsaVerifier,
  signaturePayload,
  signHmacSha256,
  verifyHmacSha256,
  verifyRsaSha256
} from "@effect-bybit/signing"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { keys } from "./fixtures.js"

// HMAC zero-pads keys shorter than the block size, so "k" and "k\0" are the same HMAC key: secrets
// are generated without NUL (a real API secret is alphanumeric) so that distinct secrets are
// distinct keys.
const secretArb = fc.string({ unit: "binary", minLength: 1, maxLength: 80 }).filter((s) => !s.includes("\0"))
const inputArb = fc.record({
  timestamp: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  apiKey: fc.string({ unit: "binary", maxLength: 40 }),
  recvWindow: fc.integer({ min: 1, max: 10_000_000 }),
  payload: fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.json())
})
type Input = typeof inputArb extends fc.Arbitrary<infer A> ? A : never

const sign = (secret: string, input: Input): string => hmacSigner(secret).sign(signaturePayload(input))

/** Two different values of one field of the input, the others held fixed. */
const oneFieldChanged = fc.oneof(
  fc
    .tuple(inputArb, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }))
    .filter(([a, t]) => a.timestamp !== t)
    .map(([a, timestamp]) => [a, { ...a, timestamp }] as const),
  fc
    .tuple(inputArb, fc.string({ unit: "binary", maxLength: 40 }))
    .filter(([a, k]) => a.apiKey !== k)
    .map(([a, apiKey]) => [a, { ...a, apiKey }] as const),
  fc
    .tuple(inputArb, fc.integer({ min: 1, max: 10_000_000 }))
    .filter(([a, r]) => a.recvWindow !== r)
    .map(([a, recvWindow]) => [a, { ...a, recvWindow }] as const),
  fc
    .tuple(inputArb, fc.string({ unit: "binary", maxLength: 300 }))
    .filter(([a, p]) => a.payload !== p)
    .map(([a, payload]) => [a, { ...a, payload }] as const)
)

/** Strings that are not a well-formed HMAC signature: wrong length, non-hex, uppercase, empty, garbage. */
const malformedHmacArb = fc.oneof(
  fc.constant(""),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), maxLength: 63 }),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 65, maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(..."ghijklmnopxyzGHXYZ+/=-_ \n"), minLength: 64, maxLength: 64 }),
  fc
    .string({ unit: fc.constantFrom(..."0123456789ABCDEF"), minLength: 64, maxLength: 64 })
    .filter((s) => /[A-F]/.test(s)),
  fc.string({ unit: "binary", maxLength: 200 }).filter((s) => !/^[0-9a-f]{64}$/.test(s))
)

/** Strings that are not a well-formed base64 RSA signature, or not one of this key's size. */
const malformedRsaArb = fc.oneof(
  fc.constant(""),
  fc.constant("===="),
  fc.string({ unit: "binary", maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(..."!@#$%^&*()-_ \n\t."), minLength: 1, maxLength: 344 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64")),
  fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => Buffer.from(b).toString("base64")),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString("base64url"))
)

const replaceAt = (s: string, i: number, c: string): string => s.slice(0, i) + c + s.slice(i + 1)

describe("HMAC signing properties", () => {
  it("is deterministic: the same inputs always give the same signature", () => {
    fc.assert(
      fc.property(secretArb, inputArb, (secret, input) => {
        const signature = sign(secret, input)
        expect(sign(secret, { ...input })).toBe(signature)
        expect(signHmacSha256(secret, signaturePayload(input))).toBe(signature)
      })
    )
  })

  it("changes the signature when any one of timestamp, apiKey, recvWindow or payload changes", () => {
    fc.assert(
      fc.property(secretArb, oneFieldChanged, (secret, [a, b]) => {
        expect(sign(secret, b)).not.toBe(sign(secret, a))
      }),
      { numRuns: 400 }
    )
  })

  it("changes the signature when the secret changes", () => {
    fc.assert(
      fc.property(secretArb, secretArb, inputArb, (s1, s2, input) => {
        fc.pre(s1 !== s2)
        expect(sign(s2, input)).not.toBe(sign(s1, input))
      })
    )
  })

  it("verify(sign(x)) holds, for the functions and for the reusable signer and verifier", () => {
    fc.assert(
      fc.property(secretArb, inputArb, (secret, input) => {
        const message = signaturePayload(input)
        const signature = hmacSigner(secret).sign(message)
        expect(verifyHmacSha256(secret, message, signature)).toBe(true)
        expect(hmacVerifier(secret).verify(message, signature)).toBe(true)
      })
    )
  })

  it("rejects a signature for a tampered message", () => {
    fc.assert(
      fc.property(secretArb, fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (secret, m1, m2) => {
        fc.pre(m1 !== m2)
        expect(verifyHmacSha256(secret, m2, signHmacSha256(secret, m1))).toBe(false)
      })
    )
  })

  it("rejects a signature with any one hex digit changed", () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.string({ unit: "binary" }),
        fc.nat(63),
        fc.constantFrom(..."0123456789abcdef"),
        (secret, m, i, c) => {
          const signature = signHmacSha256(secret, m)
          fc.pre(signature[i] !== c)
          expect(verifyHmacSha256(secret, m, replaceAt(signature, i, c))).toBe(false)
        }
      )
    )
  })

  it("rejects a signature made with another secret", () => {
    fc.assert(
      fc.property(secretArb, secretArb, fc.string({ unit: "binary" }), (s1, s2, m) => {
        fc.pre(s1 !== s2)
        expect(hmacVerifier(s2).verify(m, hmacSigner(s1).sign(m))).toBe(false)
      })
    )
  })

  it("returns false, never throws, for malformed signatures", () => {
    const verifier = hmacVerifier("mock-api-secret")
    fc.assert(
      fc.property(malformedHmacArb, fc.string({ unit: "binary" }), (signature, m) => {
        expect(verifyHmacSha256("mock-api-secret", m, signature)).toBe(false)
        expect(verifier.verify(m, signature)).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it("returns false, never throws, for non-string signatures and an empty secret", () => {
    const m = "1672197227732mock-api-key5000{}"
    const good = signHmacSha256("mock-api-secret", m)
    for (const bad of [undefined, null, 42, {}, [], Buffer.from(good, "hex")]) {
      expect(verifyHmacSha256("mock-api-secret", m, bad as unknown as string)).toBe(false)
    }
    expect(verifyHmacSha256("", m, good)).toBe(false)
    expect(verifyHmacSha256("mock-api-secret", m, good.toUpperCase())).toBe(false)
  })
})

describe("RSA signing properties (fewer runs: RSA-2048 signing is slow)", () => {
  const signer = rsaSigner(keys.rsaPrivatePkcs8)
  const signerPkcs1 = rsaSigner(keys.rsaPrivatePkcs1)
  const verifier = rsaVerifier(keys.rsaPublicSpki)

  it("is deterministic (PKCS#1 v1.5) and the same for the PKCS#8 and PKCS#1 forms of the key", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const message = signaturePayload(input)
        expect(signerPkcs1.sign(message)).toBe(signer.sign(message))
      }),
      { numRuns: 25 }
    )
  })

  it("verify(sign(x)) holds", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const message = signaturePayload(input)
        const signature = signer.sign(message)
        expect(verifier.verify(message, signature)).toBe(true)
        expect(verifyRsaSha256(keys.rsaPublicPkcs1, message, signature)).toBe(true)
      }),
      { numRuns: 25 }
    )
  })

  it("changes the signature when any one input changes", () => {
    fc.assert(
      fc.property(oneFieldChanged, ([a, b]) => {
        expect(signer.sign(signaturePayload(b))).not.toBe(signer.sign(signaturePayload(a)))
      }),
      { numRuns: 25 }
    )
  })

  it("rejects a signature for a tampered message", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (m1, m2) => {
        fc.pre(m1 !== m2)
        expect(verifier.verify(m2, signer.sign(m1))).toBe(false)
      }),
      { numRuns: 25 }
    )
  })

  it("rejects a signature with any one byte changed", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.nat(255), fc.integer({ min: 1, max: 255 }), (m, i, x) => {
        const bytes = Buffer.from(signer.sign(m), "base64")
        bytes[i] = bytes[i]! ^ x
        expect(verifier.verify(m, bytes.toString("base64"))).toBe(false)
      }),
      { numRuns: 25 }
    )
  })

  it("returns false, never throws, for malformed signatures", () => {
    fc.assert(
      fc.property(malformedRsaArb, fc.string({ unit: "binary" }), (signature, m) => {
        expect(verifier.verify(m, signature)).toBe(false)
        expect(verifyRsaSha256(keys.rsaPublicSpki, m, signature)).toBe(false)
      }),
      { numRuns: 300 }
    )
  })

  it("returns false, never throws, for non-string signatures and unusable keys", () => {
    const m = "1672197227732mock-api-key5000{}"
    const good = signer.sign(m)
    for (const bad of [undefined, null, 42, {}, Buffer.from(good, "base64")]) {
      expect(verifier.verify(m, bad as unknown as string)).toBe(false)
    }
    for (const key of ["", "garbage", keys.ed25519Public, keys.ecPublic]) {
      expect(verifyRsaSha256(key, m, good)).toBe(false)
    }
  })
})
