import { execFileSync, spawnSync } from "node:child_process"
import { createPublicKey, verify } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { rsaSigner, rsaVerifier, signRsaSha256, verifyRsaSha256 } from "@effect-bybit/signing"
import { afterAll, describe, expect, it } from "vitest"
import { fixturePath, keys } from "./fixtures.js"
import { hmacVectors } from "./vectors.js"

// Independent verifiers for our RSA signatures: node's crypto.verify on the SPKI public key, and
// the openssl command line. Nothing from src/ is used on the verifying side.

const hasOpenssl = spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0
const skipped = hasOpenssl ? "" : " (SKIPPED: openssl is not on PATH)"
if (!hasOpenssl) console.warn("openssl is not on PATH: the openssl cross-checks of RSA signatures are skipped")

const work = mkdtempSync(join(tmpdir(), "signing-rsa-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let n = 0
const file = (name: string, content: string | Buffer): string => {
  const path = join(work, `${n++}-${name}`)
  writeFileSync(path, content)
  return path
}

/** `openssl dgst -sha256 -verify pub.pem -signature sig.bin msg`: true when openssl says "Verified OK". */
const opensslVerifies = (message: string, signatureBase64: string): boolean => {
  const result = spawnSync(
    "openssl",
    [
      "dgst",
      "-sha256",
      "-verify",
      fixturePath("rsa-public-spki.pem"),
      "-signature",
      file("sig.bin", Buffer.from(signatureBase64, "base64")),
      file("msg.txt", message)
    ],
    { encoding: "utf8" }
  )
  return result.status === 0 && result.stdout.includes("Verified OK")
}

/** `openssl dgst -sha256 -sign key.pem msg`, as base64. */
const opensslSigns = (message: string): string =>
  execFileSync("openssl", [
    "dgst",
    "-sha256",
    "-sign",
    fixturePath("rsa-private-pkcs8.pem"),
    file("msg.txt", message)
  ]).toString("base64")

const nodeVerifies = (message: string, signatureBase64: string): boolean =>
  verify(
    "sha256",
    Buffer.from(message, "utf8"),
    createPublicKey(keys.rsaPublicSpki),
    Buffer.from(signatureBase64, "base64")
  )

const messages = [
  hmacVectors.seedCompact.message,
  hmacVectors.seedSpaced.message,
  hmacVectors.getQuery.message,
  hmacVectors.unicodeBody.message,
  hmacVectors.longBody.message
]

const forms = [
  ["PKCS#8", keys.rsaPrivatePkcs8],
  ["PKCS#1", keys.rsaPrivatePkcs1]
] as const

describe("RSA signatures verify with independent verifiers", () => {
  for (const [form, pem] of forms) {
    it(`signRsaSha256 and rsaSigner with a ${form} PEM verify with node's crypto.verify`, () => {
      const signer = rsaSigner(pem)
      for (const message of messages) {
        expect(nodeVerifies(message, signRsaSha256(pem, message))).toBe(true)
        expect(nodeVerifies(message, signer.sign(message))).toBe(true)
      }
    })

    it.skipIf(!hasOpenssl)(
      `signRsaSha256 and rsaSigner with a ${form} PEM verify with openssl dgst -verify${skipped}`,
      () => {
        const signer = rsaSigner(pem)
        for (const message of messages) {
          expect(opensslVerifies(message, signRsaSha256(pem, message))).toBe(true)
          expect(opensslVerifies(message, signer.sign(message))).toBe(true)
        }
      }
    )
  }

  it.skipIf(!hasOpenssl)(
    `openssl rejects our signature for a different message (the cross-check can fail)${skipped}`,
    () => {
      const signature = rsaSigner(keys.rsaPrivatePkcs8).sign(hmacVectors.seedCompact.message)
      expect(opensslVerifies(hmacVectors.seedSpaced.message, signature)).toBe(false)
    }
  )

  it.skipIf(!hasOpenssl)(
    `verifyRsaSha256 and rsaVerifier accept signatures made now by openssl dgst -sign${skipped}`,
    () => {
      const verifier = rsaVerifier(keys.rsaPublicSpki)
      for (const message of messages) {
        const signature = opensslSigns(message)
        expect(verifyRsaSha256(keys.rsaPublicSpki, message, signature)).toBe(true)
        expect(verifyRsaSha256(keys.rsaPublicPkcs1, message, signature)).toBe(true)
        expect(verifier.verify(message, signature)).toBe(true)
        expect(verifier.verify(`${message} `, signature)).toBe(false)
      }
    }
  )

  it("produces base64 of the modulus size (256 bytes for the 2048-bit test key)", () => {
    const signature = rsaSigner(keys.rsaPrivatePkcs8).sign("x")
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(Buffer.from(signature, "base64")).toHaveLength(256)
  })

  it("rsaVerifier built from the private key PEM uses its public half", () => {
    const message = hmacVectors.seedCompact.message
    expect(rsaVerifier(keys.rsaPrivatePkcs1).verify(message, signRsaSha256(keys.rsaPrivatePkcs8, message))).toBe(true)
  })
})
