/**
 * Configuration of the client: credentials (HMAC or RSA, secrets `Redacted`), the environment or
 * base URL, the receive window, the per-request timeout, the retry schedule and time sync, and the
 * `Config` that reads them from the environment (`BYBIT_*`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { RetryableError } from "./BybitError.js"
import { DEFAULT_MAX_BODY_BYTES } from "./internal/body.js"
import { defaultRetrySchedule } from "./internal/retry.js"

/**
 * Every Bybit V5 REST host, by name. `mainnet` is what Bybit's own SDKs default to.
 *
 * @since 0.1.0
 * @category environments
 */
export const environments = {
  mainnet: "https://api.bybit.com",
  "mainnet-bytick": "https://api.bytick.com",
  testnet: "https://api-testnet.bybit.com",
  demo: "https://api-demo.bybit.com",
  nl: "https://api.bybit.nl",
  tr: "https://api.bybit.tr",
  kz: "https://api.bybit.kz",
  ge: "https://api.bybitgeorgia.ge",
  ae: "https://api.bybit.ae",
  eu: "https://api.bybit.eu",
  id: "https://api.bybit.id",
  jp: "https://api.manepa.jp",
  "jp-testnet": "https://api-testnet.manepa.jp"
} as const

/**
 * The name of a Bybit environment (a key of `environments`).
 *
 * @since 0.1.0
 * @category environments
 */
export type Environment = keyof typeof environments

const environmentNames = Object.keys(environments) as ReadonlyArray<Environment>

/**
 * Schema of an environment name.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Environment: Schema.Schema<Environment> = Schema.Literal(
  ...(environmentNames as [Environment, ...Array<Environment>])
)

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname === "[::1]" ||
  /^127\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(hostname)

/**
 * Checks a base URL: `https`, or `http` only on loopback (127.0.0.0/8, `localhost`, `[::1]`), no
 * credentials, query or fragment. Returns the URL without a trailing slash, or why it is refused.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateBaseUrl = (input: string): Either.Either<string, string> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Either.left("is not an absolute URL (expected e.g. https://api.bybit.com)")
  }
  if (url.username !== "" || url.password !== "") return Either.left("must not contain credentials")
  if (url.search !== "" || url.hash !== "") return Either.left("must not contain a query or a fragment")
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      return Either.left("must use https (plain http is allowed only on loopback: 127.0.0.0/8, localhost, [::1])")
    }
  } else if (url.protocol !== "https:") {
    return Either.left(`must use https, not ${url.protocol.slice(0, -1)}`)
  }
  return Either.right(`${url.origin}${url.pathname.replace(/\/+$/, "")}`)
}

/**
 * Schema of a base URL: see `validateBaseUrl`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BaseUrl = Schema.String.pipe(
  Schema.filter((s) =>
    Either.match(validateBaseUrl(s), { onLeft: (reason) => `base URL ${reason}`, onRight: () => true })
  )
)

/**
 * Schema of a receive window: an integer of milliseconds, 1..60000 (Bybit's default is 5000).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RecvWindow = Schema.Int.pipe(Schema.between(1, 60_000))

const ApiKey = Schema.String.pipe(Schema.filter((s) => s.trim().length > 0 || "the API key must not be empty"))

/**
 * Credentials of a system-generated key: the API key and its HMAC secret.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HmacCredentials = Schema.TaggedStruct("Hmac", {
  apiKey: ApiKey,
  apiSecret: Schema.Redacted(Schema.String)
})

/**
 * Credentials of a self-generated key: the API key and the RSA private key (PEM, PKCS#8 or PKCS#1).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RsaCredentials = Schema.TaggedStruct("Rsa", {
  apiKey: ApiKey,
  rsaPrivateKey: Schema.Redacted(Schema.String)
})

/**
 * HMAC or RSA credentials.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Union(HmacCredentials, RsaCredentials)

/**
 * HMAC or RSA credentials.
 *
 * @since 0.1.0
 * @category models
 */
export type Credentials = typeof Credentials.Type

/**
 * HMAC credentials from an API key and secret (checked when the layer is built, as a `ConfigError`).
 *
 * @example
 * ```ts
 * BybitConfig.hmac({ apiKey: "key", apiSecret: Redacted.make("secret") })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const hmac = (input: { readonly apiKey: string; readonly apiSecret: Redacted.Redacted<string> }): Credentials =>
  HmacCredentials.make(input, { disableValidation: true })

/**
 * RSA credentials from an API key and a PEM private key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rsa = (input: {
  readonly apiKey: string
  readonly rsaPrivateKey: Redacted.Redacted<string>
}): Credentials => RsaCredentials.make(input, { disableValidation: true })

/**
 * Options of `BybitClient.layer`. Only `credentials` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly credentials: Credentials
  /** Named host; default `mainnet`. Ignored when `baseUrl` is given. */
  readonly environment?: Environment | undefined
  /** Overrides the environment's host (a region, a proxy or the mock exchange). */
  readonly baseUrl?: string | undefined
  /** Receive window in ms; default 5000. */
  readonly recvWindow?: number | undefined
  /** Per-request timeout (sending and reading the whole response); default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * How retryable failures are retried; default `defaultRetrySchedule` (exponential backoff from
   * 200ms with jitter, at most 4 retries within 30s). `false` disables retries.
   */
  readonly retry?: Schedule.Schedule<unknown, RetryableError> | false | undefined
  /**
   * The longest wait for a rate-limit reset before giving up; default 60 seconds (one window of the
   * cancel endpoint's 60/min limit). An IP ban (HTTP 403, 10 minutes) is never waited out by default.
   */
  readonly maxRateLimitWait?: Duration.DurationInput | undefined
  /** Measure the offset to the server's clock and apply it to timestamps; default `true`. */
  readonly timeSync?: boolean | undefined
  /**
   * The most bytes of a response body that are read; past it reading stops and the answer is
   * `UnreadableResponse` (`TooLarge`). Default 1 MiB (1,048,576 bytes).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * A span per attempt: `BybitClient.request` (method, path, HTTP status, `retCode`, rate limit,
   * attempt number) and `@effect/platform`'s `http.client` span under it, with `X-BAPI-API-KEY`
   * and `X-BAPI-SIGN` redacted; default `true`. `false` keeps only the operation spans
   * (`Withdrawals.cancel`, ...) and saves the cost of two spans per attempt (see the README,
   * "Tracing and logging").
   */
  readonly traceRequests?: boolean | undefined
  /**
   * Hold each private request until its endpoint's per-UID budget allows it (Bybit's documented
   * limit, corrected by every answer's `X-Bapi-Limit*` headers), instead of sending until the
   * exchange answers 10006; default `true`. Source: Bybit V5 "Rate Limit Rules".
   */
  readonly pacing?: boolean | undefined
}

/**
 * Options checked and filled with defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly credentials: Credentials
  readonly environment: Environment | "custom"
  readonly baseUrl: string
  readonly recvWindow: number
  readonly timeout: Duration.Duration
  readonly retry: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWait: Duration.Duration
  readonly timeSync: boolean
  readonly maxResponseBytes: number
  readonly pacing: boolean
}

/**
 * The names under which each option is reported in a `ConfigError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldNames {
  readonly apiKey: string
  readonly apiSecret: string
  readonly rsaPrivateKey: string
  readonly environment: string
  readonly baseUrl: string
  readonly recvWindow: string
  readonly timeout: string
}

/**
 * The names `layer(options)` reports in a `ConfigError`.
 *
 * @since 0.1.0
 * @category config
 */
export const optionNames: FieldNames = {
  apiKey: "credentials.apiKey",
  apiSecret: "credentials.apiSecret",
  rsaPrivateKey: "credentials.rsaPrivateKey",
  environment: "environment",
  baseUrl: "baseUrl",
  recvWindow: "recvWindow",
  timeout: "timeout"
}

/**
 * The environment variables `layerConfig` reads (`timeout` is not read from the environment: it is an override).
 *
 * @since 0.1.0
 * @category config
 */
export const envNames: FieldNames = {
  apiKey: "BYBIT_API_KEY",
  apiSecret: "BYBIT_API_SECRET",
  rsaPrivateKey: "BYBIT_RSA_PRIVATE_KEY",
  environment: "BYBIT_ENV",
  baseUrl: "BYBIT_BASE_URL",
  recvWindow: "BYBIT_RECV_WINDOW",
  timeout: "timeout"
}

const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

/**
 * What is wrong with an API key or HMAC secret, if anything: surrounding whitespace or a control
 * character (a pasted newline, a tab, NUL) would be sent or signed as is and fail later as something
 * else. Never quotes the value and never alters it.
 */
const credentialProblem = (what: string, value: unknown): string | undefined => {
  if (typeof value !== "string") return `${what} must be a string`
  if (value === "") return `${what} must not be empty`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.exec(value)
  if (control !== null) {
    return `${what} contains a control character (code ${control[0].charCodeAt(0)}, at position ${control.index + 1} of ${value.length}): check for a pasted newline, tab or NUL`
  }
  if (value.trim() !== value) return `${what} has leading or trailing whitespace: remove it (it is not trimmed for you)`
  return undefined
}

/** An API key is sent as a header: printable ASCII only (Bybit's keys are letters and digits). */
const apiKeyProblem = (value: unknown): string | undefined => {
  const problem = credentialProblem("the API key", value)
  if (problem !== undefined || typeof value !== "string") return problem
  const outside = /[^\x21-\x7e]/.exec(value)
  return outside === null
    ? undefined
    : `the API key contains a character that is not printable ASCII (at position ${outside.index + 1} of ${value.length}): check that it was copied whole and alone`
}

/**
 * Checks the credentials (the one check for `layer` and `layerConfig`): a `ConfigError` naming the
 * option or variable at fault.
 */
const checkCredentials = (credentials: Credentials, names: FieldNames): ConfigError.ConfigError | undefined => {
  const key = apiKeyProblem(credentials.apiKey)
  if (key !== undefined) {
    return credentials.apiKey === "" || typeof credentials.apiKey !== "string"
      ? ConfigError.MissingData([names.apiKey], key)
      : invalid(names.apiKey, key)
  }
  if (credentials._tag === "Hmac") {
    if (!Redacted.isRedacted(credentials.apiSecret)) {
      return invalid(names.apiSecret, "the API secret must be a Redacted string (Redacted.make)")
    }
    const secret = credentialProblem("the API secret", Redacted.value(credentials.apiSecret))
    if (secret !== undefined) return invalid(names.apiSecret, secret)
  } else if (
    !Redacted.isRedacted(credentials.rsaPrivateKey) ||
    typeof Redacted.value(credentials.rsaPrivateKey) !== "string"
  ) {
    return invalid(names.rsaPrivateKey, "the RSA private key must be a Redacted string (Redacted.make)")
  }
  return undefined
}

/**
 * Checks options and fills the defaults. A problem is a `ConfigError` naming the option (or the
 * environment variable, with `envNames`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  options: Options,
  names: FieldNames = optionNames
): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    try {
      return resolveUnsafe(options, names)
    } catch {
      // A getter or Proxy in the options that throws: the caller's mistake, reported, never a defect.
      return Effect.fail(invalid(names.apiKey, "the options could not be read (a getter or proxy threw)"))
    }
  })

const resolveUnsafe = (options: Options, names: FieldNames): Effect.Effect<Resolved, ConfigError.ConfigError> => {
  const credentials = options.credentials
  if (
    typeof credentials !== "object" ||
    credentials === null ||
    (credentials._tag !== "Hmac" && credentials._tag !== "Rsa")
  ) {
    return Effect.fail(ConfigError.MissingData([names.apiKey], "credentials are required (HMAC or RSA)"))
  }
  const refused = checkCredentials(credentials, names)
  if (refused !== undefined) return Effect.fail(refused)
  const environment = options.environment ?? "mainnet"
  if (!Object.hasOwn(environments, environment)) {
    return Effect.fail(invalid(names.environment, `expected one of ${environmentNames.join(", ")}`))
  }
  let baseUrl: string = environments[environment]
  let resolvedEnv: Environment | "custom" = environment
  if (options.baseUrl !== undefined) {
    const checked = validateBaseUrl(options.baseUrl)
    if (Either.isLeft(checked)) return Effect.fail(invalid(names.baseUrl, `the base URL ${checked.left}`))
    baseUrl = checked.right
    resolvedEnv = "custom"
  }
  const recvWindow = options.recvWindow ?? 5000
  if (!Schema.is(RecvWindow)(recvWindow)) {
    return Effect.fail(invalid(names.recvWindow, "expected an integer number of milliseconds between 1 and 60000"))
  }
  const timeout = Option.getOrUndefined(Duration.decodeUnknown(options.timeout ?? "10 seconds"))
  if (timeout === undefined || !Duration.isFinite(timeout) || Duration.toMillis(timeout) <= 0) {
    return Effect.fail(invalid(names.timeout, "expected a positive, finite duration"))
  }
  const maxRateLimitWait = Option.getOrElse(Duration.decodeUnknown(options.maxRateLimitWait ?? "60 seconds"), () =>
    Duration.seconds(60)
  )
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1) {
    return Effect.fail(invalid("maxResponseBytes", "expected a positive integer number of bytes"))
  }
  return Effect.succeed<Resolved>({
    credentials,
    environment: resolvedEnv,
    baseUrl,
    recvWindow,
    timeout,
    retry: options.retry ?? defaultRetrySchedule,
    maxRateLimitWait,
    timeSync: options.timeSync ?? true,
    maxResponseBytes,
    pacing: options.pacing ?? true
  })
}

/**
 * Reads the options from the environment: `BYBIT_API_KEY`, `BYBIT_API_SECRET` (HMAC) or
 * `BYBIT_RSA_PRIVATE_KEY` (RSA), `BYBIT_ENV` (default `mainnet`), `BYBIT_BASE_URL`,
 * `BYBIT_RECV_WINDOW` (default 5000). `overrides` sets what is not read from the environment
 * (timeout, retry, time sync) or replaces what is.
 *
 * @since 0.1.0
 * @category config
 */
export const config = (overrides: Partial<Options> = {}): Config.Config<Options> =>
  Config.all({
    apiKey: Config.option(Config.string(envNames.apiKey)),
    apiSecret: Config.option(Config.redacted(envNames.apiSecret)),
    rsaPrivateKey: Config.option(Config.redacted(envNames.rsaPrivateKey)),
    environment: Config.option(Config.string(envNames.environment)),
    baseUrl: Config.option(Config.string(envNames.baseUrl)),
    recvWindow: Config.option(Config.string(envNames.recvWindow))
  }).pipe(
    Config.mapOrFail((raw): Either.Either<Options, ConfigError.ConfigError> => {
      let credentials = overrides.credentials
      if (credentials === undefined) {
        if (Option.isNone(raw.apiKey) || raw.apiKey.value === "") {
          return Either.left(ConfigError.MissingData([envNames.apiKey], `set ${envNames.apiKey} to your Bybit API key`))
        }
        // Not trimmed: a key with surrounding whitespace is refused (by name) when the layer is built.
        const apiKey = raw.apiKey.value
        if (Option.isSome(raw.apiSecret) && Option.isSome(raw.rsaPrivateKey)) {
          return Either.left(
            invalid(
              envNames.apiSecret,
              `set either ${envNames.apiSecret} (HMAC) or ${envNames.rsaPrivateKey} (RSA), not both`
            )
          )
        }
        if (Option.isSome(raw.apiSecret)) credentials = hmac({ apiKey, apiSecret: raw.apiSecret.value })
        else if (Option.isSome(raw.rsaPrivateKey)) credentials = rsa({ apiKey, rsaPrivateKey: raw.rsaPrivateKey.value })
        else {
          return Either.left(
            ConfigError.MissingData(
              [envNames.apiSecret],
              `set ${envNames.apiSecret} (system-generated HMAC key) or ${envNames.rsaPrivateKey} (self-generated RSA key)`
            )
          )
        }
      }
      let environment = overrides.environment
      if (environment === undefined && Option.isSome(raw.environment)) {
        const name = raw.environment.value.trim()
        if (!Object.hasOwn(environments, name)) {
          return Either.left(invalid(envNames.environment, `expected one of ${environmentNames.join(", ")}`))
        }
        environment = name as Environment
      }
      let recvWindow = overrides.recvWindow
      if (recvWindow === undefined && Option.isSome(raw.recvWindow)) {
        const text = raw.recvWindow.value.trim()
        recvWindow = /^\d+$/.test(text) ? Number(text) : Number.NaN
      }
      return Either.right({
        ...overrides,
        credentials,
        environment,
        baseUrl: overrides.baseUrl ?? Option.getOrUndefined(raw.baseUrl),
        recvWindow
      })
    })
  )
