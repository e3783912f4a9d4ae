/**
 * Signatures per second, one run: `bash scripts/node24.sh npx vitest bench --run signing.bench` (or `pnpm bench`; vitest 5's bench fixture).
 *
 * The limit is a bare `createHmac(...).update(msg).digest("hex")` one-liner with the secret as a
 * string; our signer should stay within 1.2x of it. Web Crypto is shown with a cached CryptoKey and,
 * for reference, importing the key on every call (what the most used Node SDK does).
 */
import { createHmac, createSecretKey, webcrypto } from "node:crypto"
import { hmacSigner, rsaSigner, signaturePayload, signRequest } from "@effect-bybit/signing"
import { test } from "vitest"
import { keys } from "../test/fixtures.js"

const secret = "mock-api-secret"
const apiKey = "mock-api-key"
const timestamp = 1672197227732
const recvWindow = 5000
const body = '{"id":"10197"}'
const message = signaturePayload({ timestamp, apiKey, recvWindow, payload: body })

const signer = hmacSigner(secret)
const keyObject = createSecretKey(Buffer.from(secret, "utf8"))
const encoder = new TextEncoder()
const rawSecret = encoder.encode(secret)
const algorithm = { name: "HMAC", hash: "SHA-256" } as const
const cryptoKey = await webcrypto.subtle.importKey("raw", rawSecret, algorithm, false, ["sign"])
const hex = (buffer: ArrayBuffer): string => Buffer.from(buffer).toString("hex")

// Every variant must compute the same signature, or the comparison means nothing.
const expected = createHmac("sha256", secret).update(message).digest("hex")
const check = (name: string, value: string): void => {
  if (value !== expected) throw new Error(`${name} computes a different signature`)
}
check("hmacSigner", signer.sign(message))
check("webcrypto", hex(await webcrypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message))))
check(
  "signRequest",
  signRequest({ method: "POST", signer, apiKey, timestamp, recvWindow, body }).headers["X-BAPI-SIGN"]
)

const options = { time: 1000, warmupTime: 200 }

test("HMAC-SHA256 signatures of the seed request", async ({ bench }) => {
  await bench.compare(
    bench("bare createHmac one-liner, string key (the limit)", () => {
      createHmac("sha256", secret).update(message).digest("hex")
    }),
    bench("bare createHmac one-liner, KeyObject key", () => {
      createHmac("sha256", keyObject).update(message).digest("hex")
    }),
    bench("hmacSigner(secret).sign(signaturePayload(...)) (ours)", () => {
      signer.sign(signaturePayload({ timestamp, apiKey, recvWindow, payload: body }))
    }),
    bench("signRequest POST with an object body (ours: serialize + sign + headers)", () => {
      signRequest({ method: "POST", signer, apiKey, timestamp, recvWindow, body: { id: "10197" } })
    }),
    bench("Web Crypto HMAC, cached CryptoKey (async)", async () => {
      hex(await webcrypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)))
    }),
    bench("Web Crypto HMAC, importKey on every call (async)", async () => {
      const key = await webcrypto.subtle.importKey("raw", rawSecret, algorithm, false, ["sign"])
      hex(await webcrypto.subtle.sign("HMAC", key, encoder.encode(message)))
    }),
    options
  )
})

test("RSA-SHA256 signatures of the seed request (2048-bit test key)", async ({ bench }) => {
  const rsa = rsaSigner(keys.rsaPrivatePkcs8)
  await bench("rsaSigner(pem).sign(message) (ours)", () => {
    rsa.sign(message)
  }).run()
})
