// Point 2 and 3 of issue 10: one scrubber for every server string that enters an error, a log line
// or a span; every such string truncated.
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, Effect, Logger, Redacted } from "effect"
import { BybitConfig, Withdrawals } from "../src/index.js"
import * as Scrub from "../src/internal/scrub.js"
import { type Scripted, scriptedClient, scriptedLayer } from "./scripted.js"

const SECRET = "test-secret-0123456789"
const PEM_BLOCK =
  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----"

/** Every way an error can be shown. */
const renderings = (error: unknown): string =>
  [
    JSON.stringify(error),
    String(error),
    inspect(error, { depth: 10, showHidden: true }),
    Cause.pretty(Cause.fail(error)),
    error instanceof Error ? `${error.message}\n${error.stack}` : ""
  ].join("\n")

/** Runs a cancel that gets `answer(signature)`, collecting the error and every log line. */
const run = (answer: (signature: string) => Scripted, options: Partial<BybitConfig.Options> = {}) =>
  Effect.gen(function* () {
    const signatures: Array<string> = []
    const { layer } = scriptedClient((seen) => {
      const signature = seen.headers["x-bapi-sign"] ?? ""
      signatures.push(signature)
      return answer(signature)
    })
    const lines: Array<string> = []
    const logger = Logger.make(({ message, cause }) => {
      lines.push(`${inspect(message, { depth: 10 })} ${Cause.pretty(cause)}`)
    })
    const error = yield* Effect.flip(
      Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.tapErrorCause((cause) => Effect.logError("failed", cause)),
        Effect.provide(scriptedLayer(layer, { retry: false, ...options })),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
    )
    return { error, signatures, shown: `${renderings(error)}\n${lines.join("\n")}` }
  })

const envelope = (fields: Record<string, unknown>) => ({ status: 200, body: JSON.stringify(fields) })

describe("the scrubber", () => {
  const scrub = Scrub.make([SECRET])
  const sig = "a".repeat(16) + "0123456789abcdef".repeat(3)
  for (const [label, text] of [
    ["the signature in lower case", `bad sign ${sig}`],
    ["the signature in upper case", `bad sign ${sig.toUpperCase()}`],
    ["the signature in mixed case", `bad sign ${sig.slice(0, 30).toUpperCase()}${sig.slice(30)}`],
    ["the secret", `origin_string[${SECRET}]`],
    ["the secret in upper case", `origin_string[${SECRET.toUpperCase()}]`],
    ["a PEM block", `key: ${PEM_BLOCK} end`],
    ["a PEM block with literal \\n", `key: ${PEM_BLOCK.replaceAll("\n", "\\n")}`],
    ["a PEM block cut short", `key: ${PEM_BLOCK.slice(0, 60)}`],
    ["a 64-hex signature of another request", `sign=${"f".repeat(64)}`],
    ["a base64 RSA signature", `sign=${"Ab+/".repeat(86)}==`]
  ] as const) {
    it(`removes ${label}`, () => {
      const out = scrub(text, sig)
      expect(out).toContain("<redacted>")
      expect(out.toLowerCase()).not.toContain(sig.slice(0, 40).toLowerCase())
      expect(out.toLowerCase()).not.toContain(SECRET.toLowerCase())
      expect(out).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7")
      expect(out).not.toContain("f".repeat(64))
    })
  }

  it("makes the text one line and cuts it to 300 characters", () => {
    const out = scrub(`line1\nline2\r\u0000\u2028${"x".repeat(10_000)}`)
    expect(out.length).toBeLessThanOrEqual(300)
    for (const c of ["\n", "\r", "\u0000", "\u2028"]) expect(out).not.toContain(c)
  })

  it("removes a secret that sits across the cut, before cutting", () => {
    const out = scrub(`${"x".repeat(290)}${SECRET}`)
    expect(out).not.toContain(SECRET.slice(0, 8))
  })

  it("leaves ordinary text alone", () => {
    expect(scrub("Withdraw order not found")).toBe("Withdraw order not found")
  })
})

describe("every server string that enters an error is scrubbed and bounded", () => {
  for (const [label, answer] of [
    [
      "a retMsg echoing the signature upper-case",
      (s: string) => envelope({ retCode: 10004, retMsg: `expected ${s.toUpperCase()}` })
    ],
    ["a retMsg echoing the secret", () => envelope({ retCode: 10004, retMsg: `secret ${SECRET}` })],
    ["a retMsg with a PEM", () => envelope({ retCode: 10001, retMsg: PEM_BLOCK })],
    [
      "a malformed retMsg (an object) holding the signature",
      (s: string) => envelope({ retCode: 10004, retMsg: { sign: s } })
    ],
    ["a malformed retCode holding the signature", (s: string) => envelope({ retCode: s, retMsg: "x" })],
    [
      "a malformed result holding the signature",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: s } })
    ],
    [
      "a CancelFailed retMsg holding the signature",
      (s: string) => envelope({ retCode: 0, retMsg: s, result: { status: 0 } })
    ],
    [
      "an unknown retCode with a 100 kB retMsg and the signature at its end",
      (s: string) => envelope({ retCode: 424242, retMsg: `${"x".repeat(100_000)}${s}` })
    ],
    [
      "a malformed result with the signature after 150 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(150)}${s}` } })
    ],
    [
      "a malformed result with the signature after 162 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(162)}${s}` } })
    ],
    [
      "a malformed result with the signature after 174 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(174)}${s}` } })
    ],
    [
      "a malformed result with the signature after 186 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(186)}${s}` } })
    ],
    [
      "a malformed result with the signature after 198 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(198)}${s}` } })
    ],
    [
      "a malformed result with the signature after 210 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(210)}${s}` } })
    ],
    [
      "a malformed result with the signature after 222 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(222)}${s}` } })
    ],
    [
      "a malformed result with the signature after 234 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(234)}${s}` } })
    ],
    [
      "a malformed result with the signature after 246 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(246)}${s}` } })
    ],
    [
      "a malformed result with the signature after 258 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(258)}${s}` } })
    ],
    [
      "a malformed result with the signature after 270 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(270)}${s}` } })
    ],
    [
      "a malformed result with the signature after 282 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(282)}${s}` } })
    ],
    [
      "a malformed result with the signature after 294 characters (across any cut)",
      (s: string) => envelope({ retCode: 0, retMsg: "OK", result: { status: `${"y".repeat(294)}${s}` } })
    ],
    [
      "a 5xx envelope echoing the signature",
      (s: string) => ({
        status: 503,
        body: JSON.stringify({ retCode: 10016, retMsg: `busy ${s}` })
      })
    ]
  ] as const) {
    it.effect(label, () =>
      Effect.gen(function* () {
        const { error, signatures, shown } = yield* run(answer)
        expect(signatures.length).toBeGreaterThan(0)
        for (const s of signatures) {
          expect(shown.toLowerCase()).not.toContain(s.toLowerCase())
          expect(shown.toLowerCase()).not.toContain(s.slice(0, 32).toLowerCase())
        }
        expect(shown).not.toContain(SECRET)
        expect(shown).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7")
        for (const key of ["retMsg", "detail"] as const) {
          const value = (error as unknown as Record<string, unknown>)[key]
          if (typeof value === "string") expect(value.length).toBeLessThanOrEqual(300)
        }
      })
    )
  }

  it.effect("an RSA key's lines echoed back are removed too", () =>
    Effect.gen(function* () {
      const pem = mockRsaPrivateKeyPem()
      const line = pem.split("\n")[3]!
      const { shown } = yield* run(() => envelope({ retCode: 10004, retMsg: `got ${line}` }), {
        credentials: BybitConfig.rsa({ apiKey: MOCK_RSA_API_KEY, rsaPrivateKey: Redacted.make(pem) })
      })
      expect(line.length).toBeGreaterThan(40)
      expect(shown).not.toContain(line)
    })
  )
})
