// Point 7 of issue 10: credentials are checked when the layer is built, in one place for `layer`
// and `layerConfig`; a ConfigError names the option or variable, says what is wrong, never quotes
// the value and never alters it.
import { generateKeyPairSync } from "node:crypto"
import type { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, Config, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { CANCEL_OK, scriptedClient } from "./scripted.js"

const GOOD_KEY = "GoodApiKey0123"
const GOOD_SECRET = "GoodApiSecret0123456789"

/** Builds the layer (options or environment) and returns the error's text, or "built". */
const build = (
  layer: Layer.Layer<BybitClient.BybitClient, unknown, HttpClient.HttpClient>,
  env?: Record<string, string>
) =>
  Effect.gen(function* () {
    const { seen, layer: transport } = scriptedClient(() => CANCEL_OK)
    let effect = Effect.exit(Layer.build(layer.pipe(Layer.provide(transport))).pipe(Effect.scoped))
    if (env !== undefined)
      effect = effect.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    const exit = yield* effect
    expect(seen).toEqual([])
    return Exit.isSuccess(exit) ? "built" : Cause.pretty(exit.cause)
  })

const RULE = /may hold only letters, digits, _ and - \(U\+[0-9A-F]{4,6} at position \d+ of \d+\)/

const bad: ReadonlyArray<readonly [string, string, RegExp]> = [
  ["a trailing newline", `${GOOD_KEY}\n`, RULE],
  ["a newline inside", `${GOOD_KEY.slice(0, 5)}\n${GOOD_KEY.slice(5)}`, RULE],
  ["a carriage return", `${GOOD_KEY}\r`, RULE],
  ["a tab", `\t${GOOD_KEY}`, RULE],
  ["a NUL", `${GOOD_KEY}\u0000`, RULE],
  ["a DEL", `${GOOD_KEY}\u007f`, RULE],
  ["a leading space", ` ${GOOD_KEY}`, RULE],
  ["a trailing space", `${GOOD_KEY} `, RULE],
  ["a trailing no-break space", `${GOOD_KEY}\u00a0`, RULE]
]

describe("an API key or secret with anything but [A-Za-z0-9_-] is a ConfigError", () => {
  for (const [label, value, reason] of bad) {
    it.effect(`API key with ${label}, as an option`, () =>
      Effect.gen(function* () {
        const text = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: value, apiSecret: Redacted.make(GOOD_SECRET) }) })
        )
        expect(text).toContain("credentials.apiKey")
        expect(text).toMatch(reason)
        expect(text).not.toContain(GOOD_KEY.slice(0, 5))
      })
    )
    it.effect(`API key with ${label}, from BYBIT_API_KEY`, () =>
      Effect.gen(function* () {
        const text = yield* build(BybitClient.layerConfig(), { BYBIT_API_KEY: value, BYBIT_API_SECRET: GOOD_SECRET })
        expect(text).toContain("BYBIT_API_KEY")
        expect(text).toMatch(reason)
        expect(text).not.toContain(GOOD_KEY.slice(0, 5))
      })
    )
    const secret = value.replace(GOOD_KEY, GOOD_SECRET)
    it.effect(`secret with ${label}, as an option and from BYBIT_API_SECRET`, () =>
      Effect.gen(function* () {
        const fromOptions = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(secret) }) })
        )
        expect(fromOptions).toContain("credentials.apiSecret")
        expect(fromOptions).toMatch(reason)
        const fromEnv = yield* build(BybitClient.layerConfig(), { BYBIT_API_KEY: GOOD_KEY, BYBIT_API_SECRET: secret })
        expect(fromEnv).toContain("BYBIT_API_SECRET")
        expect(fromEnv).toMatch(reason)
        for (const text of [fromOptions, fromEnv]) expect(text).not.toContain(GOOD_SECRET.slice(0, 8))
      })
    )
  }

  for (const [label, key] of [
    ["Cyrillic letters", "ключ0123"],
    ["an accented letter", "Good\u00e9Key"],
    ["an emoji", "GoodKey\u{1F511}"],
    ["a space inside", "Good Key"]
  ] as const) {
    it.effect(`API key with ${label}: not a key character, a ConfigError before any request`, () =>
      Effect.gen(function* () {
        const text = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: key, apiSecret: Redacted.make(GOOD_SECRET) }) })
        )
        expect(text).toContain("credentials.apiKey")
        expect(text).toMatch(RULE)
        expect(text).not.toContain(key)
      })
    )
  }

  for (const [label, secret] of [
    ["a zero-width space inside", `${GOOD_SECRET.slice(0, 9)}\u200b${GOOD_SECRET.slice(9)}`],
    ["a no-break space inside", `${GOOD_SECRET.slice(0, 9)}\u00a0${GOOD_SECRET.slice(9)}`],
    ["a trailing zero-width space", `${GOOD_SECRET}\u200b`],
    ["a right-to-left mark", `\u200f${GOOD_SECRET}`],
    ["a space inside", `${GOOD_SECRET.slice(0, 9)} ${GOOD_SECRET.slice(9)}`]
  ] as const) {
    it.effect(`secret with ${label}: a ConfigError naming the position, never the value`, () =>
      Effect.gen(function* () {
        const fromOptions = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(secret) }) })
        )
        const fromEnv = yield* build(BybitClient.layerConfig(), { BYBIT_API_KEY: GOOD_KEY, BYBIT_API_SECRET: secret })
        expect(fromOptions).toContain("credentials.apiSecret")
        expect(fromEnv).toContain("BYBIT_API_SECRET")
        for (const text of [fromOptions, fromEnv]) {
          expect(text).toMatch(RULE)
          expect(text).not.toContain(GOOD_SECRET.slice(0, 8))
        }
      })
    )
  }

  // What a copy can add that no eye sees, or that only looks like the key: refused by kind (not
  // printable ASCII), whatever the character, with its code point and position, never the value.
  for (const [label, piece] of [
    ["a Hangul filler (U+3164)", "\u3164"],
    ["a Hangul choseong filler (U+115F)", "\u115f"],
    ["a halfwidth Hangul filler (U+FFA0)", "\uffa0"],
    ["a braille blank (U+2800)", "\u2800"],
    ["a combining grapheme joiner (U+034F)", "\u034f"],
    ["a variation selector (U+FE0F)", "\ufe0f"],
    ["a replacement character (U+FFFD)", "\ufffd"],
    ["a lone surrogate (U+D800)", "\ud800"],
    ["a Cyrillic look-alike a (U+0430)", "\u0430"],
    ["an accented letter (U+00E9)", "\u00e9"]
  ] as const) {
    for (const [where, secret] of [
      ["inside", `${GOOD_SECRET.slice(0, 9)}${piece}${GOOD_SECRET.slice(9)}`],
      ["at the end", `${GOOD_SECRET}${piece}`]
    ] as const) {
      it.effect(`secret with ${label} ${where}: a ConfigError with the code point, never the value`, () =>
        Effect.gen(function* () {
          const fromOptions = yield* build(
            BybitClient.layer({
              credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(secret) })
            })
          )
          const fromEnv = yield* build(BybitClient.layerConfig(), { BYBIT_API_KEY: GOOD_KEY, BYBIT_API_SECRET: secret })
          expect(fromOptions).toContain("credentials.apiSecret")
          expect(fromEnv).toContain("BYBIT_API_SECRET")
          const code = `U+${piece.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`
          for (const text of [fromOptions, fromEnv]) {
            expect(text).toContain(code)
            expect(text).toMatch(/at position \d+ of \d+/)
            expect(text).not.toContain(GOOD_SECRET.slice(0, 8))
          }
        })
      )
    }
  }

  // What is left of the line or the template the key was copied from: refused by the same rule
  // (letters, digits, '-' and '_' only), for the key as for the secret.
  for (const [label, make] of [
    ["a literal \\n left at the end", (v: string) => `${v}\\n`],
    ["a literal \\r\\n left at the end", (v: string) => `${v}\\r\\n`],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell template a value can be left as
    ["a ${NAME} template", (_: string) => "${BYBIT_API_SECRET}"],
    ["a $NAME reference", (_: string) => "$BYBIT_API_SECRET"],
    ["a NAME=value line", (v: string) => `BYBIT_API_SECRET=${v}`],
    ["a <placeholder>", (_: string) => "<your-api-secret>"],
    ["an &nbsp; entity", (v: string) => `${v}&nbsp;`],
    ["a %0A escape", (v: string) => `${v}%0A`],
    ["a trailing semicolon", (v: string) => `${v};`],
    ["a dot inside", (v: string) => `${v.slice(0, 5)}.${v.slice(5)}`]
  ] as const) {
    it.effect(`a key and a secret with ${label} are refused, never quoted`, () =>
      Effect.gen(function* () {
        const secret = make(GOOD_SECRET)
        const key = make(GOOD_KEY)
        const secretText = yield* build(BybitClient.layerConfig(), {
          BYBIT_API_KEY: GOOD_KEY,
          BYBIT_API_SECRET: secret
        })
        const keyText = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: key, apiSecret: Redacted.make(GOOD_SECRET) }) })
        )
        expect(secretText).toContain("BYBIT_API_SECRET")
        expect(keyText).toContain("credentials.apiKey")
        for (const text of [secretText, keyText]) {
          expect(text).toMatch(RULE)
          expect(text).not.toContain(GOOD_SECRET.slice(0, 8))
          expect(text).not.toContain(GOOD_KEY)
        }
      })
    )
  }

  for (const [label, wrapped] of [
    ["double quotes", `"${GOOD_SECRET}"`],
    ["single quotes", `'${GOOD_SECRET}'`],
    ["backticks", `\`${GOOD_SECRET}\``],
    ["mismatched quotes", `"${GOOD_SECRET}'`],
    ["a leading quote only", `"${GOOD_SECRET}`],
    ["a trailing quote only", `${GOOD_SECRET}'`]
  ] as const) {
    it.effect(`a secret and an API key with ${label} (a .env line's quotes kept) are refused`, () =>
      Effect.gen(function* () {
        const secretText = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(wrapped) }) })
        )
        const keyText = yield* build(BybitClient.layerConfig(), {
          BYBIT_API_KEY: wrapped.replace(GOOD_SECRET, GOOD_KEY),
          BYBIT_API_SECRET: GOOD_SECRET
        })
        expect(secretText).toContain("credentials.apiSecret")
        expect(keyText).toContain("BYBIT_API_KEY")
        for (const text of [secretText, keyText]) {
          expect(text).toMatch(RULE)
          expect(text).not.toContain(GOOD_SECRET)
          expect(text).not.toContain(GOOD_KEY)
        }
      })
    )
  }

  it.effect("keys and secrets of letters, digits, '-' and '_' are accepted (Bybit's, and test keys)", () =>
    Effect.gen(function* () {
      for (const [key, secret] of [
        ["XXXXXXXXXXXXXXXXXX", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"],
        ["mock-api-key", "mock-api-secret"],
        ["k", "s"],
        ["a_b-c", "0123456789_-"]
      ] as const) {
        const text = yield* build(
          BybitClient.layer({ credentials: BybitConfig.hmac({ apiKey: key, apiSecret: Redacted.make(secret) }) })
        )
        expect(text).toBe("built")
      }
    })
  )

  for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1024" as never]) {
    it.effect(`maxResponseBytes ${String(value)} is a ConfigError naming it`, () =>
      Effect.gen(function* () {
        const text = yield* build(
          BybitClient.layer({
            credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(GOOD_SECRET) }),
            maxResponseBytes: value
          })
        )
        expect(text).toContain("maxResponseBytes")
      })
    )
  }

  it.effect("good credentials build, and the key is sent exactly as given", () =>
    Effect.gen(function* () {
      const { seen, layer: transport } = scriptedClient(() => CANCEL_OK)
      yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(
          BybitClient.layer({
            credentials: BybitConfig.hmac({ apiKey: GOOD_KEY, apiSecret: Redacted.make(GOOD_SECRET) }),
            timeSync: false
          }).pipe(Layer.provide(transport))
        )
      )
      expect(seen[0]?.headers["x-bapi-api-key"]).toBe(GOOD_KEY)
    })
  )
})

describe("RSA keys", () => {
  it.effect("a PEM with literal \\n escapes (as .env files keep it) is accepted and signs", () =>
    Effect.gen(function* () {
      const escaped = mockRsaPrivateKeyPem().trim().replaceAll("\n", "\\n")
      expect(escaped).not.toContain("\n")
      const { seen, layer: transport } = scriptedClient(() => CANCEL_OK)
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(
          BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) }).pipe(
            Layer.provide(transport)
          )
        ),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["BYBIT_API_KEY", MOCK_RSA_API_KEY],
              ["BYBIT_RSA_PRIVATE_KEY", escaped]
            ])
          )
        )
      )
      expect(result.status).toBe("cancelled")
      expect(seen[0]?.headers["x-bapi-sign"]).toMatch(/^[A-Za-z0-9+/]+=*$/)
    })
  )

  it.effect("a PEM with literal \\r\\n escapes is accepted too", () =>
    Effect.gen(function* () {
      const escaped = mockRsaPrivateKeyPem().trim().replaceAll("\n", "\\r\\n")
      const text = yield* build(
        BybitClient.layer({
          credentials: BybitConfig.rsa({ apiKey: MOCK_RSA_API_KEY, rsaPrivateKey: Redacted.make(escaped) })
        })
      )
      expect(text).toBe("built")
    })
  )

  for (const [label, pem] of [
    ["garbage", "not a key at all"],
    ["a PEM cut short", mockRsaPrivateKeyPem().slice(0, 200)],
    [
      "a public key",
      generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString()
    ],
    [
      "an EC key",
      generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString()
    ]
  ] as const) {
    it.effect(`${label}: a ConfigError that says why, naming the variable, without quoting the key`, () =>
      Effect.gen(function* () {
        const text = yield* build(BybitClient.layerConfig(), {
          BYBIT_API_KEY: MOCK_RSA_API_KEY,
          BYBIT_RSA_PRIVATE_KEY: pem
        })
        expect(text).toContain("BYBIT_RSA_PRIVATE_KEY")
        expect(text).not.toContain(pem.length > 60 ? pem.slice(30, 60) : pem)
        expect(text).not.toMatch(/cannot be used for signing$/)
      })
    )
  }
})
