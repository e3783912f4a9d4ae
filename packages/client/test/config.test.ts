// BybitConfig on Effect 4's Config: layerConfig from a ConfigProvider, and every refusal a
// Config.ConfigError that names the variable or option and its rule, never the value.
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID } from "@effect-bybit/mock-exchange/core"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const NOW = 1_700_000_000_000
const exchangeLayer = MockExchange.layer({ now: NOW, clock: "effect" })

/** The client from `layerConfig(config)` over the variables `env`, on the in-process exchange. */
const fromVariables = (env: Record<string, string>, config?: Config.Wrap<BybitConfig.Options>) =>
  BybitClient.layerConfig(config).pipe(
    Layer.provideMerge(exchangeLayer),
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))
  )

/** The error of building the client from `env`, as text (message and toString). */
const refusal = (env: Record<string, string>, config?: Config.Wrap<BybitConfig.Options>) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(Layer.build(fromVariables(env, config)).pipe(Effect.scoped))
    expect(error).toBeInstanceOf(Config.ConfigError)
    return `${error.message}\n${String(error)}`
  })

describe("BybitClient.layerConfig", () => {
  it.effect("reads BYBIT_* from the ConfigProvider and cancels on the exchange", () =>
    Effect.gen(function* () {
      const client = yield* BybitClient.BybitClient
      expect(client.environment).toBe("mainnet")
      const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
      expect(result.status).toBe("cancelled")
      expect((yield* MockExchange).withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("CancelByUser")
    }).pipe(
      Effect.provide(
        fromVariables({ BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET, BYBIT_RECV_WINDOW: "7000" })
      )
    )
  )

  it.effect("a missing secret names both variables that could hold it", () =>
    Effect.gen(function* () {
      const text = yield* refusal({ BYBIT_API_KEY: MOCK_API_KEY })
      expect(text).toContain("BYBIT_API_SECRET")
      expect(text).toContain("BYBIT_RSA_PRIVATE_KEY")
    })
  )

  it.effect("a missing API key names BYBIT_API_KEY", () =>
    Effect.gen(function* () {
      expect(yield* refusal({ BYBIT_API_SECRET: MOCK_API_SECRET })).toContain("BYBIT_API_KEY")
    })
  )

  it.effect("a secret that breaks the rule names the variable and the rule, never the secret", () =>
    Effect.gen(function* () {
      const secret = "Sup3rSecretValue with a space"
      const text = yield* refusal({ BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: secret })
      expect(text).toContain("BYBIT_API_SECRET")
      expect(text).toContain("may hold only letters, digits, _ and -")
      expect(text).not.toContain("Sup3rSecretValue")
    })
  )

  it.effect("both secrets set is refused, naming the two", () =>
    Effect.gen(function* () {
      const text = yield* refusal({
        BYBIT_API_KEY: MOCK_API_KEY,
        BYBIT_API_SECRET: MOCK_API_SECRET,
        BYBIT_RSA_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"
      })
      expect(text).toMatch(/BYBIT_API_SECRET|BYBIT_RSA_PRIVATE_KEY/)
      expect(text).not.toContain(MOCK_API_SECRET)
    })
  )

  it.effect("an out-of-range BYBIT_RECV_WINDOW names it and the range, not the value", () =>
    Effect.gen(function* () {
      const text = yield* refusal({
        BYBIT_API_KEY: MOCK_API_KEY,
        BYBIT_API_SECRET: MOCK_API_SECRET,
        BYBIT_RECV_WINDOW: "987654"
      })
      expect(text).toContain("BYBIT_RECV_WINDOW")
      expect(text).toContain("from 1 to 60000")
      expect(text).not.toContain("987654")
    })
  )

  it.effect("an unknown BYBIT_ENV and a plain-http BYBIT_BASE_URL are refused under their names", () =>
    Effect.gen(function* () {
      const base = { BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }
      expect(yield* refusal({ ...base, BYBIT_ENV: "moon" })).toContain("BYBIT_ENV")
      const url = yield* refusal({ ...base, BYBIT_BASE_URL: "http://api.example.com" })
      expect(url).toContain("BYBIT_BASE_URL")
      expect(url).toContain("base URL")
    })
  )

  it.effect("hmacConfig over the caller's Configs names the part (the variable is not known to it)", () =>
    Effect.gen(function* () {
      const text = yield* refusal(
        { KEY: MOCK_API_KEY, SECRET: "not valid!" },
        {
          ...BybitConfig.fromEnv,
          credentials: BybitConfig.hmacConfig({ apiKey: Config.String("KEY"), apiSecret: Config.Redacted("SECRET") })
        }
      )
      expect(text).toContain("apiSecret")
      expect(text).not.toContain("not valid!")
    })
  )
})

describe("BybitClient.make options", () => {
  const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
  const refused = (options: Partial<BybitConfig.Options>) =>
    Effect.flip(
      Layer.build(BybitClient.layer({ credentials, ...options }).pipe(Layer.provide(exchangeLayer))).pipe(Effect.scoped)
    )

  it.effect("each bad option is a ConfigError naming it", () =>
    Effect.gen(function* () {
      for (const [options, name] of [
        [{ recvWindow: 0 }, "recvWindow"],
        [{ timeout: -5 }, "timeout"],
        [{ maxResponseBytes: 10 }, "maxResponseBytes"],
        [{ environment: "moon" as BybitConfig.Environment }, "environment"],
        [{ baseUrl: "ftp://x" }, "baseUrl"]
      ] as const) {
        const error = yield* refused(options)
        expect(error).toBeInstanceOf(Config.ConfigError)
        expect(error.message, name).toContain(name)
      }
    })
  )

  it.effect("options or credentials whose getter or Proxy throws: a ConfigError naming the option, no defect", () =>
    Effect.gen(function* () {
      const throwing = <A extends object>(key: string, base: A): A =>
        new Proxy(base, {
          get: (target, k) => {
            if (k === key) throw new Error("boom")
            return (target as Record<string | symbol, unknown>)[k]
          }
        })
      const build = (options: BybitConfig.Options) =>
        Effect.flip(Layer.build(BybitClient.layer(options).pipe(Layer.provide(exchangeLayer))).pipe(Effect.scoped))
      const timeout = yield* build(throwing("timeout", { credentials }))
      expect(timeout).toBeInstanceOf(Config.ConfigError)
      expect(timeout.message).toContain("timeout")
      const apiKey = yield* build({ credentials: throwing("apiKey", credentials) })
      expect(apiKey.message).toContain("apiKey")
      expect((yield* build(undefined as never)).message).toContain("options")
    })
  )

  it.effect("a bad secret names credentials.apiSecret, never the secret", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(
          BybitClient.layer({
            credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make("leaky secret") })
          }).pipe(Layer.provide(exchangeLayer))
        ).pipe(Effect.scoped)
      )
      expect(error.message).toContain("apiSecret")
      expect(`${error.message}${String(error)}${JSON.stringify(error)}`).not.toContain("leaky")
    })
  )
})
