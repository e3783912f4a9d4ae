import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Rules } from "@effect-bybit/core"
import { MOCK_API_KEY, MOCK_API_SECRET, MOCK_RSA_API_KEY, mockRsaPrivateKeyPem } from "@effect-bybit/mock-exchange"
import { Cause, Config, ConfigProvider, Effect, Exit, Layer, Redacted, TestClock } from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { freshExchange, NOW, useMsw } from "./support.js"

useMsw()

const fromEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const build = (env: Record<string, string>) =>
  BybitClient.BybitClient.pipe(
    Effect.provide(
      BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) }).pipe(
        Layer.provide(FetchHttpClient.layer)
      )
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

/** What `layerConfig` takes: a `Config` per option. */
type ConfigOptions = Config.Config.Wrap<BybitConfig.Options>

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
      const text = configError(yield* build({ ...hmacEnv, BYBIT_RSA_PRIVATE_KEY: mockRsaPrivateKeyPem() }))
      expect(text).toContain("BYBIT_API_SECRET")
      expect(text).toContain("not both")
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

  // The URL parser would read these as another URL than the one written: refused, never repaired.
  for (const url of [
    "https://api.bybit\u200b.com",
    "https://api.bybit\u00ad.com",
    "https://api.bybit\u2060.com",
    "https://api\u3002bybit.com",
    "https://\uff41pi.bybit.com",
    "https:\\\\api.bybit.com\\v5proxy",
    "https://%61pi.bybit.com",
    "https://api.bybit.com/a/../b",
    "https://api.bybit.com:443",
    "http://127.0.0.1:4010/./x"
  ]) {
    it.effect(`refuses BYBIT_BASE_URL=${JSON.stringify(url)}: not read as written`, () =>
      Effect.gen(function* () {
        const text = configError(yield* build({ ...hmacEnv, BYBIT_BASE_URL: url }))
        expect(text).toContain("BYBIT_BASE_URL")
        expect(text).toMatch(/is read by the URL parser as \S+, not as written|whitespace or a control character/)
      })
    )
  }

  it.effect("accepts a base URL whose scheme or host is in capitals (read as written, but for case)", () =>
    Effect.gen(function* () {
      const exit = yield* build({ ...hmacEnv, BYBIT_BASE_URL: "HTTPS://API.Bybit.com/" })
      expect(exit).toMatchObject({ _tag: "Success" })
    })
  )

  // The URL parser would drop or trim these and read another URL than the one written.
  for (const url of [
    "https://api.by\nbit.com",
    "https://api.bybit.com\t",
    "https://api.bybit.com\r\n",
    " https://api.bybit.com",
    "https://api.bybit.com ",
    "https://api.bybit.com/v5\u0000",
    "https://api.bybit\u00a0.com",
    "http://127.0.0.1:4010/\u2028"
  ]) {
    it.effect(`refuses BYBIT_BASE_URL=${JSON.stringify(url)}: whitespace or a control character, never repaired`, () =>
      Effect.gen(function* () {
        const text = configError(yield* build({ ...hmacEnv, BYBIT_BASE_URL: url }))
        expect(text).toContain("BYBIT_BASE_URL")
        expect(text).toMatch(/whitespace or a control character \(at position \d+\)/)
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

  it.effect("options or credentials whose getter or Proxy throws: a ConfigError naming the option, no defect", () =>
    Effect.gen(function* () {
      const throwing = (key: string, base: object) =>
        new Proxy(base, {
          get: (target, k) => {
            if (k === key) throw new Error("boom")
            return (target as Record<string | symbol, unknown>)[k]
          }
        })
      const given = options({})
      expect(configError(yield* buildWith(throwing("timeout", given) as never))).toContain("timeout")
      const credentials = throwing("apiKey", given.credentials)
      expect(configError(yield* buildWith({ ...given, credentials } as never))).toContain("credentials.apiKey")
      expect(configError(yield* buildWith(undefined as never))).toContain("options")
    })
  )

  it("the base URL rule (core Rules.checkBaseUrl) explains a refusal", () => {
    expect(Rules.checkBaseUrl("http://192.168.1.1")).toEqual({
      _tag: "Invalid",
      field: "baseUrl",
      reason: "must use https (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1])"
    })
    expect(Rules.checkBaseUrl("http://127.0.0.1.evil.com")._tag).toBe("Invalid")
    expect(Rules.checkBaseUrl("https://api.bybit.com/")).toEqual({ _tag: "Valid", value: "https://api.bybit.com" })
  })
})

describe("layerConfig with a Config per option", () => {
  const buildFrom = (options: ConfigOptions, env: Record<string, string>) =>
    BybitClient.BybitClient.pipe(
      Effect.provide(BybitClient.layerConfig(options).pipe(Layer.provide(FetchHttpClient.layer))),
      fromEnv(env),
      Effect.exit
    )
  const mine: ConfigOptions = {
    credentials: BybitConfig.hmacConfig({ apiKey: Config.string("SUB_KEY"), apiSecret: Config.string("SUB_SECRET") }),
    environment: Config.string("SUB_ENV") as Config.Config<BybitConfig.Environment>,
    recvWindow: Config.integer("SUB_RECV_WINDOW"),
    timeSync: Config.succeed(false)
  }
  const subEnv = { SUB_KEY: MOCK_API_KEY, SUB_SECRET: MOCK_API_SECRET, SUB_ENV: "testnet", SUB_RECV_WINDOW: "7000" }

  it.effect("reads each option under the caller's names, and no BYBIT_* variable", () =>
    Effect.gen(function* () {
      const exit = yield* buildFrom(mine, { ...subEnv, BYBIT_ENV: "demo", BYBIT_API_KEY: "ignored" })
      expect(Exit.isSuccess(exit) && exit.value.environment).toBe("testnet")
      expect(Exit.isSuccess(exit) && exit.value.baseUrl).toBe(BybitConfig.environments.testnet)
    })
  )

  it.effect("cancels through the mock with the caller's names", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const exchange = freshExchange()
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(
          BybitClient.layerConfig({ ...mine, baseUrl: Config.string("SUB_URL") }).pipe(
            Layer.provide(FetchHttpClient.layer)
          )
        ),
        fromEnv({ ...subEnv, SUB_URL: "https://mock.bybit.test" })
      )
      expect(result.status).toBe("cancelled")
      expect(exchange.requests().find((r) => r.path === Withdrawals.cancelPath)?.apiKey).toBe(MOCK_API_KEY)
    })
  )

  for (const [label, env, name] of [
    ["an API key with a trailing space", { ...subEnv, SUB_KEY: `${MOCK_API_KEY} ` }, "SUB_KEY"],
    ["an empty secret", { ...subEnv, SUB_SECRET: "" }, "SUB_SECRET"],
    ["a secret with a newline", { ...subEnv, SUB_SECRET: `${MOCK_API_SECRET}\n` }, "SUB_SECRET"],
    // The caller's own Configs of other options are checked with the options: the option is named.
    ["an unknown environment", { ...subEnv, SUB_ENV: "moon" }, "environment"],
    ["a receive window of 0", { ...subEnv, SUB_RECV_WINDOW: "0" }, "recvWindow"],
    ["a receive window of 60001", { ...subEnv, SUB_RECV_WINDOW: "60001" }, "recvWindow"]
  ] as const) {
    it.effect(`${label}: the ConfigError's path is the caller's variable (credentials) or the option`, () =>
      Effect.gen(function* () {
        const text = configError(yield* buildFrom(mine, env))
        expect(text).toContain(`at ${name}:`)
        expect(text).not.toContain("BYBIT_")
        expect(text).not.toContain(MOCK_API_SECRET)
      })
    )
  }

  it.effect("an RSA key that does not parse names the caller's variable", () =>
    Effect.gen(function* () {
      const text = configError(
        yield* buildFrom(
          {
            credentials: BybitConfig.rsaConfig({
              apiKey: Config.string("RSA_KEY"),
              rsaPrivateKey: Config.string("RSA_PEM")
            })
          },
          { RSA_KEY: MOCK_RSA_API_KEY, RSA_PEM: "not a key" }
        )
      )
      expect(text).toContain("at RSA_PEM:")
      expect(text).toMatch(/not a PEM block/)
    })
  )

  it.effect("a Config that wraps a variable: redacted credentials name it, other options name the option", () =>
    Effect.gen(function* () {
      const withDefault = configError(
        yield* buildFrom(
          { ...mine, environment: Config.string("OTHER_ENV").pipe(Config.withDefault("moon")) as Config.Config<never> },
          subEnv
        )
      )
      expect(withDefault).toContain("at environment:")
      const mapped = configError(
        yield* buildFrom(
          { ...mine, recvWindow: Config.integer("RW_SECONDS").pipe(Config.map((s) => s * 1000)) },
          { ...subEnv, RW_SECONDS: "61" }
        )
      )
      expect(mapped).toContain("at recvWindow:")
      const redacted = configError(
        yield* buildFrom(
          {
            ...mine,
            credentials: BybitConfig.hmacConfig({
              apiKey: Config.string("SUB_KEY"),
              apiSecret: Config.string("SUB_SECRET")
            })
          },
          { ...subEnv, SUB_SECRET: ` ${MOCK_API_SECRET}` }
        )
      )
      expect(redacted).toContain("at SUB_SECRET:")
      expect(redacted).toMatch(/may hold only letters, digits, _ and - \(U\+0020 at position 1 of \d+\)/)
      expect(redacted).not.toContain(MOCK_API_SECRET)
    })
  )

  it.effect("a Config that reads no variable (succeed) is reported under the option", () =>
    Effect.gen(function* () {
      const constant = configError(
        yield* buildFrom({ ...mine, timeout: Config.succeed("-1 seconds" as never) }, subEnv)
      )
      expect(constant).toContain("at timeout:")
      const environment = configError(
        yield* buildFrom({ ...mine, environment: Config.succeed("moon" as never) }, subEnv)
      )
      expect(environment).toContain("at environment:")
    })
  )

  it.effect("the credentials as a record of Configs (Config.Wrap) are checked part by part", () =>
    Effect.gen(function* () {
      const options: ConfigOptions = {
        credentials: { _tag: Config.succeed("Hmac"), apiKey: Config.string("K"), apiSecret: Config.redacted("S") }
      }
      const built = yield* buildFrom(options, { K: MOCK_API_KEY, S: MOCK_API_SECRET })
      expect(Exit.isSuccess(built) && built.value.environment).toBe("mainnet")
      // Checked with the options (not on the variable): the option path is named.
      const text = configError(yield* buildFrom(options, { K: "bad\tkey", S: MOCK_API_SECRET }))
      expect(text).toContain("at credentials.apiKey:")
      expect(text).toContain("U+0009")
    })
  )

  it.effect("credentials left out (an untyped caller) are a ConfigError naming them", () =>
    Effect.gen(function* () {
      const text = configError(yield* buildFrom({ environment: Config.succeed("testnet") } as never, subEnv))
      expect(text).toContain("at credentials:")
    })
  )

  it.effect("one Config of all the options is checked like plain options", () =>
    Effect.gen(function* () {
      const all = Config.all({
        credentials: Config.unwrap(
          BybitConfig.hmacConfig({ apiKey: Config.string("K"), apiSecret: Config.redacted("S") })
        ),
        recvWindow: Config.integer("RW")
      })
      const ok = yield* buildFrom(all, { K: MOCK_API_KEY, S: MOCK_API_SECRET, RW: "100" })
      expect(Exit.isSuccess(ok)).toBe(true)
      expect(configError(yield* buildFrom(all, { K: MOCK_API_KEY, S: MOCK_API_SECRET, RW: "0" }))).toContain(
        "at recvWindow:"
      )
    })
  )

  it.effect("the preset fromEnv reads BYBIT_* and is the default", () =>
    Effect.gen(function* () {
      const env = { ...hmacEnv, BYBIT_ENV: "demo", BYBIT_RECV_WINDOW: "3000" }
      const preset = yield* Config.unwrap(BybitConfig.fromEnv).pipe(fromEnv(env))
      expect(preset.environment).toBe("demo")
      expect(preset.recvWindow).toBe(3000)
      expect(preset.baseUrl).toBeUndefined()
      expect(preset.credentials).toMatchObject({ _tag: "Hmac", apiKey: MOCK_API_KEY })
      const byDefault = yield* build(env)
      expect(Exit.isSuccess(byDefault) && byDefault.value.baseUrl).toBe(BybitConfig.environments.demo)
    })
  )
})

describe("README, A Config per option", () => {
  it.effect("the example builds both layers from their own variables", () =>
    Effect.gen(function* () {
      // --- README ---
      // The environment, without time sync.
      const FromEnv = BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) })

      // A sub-account's key under your own names, on testnet.
      const SubAccount = BybitClient.layerConfig({
        credentials: BybitConfig.hmacConfig({
          apiKey: Config.string("SUB_KEY"),
          apiSecret: Config.string("SUB_SECRET")
        }),
        environment: Config.succeed("testnet"),
        recvWindow: Config.integer("SUB_RECV_WINDOW").pipe(Config.withDefault(5000))
      })
      // --- end ---
      const env = { ...hmacEnv, SUB_KEY: MOCK_API_KEY, SUB_SECRET: MOCK_API_SECRET }
      const environmentOf = (layer: typeof FromEnv, variables: Record<string, string> = env) =>
        Effect.map(BybitClient.BybitClient, (client) => client.environment).pipe(
          Effect.provide(layer.pipe(Layer.provide(FetchHttpClient.layer))),
          fromEnv(variables)
        )
      expect(yield* environmentOf(FromEnv)).toBe("mainnet")
      expect(yield* environmentOf(SubAccount)).toBe("testnet")
      const refused = yield* Effect.exit(environmentOf(SubAccount, { ...env, SUB_RECV_WINDOW: "99999" }))
      // The caller's own recvWindow Config is checked with the options: the option is named.
      expect(configError(refused)).toContain("at recvWindow:")
    })
  )
})
