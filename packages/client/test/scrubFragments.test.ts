// Fragments of a known secret (the request's signature, the HMAC secret, an RSA key's material) of
// 8+ characters never survive the scrubber, whatever separates them and in the standard encodings.
import { createHmac, createSign, generateKeyPairSync } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Withdrawals } from "../src/index.js"
import * as Scrub from "../src/internal/scrub.js"
import { scriptedClient, scriptedLayer } from "./scripted.js"

const SECRET = "Q7xK2mP9vR4tY8wZ3nB6cF1hJ5"
const HMAC_SIG = createHmac("sha256", SECRET).update("payload").digest("hex")
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
const RSA_SIG = createSign("RSA-SHA256").update("payload").sign(privateKey, "base64")

/** Letters and digits only, lower case: how a reader could put the pieces back together. */
const joined = (text: string) => text.toLowerCase().replace(/[^0-9a-z]/g, "")

/** The first 8-character piece of `secret` (normalized) that `out` still holds, if any. */
const survivor = (out: string, secret: string): string | undefined => {
  const s = joined(secret)
  const o = joined(decodeURIComponentSafe(out))
  for (let i = 0; i + 8 <= s.length; i++) if (o.includes(s.slice(i, i + 8))) return s.slice(i, i + 8)
  return undefined
}
const decodeURIComponentSafe = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const halves = (s: string, separator: string) => `${s.slice(0, s.length / 2)}${separator}${s.slice(s.length / 2)}`
const base64url = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
const hexToBase64 = (hex: string) => Buffer.from(hex, "hex").toString("base64")
const base64ToHex = (b64: string) => Buffer.from(b64, "base64").toString("hex")

describe("the HMAC signature, split or re-encoded", () => {
  const scrub = Scrub.make([SECRET])
  for (const [label, text] of [
    ["halves split by a space", halves(HMAC_SIG, " ")],
    ["halves split by U+200B", halves(HMAC_SIG, "\u200b")],
    ["halves split by NUL", halves(HMAC_SIG, "\u0000")],
    ["halves split by a dot, in upper case", halves(HMAC_SIG, ".").toUpperCase()],
    ["in four pieces split by dashes", HMAC_SIG.match(/.{16}/g)!.join("-")],
    ["percent-encoded", [...HMAC_SIG].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")],
    ["as base64 of its bytes", hexToBase64(HMAC_SIG)],
    ["a 20-character piece only", HMAC_SIG.slice(10, 30)]
  ] as const) {
    it(`${label}: no 8-character piece survives`, () => {
      const out = scrub(`sign mismatch: ${text} (check it)`, HMAC_SIG)
      expect(survivor(out, HMAC_SIG)).toBeUndefined()
      expect(out).toContain("<redacted>")
      expect(out).toContain("sign mismatch")
    })
  }
})

describe("the HMAC secret, split or re-encoded", () => {
  const scrub = Scrub.make([SECRET])
  for (const [label, text] of [
    ["split in two by a space", halves(SECRET, " ")],
    ["split in two by U+200B", halves(SECRET, "\u200b")],
    ["upper case, split by NUL", halves(SECRET.toUpperCase(), "\u0000")],
    ["percent-encoded", encodeURIComponent(SECRET).replace(/[A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)],
    ["a 9-character piece", SECRET.slice(5, 14)]
  ] as const) {
    it(`${label}: no 8-character piece survives`, () => {
      const out = scrub(`bad key ${text}`)
      expect(survivor(out, SECRET)).toBeUndefined()
    })
  }
})

describe("an RSA signature and key, split or re-encoded", () => {
  const scrub = Scrub.make(Scrub.pemLines(PEM))
  for (const [label, text] of [
    ["URL-encoded", encodeURIComponent(RSA_SIG)],
    ["base64url", base64url(RSA_SIG)],
    ["split in two", halves(RSA_SIG, " ")],
    ["as hex of its bytes", base64ToHex(RSA_SIG)],
    ["a 30-character piece", RSA_SIG.slice(100, 130)]
  ] as const) {
    it(`the signature ${label}: no 8-character piece survives`, () => {
      const out = scrub(`x ${text} y`, RSA_SIG)
      expect(survivor(out, RSA_SIG)).toBeUndefined()
    })
  }

  it("a piece of the key across two of its lines does not survive", () => {
    const lines = Scrub.pemLines(PEM)
    const piece = `${lines[3]!.slice(-6)}${lines[4]!.slice(0, 6)}`
    const out = scrub(`key ${halves(piece, " ")} end`)
    expect(joined(out)).not.toContain(joined(piece).slice(0, 8))
    expect(joined(out)).not.toContain(joined(piece).slice(-8))
  })
})

describe("through the client", () => {
  it.effect("a Location of http://<32 hex>.<32 hex>.example/ names no piece of the signature", () =>
    Effect.gen(function* () {
      const { layer, seen } = scriptedClient((request) => {
        const sign = request.headers["x-bapi-sign"] ?? ""
        return { status: 302, headers: { location: `http://${halves(sign, ".")}.example/` } }
      })
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      const sign = seen[0]!.headers["x-bapi-sign"]!
      expect(error._tag).toBe("RedirectRefused")
      const shown = `${JSON.stringify(error)} ${error.message}`
      expect(survivor(shown, sign)).toBeUndefined()
    })
  )

  it.effect("a retMsg echoing the signature in halves split by U+200B keeps no piece of it", () =>
    Effect.gen(function* () {
      const { layer, seen } = scriptedClient((request) => ({
        status: 200,
        body: JSON.stringify({
          retCode: 10004,
          retMsg: `error sign: ${halves(request.headers["x-bapi-sign"] ?? "", "\u200b")}`
        })
      }))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      const sign = seen[0]!.headers["x-bapi-sign"]!
      expect(survivor(`${JSON.stringify(error)} ${error.message}`, sign)).toBeUndefined()
    })
  )
})

describe("ordinary text and cost", () => {
  const scrub = Scrub.make([SECRET, ...Scrub.pemLines(PEM)])

  it("leaves ordinary messages alone", () => {
    for (const text of [
      "Withdraw order not found",
      "Too many visits. Exceeded the API Rate Limit.",
      "params error: id"
    ]) {
      expect(scrub(text, HMAC_SIG)).toBe(text)
    }
  })

  it("a 1 MiB message costs about what an 8 KiB one does (only the start is read)", () => {
    const chunk = "abcdefghij0123456789 ".repeat(400) // ~8 KiB
    const big = chunk.repeat(128) // ~1 MiB
    const time = (text: string) => {
      const start = performance.now()
      for (let i = 0; i < 20; i++) scrub(text, HMAC_SIG)
      return performance.now() - start
    }
    time(chunk)
    time(big)
    const ratio = time(big) / time(chunk)
    console.log(`scrub 1 MiB / 8 KiB: ${ratio.toFixed(2)}x`)
    expect(ratio).toBeLessThan(4)
    expect(scrub(big, HMAC_SIG).length).toBeLessThanOrEqual(300)
  })
})
