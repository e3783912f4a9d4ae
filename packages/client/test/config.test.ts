import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { MOCK_API_KEY, MOCK_API_SECRET, MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, ConfigProvider, Effect, Either, Exit, Layer, Redacted, TestClock } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { freshExchange, NOW, useMsw } from "./support.js"

useMsw()

const fromEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const build = (env: Record<string, string>, overrides: Partial<BybitConfig.Options> = {}) =>
  BybitClient.BybitClient.pipe(
    Effect.provide(
      BybitClient.layerConfig({ timeSync: false, ...overrides }).pipe(Layer.provide(FetchHttpClient.layer))
    ),
    fromEnv(env),
    Effect.exit
  )

/** The ConfigError of a failed build, as text; fails the test on success or on a defect. */
const configError = (exit: Exit.Exit<unknown, unknown>): string => {
  expect(Exit.isFailure(exit)).toBe(true)
  if (Exit.isSuccess(exit)) return ""
  expect(Cause.isDie(exit.cause)).toBe(false)
  const failure = Cause.failureOption(exit.cause)
  expect(failure._tag).toBe("Some")
  return String(Cause.squash(exit.cause))
}

const hmacEnv = { BYBIT_API_KEY: MOCK_API_KEY, BYBIT_API_SECRET: MOCK_API_SECRET }

describe("layerConfig", () => {
  it.effect("defaults to mainnet with HMAC credentials and a 5000ms receive window", () =>
    Effect.gen(function* () {
      const exit = yield* build(hmacEnv)
      expect(Exit.isSuccess(exit)).toBe(true)
      if (Exit.isSuccess(exit)) {
        expect(exit.value.environment).toBe("mainnet")
        expect(exit.value.baseUrl).toBe("https://api.bybit.com")
      }
    })
  )

  for (const [name, host] of Object.entries(BybitConfig.environments)) {
    it.effect(`BYBIT_ENV=${name} selects ${host}`, () =>
      Effect.gen(function* () {
        const exit = yield* build({ ...hmacEnv, BYBIT_ENV: name })
        expect(Exit.isSuccess(exit) && exit.value.baseUrl).toBe(host)
      })
    )
  }

  it.effect("names BYBIT_API_KEY when it is missing", () =>
    Effect.gen(function* () {
      expect(configError(yield* build({ BYBIT_API_SECRET: "x" }))).toContain("BYBIT_API_KEY")
    })
  )

  it.effect("names BYBIT_API_SECRET / BYBIT_RSA_PRIVATE_KEY when neither is set", () =>
    Effect.gen(function* () {
      const text = configError(yield* build({ BYBIT_API_KEY: "k" }))
      expect(text).toContain("BYBIT_API_SECRET")
      expect(text).toContain("BYBIT_RSA_PRIVATE_KEY")
    })
  )

  it.effect("refuses both a secret and an RSA key", () =>
    Effect.gen(function* () {
      const text = configError(yield* build({ ...hmacEnv, BYBIT_RSA_PRIVATE_KEY: "pem" }))
      expect(text).toContain("BYBIT_API_SECRET")
    })
  )

  it.effect("names BYBIT_API_SECRET when it is empty (a ConfigError, not a defect)", () =>
    Effect.gen(function* () {
      expect(configError(yield* build({ BYBIT_API_KEY: "k", BYBIT_API_SECRET: "" }))).toContain("BYBIT_API_SECRET")
    })
  )

  it.effect("names BYBIT_RSA_PRIVATE_KEY for a PEM that does not parse, without quoting it", () =>
    Effect.gen(function* () {
      const pem = "-----BEGIN PRIVATE KEY-----\nTm90QUtleUF0QWxsU2VjcmV0TWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n"
      const text = configError(yield* build({ BYBIT_API_KEY: "k", BYBIT_RSA_PRIVATE_KEY: pem }))
      expect(text).toContain("BYBIT_RSA_PRIVATE_KEY")
      expect(text).not.toContain("Tm90QUtleUF0QWxsU2VjcmV0TWF0ZXJpYWw")
    })
  )

  it.effect("names BYBIT_ENV for an unknown environment", () =>
    Effect.gen(function* () {
      expect(configError(yield* build({ ...hmacEnv, BYBIT_ENV: "moon" }))).toContain("BYBIT_ENV")
    })
  )

  it.effect("names BYBIT_RECV_WINDOW when it is not a positive integer up to 60000", () =>
    Effect.gen(function* () {
      for (const value of ["abc", "0", "-5", "1.5", "60001"]) {
        expect(configError(yield* build({ ...hmacEnv, BYBIT_RECV_WINDOW: value }))).toContain("BYBIT_RECV_WINDOW")
      }
    })
  )

  for (const url of [
    "http://api.bybit.com",
    "http://10.0.0.1:8080",
    "ftp://127.0.0.1",
    "not a url",
    "https://user:pw@api.bybit.com"
  ]) {
    it.effect(`refuses BYBIT_BASE_URL=${url}`, () =>
      Effect.gen(function* () {
        expect(configError(yield* build({ ...hmacEnv, BYBIT_BASE_URL: url }))).toContain("BYBIT_BASE_URL")
      })
    )
  }

  for (const [url, expected] of [
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
    ["http://127.8.9.10", "http://127.8.9.10"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://[::1]:3000", "http://[::1]:3000"],
    ["https://api.bybit.nl", "https://api.bybit.nl"]
  ] as const) {
    it.effect(`accepts BYBIT_BASE_URL=${url}`, () =>
      Effect.gen(function* () {
        const exit = yield* build({ ...hmacEnv, BYBIT_BASE_URL: url, BYBIT_ENV: "testnet" })
        expect(Exit.isSuccess(exit) && exit.value.baseUrl).toBe(expected)
        expect(Exit.isSuccess(exit) && exit.value.environment).toBe("custom")
      })
    )
  }

  it.effect("cancels through the mock with HMAC credentials from the environment", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW) // the mock exchange's clock
      const exchange = freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(BybitClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        fromEnv({ ...hmacEnv, BYBIT_BASE_URL: "https://mock.bybit.test", BYBIT_RECV_WINDOW: "10000" })
      )
      expect(result.status).toBe("cancelled")
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })
  )

  it.effect("cancels through the mock with an RSA key from the environment", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW) // the mock exchange's clock
      const exchange = freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10198" }).pipe(
        Effect.provide(BybitClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        fromEnv({
          BYBIT_API_KEY: MOCK_RSA_API_KEY,
          BYBIT_RSA_PRIVATE_KEY: mockRsaPrivateKeyPem(),
          BYBIT_BASE_URL: "https://mock.bybit.test"
        })
      )
      expect(result.status).toBe("cancelled")
      expect(exchange.withdrawal("10198")?.status).toBe("CancelByUser")
    })
  )
})

describe("layer(options)", () => {
  const options = (extra: Partial<BybitConfig.Options>): BybitConfig.Options => ({
    credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("s") }),
    ...extra
  })
  const buildWith = (o: BybitConfig.Options) =>
    BybitClient.BybitClient.pipe(
      Effect.provide(BybitClient.layer(o).pipe(Layer.provide(FetchHttpClient.layer))),
      Effect.exit
    )

  it.effect("names the option at fault", () =>
    Effect.gen(function* () {
      expect(configError(yield* buildWith(options({ recvWindow: 0 })))).toContain("recvWindow")
      expect(configError(yield* buildWith(options({ baseUrl: "http://example.com" })))).toContain("baseUrl")
      expect(configError(yield* buildWith(options({ timeout: "-1 seconds" as never })))).toContain("timeout")
      expect(
        configError(
          yield* buildWith(options({ credentials: BybitConfig.hmac({ apiKey: " ", apiSecret: Redacted.make("s") }) }))
        )
      ).toContain("credentials.apiKey")
      expect(
        configError(
          yield* buildWith(options({ credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("") }) }))
        )
      ).toContain("credentials.apiSecret")
    })
  )

  it("validateBaseUrl explains a refusal", () => {
    expect(BybitConfig.validateBaseUrl("http://192.168.1.1")).toEqual(
      Either.left("must use https (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1])")
    )
    expect(BybitConfig.validateBaseUrl("http://127.0.0.1.evil.com")._tag).toBe("Left")
    expect(BybitConfig.validateBaseUrl("https://api.bybit.com/")).toEqual(Either.right("https://api.bybit.com"))
  })
})
