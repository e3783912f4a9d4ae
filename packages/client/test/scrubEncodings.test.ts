// A piece of a secret that a reader could decode back (base64 of its text, HTML character
// references, fullwidth or other compatibility forms, nested percent-escapes, escapes, a hex
// signature cut by other letters) never survives the scrubber: the whole text is dropped.
import { createHmac } from "node:crypto"
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Withdrawals } from "../src/index.js"
import * as Scrub from "../src/internal/scrub.js"
import { scriptedClient, scriptedLayer } from "./scripted.js"

const SECRET = "Q7xK2mP9vR4tY8wZ3nB6cF1hJ5"
const SIG = createHmac("sha256", SECRET).update("payload").digest("hex")

const b64 = (text: string) => Buffer.from(text).toString("base64")
const b64url = (text: string) => Buffer.from(text).toString("base64url")
const each = (text: string, f: (c: string) => string) => [...text].map(f).join("")
const code = (c: string) => c.codePointAt(0)!
const percent = (text: string) => each(text, (c) => `%${code(c).toString(16).padStart(2, "0")}`)
/** Percent-escapes `times` deep: `%25` for each level above the first. */
const percentN = (text: string, times: number) => each(text, (c) => `%${"25".repeat(times - 1)}${code(c).toString(16)}`)
/** A letter or digit as its fullwidth form (U+FF10-FF5A). */
const fullwidth = (text: string) => text.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(code(c) + 0xfee0))
/** Mathematical bold digits (U+1D7CE) and small letters (U+1D41A), NFKC-equivalent to ASCII. */
const mathBold = (text: string) =>
  each(text, (c) =>
    /[0-9]/.test(c)
      ? String.fromCodePoint(0x1d7ce + code(c) - 48)
      : /[a-z]/.test(c)
        ? String.fromCodePoint(0x1d41a + code(c) - 97)
        : /[A-Z]/.test(c)
          ? String.fromCodePoint(0x1d400 + code(c) - 65)
          : c
  )

/** Every encoding kind, several members each, as [kind, label, encode]. */
const encodings: ReadonlyArray<readonly [string, string, (s: string) => string]> = [
  ["base64", "base64 of the text", (s) => b64(s)],
  ["base64", "base64url of the text, unpadded", (s) => b64url(s)],
  ["base64", "base64 after letters (misaligned run)", (s) => `sign${b64(s)}`],
  ["base64", "base64 of the text inside a longer text", (s) => b64(`sign=${s}&x=1`)],
  ["base64", "base64 of its middle third only", (s) => b64(s.slice(s.length / 3, (2 * s.length) / 3))],
  ["base64", "hex of the text's bytes", (s) => Buffer.from(s).toString("hex")],
  ["base64", "base64 of base64 of the text", (s) => b64(b64(s))],
  ["html", "decimal references, every character", (s) => each(s, (c) => `&#${code(c)};`)],
  ["html", "hex references, every character", (s) => each(s, (c) => `&#x${code(c).toString(16)};`)],
  ["html", "decimal references without semicolons", (s) => each(s, (c) => `&#${code(c)}`)],
  [
    "html",
    "references every other character, &amp; between halves",
    (s) =>
      each(s, (c) => (code(c) % 2 === 0 ? `&#X${code(c).toString(16).toUpperCase()};` : c)).replace(
        /^(.{20})/,
        "$1&amp;"
      )
  ],
  ["nfkc", "fullwidth", (s) => fullwidth(s)],
  ["nfkc", "fullwidth, upper case", (s) => fullwidth(s.toUpperCase())],
  ["nfkc", "mathematical bold", (s) => mathBold(s)],
  ["nfkc", "fullwidth every other character", (s) => each(s, (c) => (code(c) % 2 === 0 ? fullwidth(c) : c))],
  ["percent", "percent-escaped twice", (s) => percentN(s, 2)],
  ["percent", "percent-escaped three times", (s) => percentN(s, 3)],
  ["percent", "percent-escaped twice, upper-case hex", (s) => percentN(s, 2).toUpperCase()],
  ["percent", "HTML references, then percent-escaped", (s) => percent(each(s, (c) => `&#${code(c)};`))],
  ["percent", "fullwidth, then percent-escaped (UTF-8)", (s) => encodeURIComponent(fullwidth(s))],
  ["escapes", "\\u escapes (JSON-escaped once more)", (s) => each(s, (c) => `\\u00${code(c).toString(16)}`)],
  ["escapes", "\\x escapes", (s) => each(s, (c) => `\\x${code(c).toString(16)}`)],
  ["escapes", "\\u{} escapes", (s) => each(s, (c) => `\\u{${code(c).toString(16)}}`)]
]

describe.each([
  ["the HMAC signature", SIG, SIG],
  ["the HMAC secret", SECRET, undefined]
] as const)("%s, encoded", (_name, secret, signature) => {
  const scrub = Scrub.make([SECRET])
  for (const [kind, label, encode] of encodings) {
    it(`${kind}: ${label}: the text is dropped`, () => {
      const encoded = encode(secret)
      const out = scrub(`error: ${encoded} (check it)`, signature)
      // Dropped whole; or, when the encoded form is itself a run the scrubber removes as written
      // (the hex of a signature's text is a run of 64+ hex digits), that run alone is removed.
      expect([Scrub.ENCODED, "error: <redacted> (check it)"]).toContain(out)
    })
  }
})

describe("the hex signature cut by characters that are not hex digits", () => {
  const scrub = Scrub.make([SECRET])
  for (const [label, text] of [
    ["7-character pieces joined by g", SIG.match(/.{1,7}/g)!.join("g")],
    ["7-character pieces joined by xyz", SIG.match(/.{1,7}/g)!.join("xyz")],
    ["5-character pieces joined by letters and spaces", SIG.match(/.{1,5}/g)!.join("q z")],
    ["every character followed by an h", each(SIG, (c) => `${c}h`)],
    [
      "upper case, 4-character pieces joined by -G-",
      SIG.toUpperCase()
        .match(/.{1,4}/g)!
        .join("-G-")
    ]
  ] as const) {
    it(`${label}: the text is dropped`, () => {
      expect(scrub(text, SIG)).toBe(Scrub.ENCODED)
    })
  }
})

describe("bounds", () => {
  const scrub = Scrub.make([SECRET])

  it("percent-escapes nested deeper than the rounds allow drop the text (it never settles)", () => {
    expect(scrub(`x ${percentN("not a secret at all", 9)}`)).toBe(Scrub.ENCODED)
  })

  it("a piece found as written is still removed precisely, the rest kept", () => {
    expect(scrub(`sign mismatch: ${SIG} (check it)`, SIG)).toBe("sign mismatch: <redacted> (check it)")
  })

  it("1 MiB of encoded text costs about what its first 8 KiB do (only the start is read)", () => {
    for (const unit of [b64("some bytes of a token ").repeat(4), each("abc ", (c) => `&#${code(c)};`), "%2541 "]) {
      const small = unit.repeat(Math.ceil(8192 / unit.length))
      const big = unit.repeat(Math.ceil(1048576 / unit.length))
      const time = (text: string) => {
        const start = performance.now()
        for (let i = 0; i < 20; i++) scrub(text, SIG)
        return performance.now() - start
      }
      time(small)
      time(big)
      const ratio = time(big) / time(small)
      console.log(`scrub 1 MiB / 8 KiB of ${JSON.stringify(unit.slice(0, 12))}...: ${ratio.toFixed(2)}x`)
      expect(ratio).toBeLessThan(4)
    }
  })
})

describe("ordinary messages", () => {
  const ordinary = [
    "Withdraw address chain or destination tag are not equal",
    "params error: id is invalid",
    "Withdraw order not found",
    "Too many visits. Exceeded the API Rate Limit.",
    "Insufficient balance. Please check your available balance and try again",
    "The withdrawal cannot be cancelled in its current status",
    "Timestamp for this request is outside of the recvWindow",
    "Your IP address is not in the whitelist; see https://bybit-exchange.github.io/docs/v5/asset/withdraw/cancel-withdraw",
    "Request parameter error: limit must be between 1 and 50 (100% of the quota used)",
    "Accounts &amp; deposits: internal error, requestId=4e6f8a2b-1c3d-4a5b-9c8d-7e6f5a4b3c2d",
    "系统繁忙，请稍后再试",
    "Successfully cancelled; authenticationRequired notwithstanding"
  ]

  it("come through untouched, with fifty different signatures", () => {
    const scrub = Scrub.make([SECRET])
    for (let n = 0; n < 50; n++) {
      const signature = createHmac("sha256", SECRET).update(`payload ${n}`).digest("hex")
      for (const text of ordinary) expect(scrub(text, signature)).toBe(text)
    }
  })
})

describe("through the client", () => {
  // The secret the scripted layer signs with (test/scripted.ts).
  const LAYER_SECRET = "test-secret-0123456789"
  for (const [label, retMsgOf] of [
    ["base64 of the signature's text", (sign: string) => `bad sign ${b64(sign)}`],
    ["the signature in fullwidth", (sign: string) => `sign ${fullwidth(sign)}`],
    ["the signature percent-escaped twice", (sign: string) => `sign ${percentN(sign, 2)}`],
    ["the secret as HTML references", () => `secret ${each(LAYER_SECRET, (c) => `&#${code(c)};`)}`],
    ["base64 of the secret", () => `secret ${b64(LAYER_SECRET)}`]
  ] as const) {
    it.effect(`a retMsg with ${label} is dropped from the error`, () =>
      Effect.gen(function* () {
        const { layer, seen } = scriptedClient((request) => ({
          status: 200,
          body: JSON.stringify({ retCode: 10001, retMsg: retMsgOf(request.headers["x-bapi-sign"] ?? "") })
        }))
        const error = yield* Effect.flip(
          Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
        )
        const sent = retMsgOf(seen[0]!.headers["x-bapi-sign"]!)
        expect(error._tag).toBe("InvalidRequest")
        expect("retMsg" in error ? error.retMsg : undefined).toBe(Scrub.ENCODED)
        const shown = [JSON.stringify(error), String(error), inspect(error, { depth: 10 }), error.message].join("\n")
        expect(shown).not.toContain(sent.slice(-24))
      })
    )
  }
})
