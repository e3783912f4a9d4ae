/**
 * Configuration of the client: credentials (HMAC or RSA, secrets `Redacted`), the environment or
 * base URL, the receive window, the per-request timeout, the retry schedule and time sync; the
 * rules every option is checked by (written once, for plain options and for a `Config` per option
 * alike); and `fromEnv`, the `Config`s that read them from the environment (`BYBIT_*`).
 *
 * @since 0.1.0
 */
import { InvalidKeyError, rsaSigner } from "@effect-bybit/signing"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { RetryableError } from "./BybitError.js"
import { DEFAULT_MAX_BODY_BYTES } from "./internal/body.js"

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
  // The URL parser drops tabs and newlines and trims spaces and controls: a pasted line break inside
  // the host would silently become another host. Refused, never repaired.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  const unseen = /[\u0000-\u0020\u007f-\u00a0\u2028\u2029]/.exec(input)
  if (unseen !== null) {
    return Either.left(
      `contains whitespace or a control character (code ${unseen[0].charCodeAt(0)}, at position ${unseen.index + 1} of ${input.length}): remove it`
    )
  }
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
  // The URL as the parser reads it must be the URL as written (but for the letter case of the scheme
  // and host, and a trailing slash): the parser drops invisible characters from a host, maps
  // fullwidth letters and dots, turns backslashes into slashes, decodes a percent-encoded host and
  // resolves `..`, each of which would send the key somewhere else than what the reader sees.
  const read = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "")
  if (read.toLowerCase() !== input.replace(/\/+$/, "").toLowerCase()) {
    return Either.left(`is read by the URL parser as ${read}, not as written: write it that way`)
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

const ApiKey = Schema.String.pipe(Schema.filter((s) => apiKeyProblem(s) ?? true))

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
 * The default `retry` schedule: exponential backoff from 200 ms (x2) with jitter, at most 4
 * retries, within 30 seconds. Applies to retryable errors only (`BybitError.isRetryable`).
 *
 * @since 0.1.0
 * @category retry
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = Schedule.exponential(
  "200 millis",
  2
).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(4)), Schedule.upTo("30 seconds"))

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
  readonly traceRequests: boolean
  readonly pacing: boolean
}

// ---------------------------------------------------------------------------------------------
// The checks: every rule on an option, written once. A check takes what the caller gave (a plain
// value from `layer`, or what a `Config` read for `layerConfig`) and returns the value to use or a
// `ConfigError` without a path: `Config.mapOrFail` adds the variable's own name, `resolve` the
// option's.
// ---------------------------------------------------------------------------------------------

type Check<A> = (value: unknown) => Either.Either<A, ConfigError.ConfigError>

const invalid = (message: string, path: ReadonlyArray<string> = []) => ConfigError.InvalidData([...path], message)

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
  // A `.env` line's or a shell's quotes kept as part of the value (Bybit's keys and secrets have none).
  if (QUOTES.includes(value[0]!) || QUOTES.includes(value.at(-1)!)) {
    return `${what} starts or ends with a quote: remove it (a .env loader or shell kept it as part of the value)`
  }
  return undefined
}

const QUOTES = `"'\``

/** `U+XXXX` of the first code point of `text`. */
const codePoint = (text: string): string => `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`

/**
 * The first character that is not an ASCII letter, a digit, `-` or `_`. Bybit issues API keys and
 * their secrets as letters and digits (V5 "Integration Guidance", Authentication: a pair of keys to
 * keep as passwords; `-` and `_` are let through for test keys such as the mock exchange's), so
 * anything else is a copy that took more than the key: a filler or blank (U+3164, U+2800), a
 * combining mark, a U+FFFD or half of a broken pair from a bad decode, a look-alike letter, or the
 * text around it (`$NAME`, `NAME=`, a `\n` escape, a `<placeholder>`, `%0A`, `&nbsp;`).
 */
const notKeyCharacter = (what: string, value: string): string | undefined => {
  const outside = /[^A-Za-z0-9_-]/u.exec(value)
  return outside === null
    ? undefined
    : `${what} contains a character that is not a letter, a digit, '-' or '_' (${codePoint(outside[0])}, at position ${outside.index + 1} of ${value.length}): Bybit's keys and secrets are letters and digits; check that it was copied whole and alone`
}

/**
 * An HMAC secret is signed with, not sent, but a character a copy added unseen signs something
 * else: the exchange would answer 10004 (wrong signature) for every request. So, as the API key,
 * letters, digits, `-` and `_` only.
 */
const secretProblem = (value: unknown): string | undefined => {
  const what = "the API secret"
  const problem = credentialProblem(what, value)
  if (problem !== undefined || typeof value !== "string") return problem
  // A space, a non-breaking or zero-width space, a BOM or a direction mark inside: invisible in a
  // terminal, left there by a copy from a web page or a document. Said as such: the likeliest cause.
  const invisible = /[\p{Z}\p{Cf}]/u.exec(value)
  if (invisible !== null) {
    return `${what} contains a space or an invisible character (${codePoint(invisible[0])}, at position ${invisible.index + 1} of ${value.length}): check that it was copied whole and alone`
  }
  return notKeyCharacter(what, value)
}

/** An API key is sent as a header: letters, digits, `-` and `_` (Bybit's keys are letters and digits). */
function apiKeyProblem(value: unknown): string | undefined {
  const problem = credentialProblem("the API key", value)
  if (problem !== undefined || typeof value !== "string") return problem
  return notKeyCharacter("the API key", value)
}

const checkApiKey: Check<string> = (value) => {
  const problem = apiKeyProblem(value)
  if (problem === undefined) return Either.right(value as string)
  return Either.left(value === undefined || value === "" ? ConfigError.MissingData([], problem) : invalid(problem))
}

const checkApiSecret: Check<Redacted.Redacted<string>> = (value) => {
  if (!Redacted.isRedacted(value))
    return Either.left(invalid("the API secret must be a Redacted string (Redacted.make)"))
  const problem = secretProblem(Redacted.value(value))
  return problem === undefined ? Either.right(value as Redacted.Redacted<string>) : Either.left(invalid(problem))
}

/**
 * A PEM as kept in an environment variable: `.env` files and CI secret stores often hold it on one
 * line with literal `\n` escapes. Those (and only when the PEM has no real line break) become line
 * breaks; anything else is left to the PEM parser.
 */
const pemOf = (value: string): string =>
  /\\n/.test(value) && !/\n/.test(value.trim()) ? value.replace(/\\r\\n|\\n/g, "\n") : value

/** A PEM private key that signs: parsed here, so that a bad key is refused under its own name. */
const checkRsaPrivateKey: Check<Redacted.Redacted<string>> = (value) => {
  if (!Redacted.isRedacted(value) || typeof Redacted.value(value) !== "string") {
    return Either.left(invalid("the RSA private key must be a Redacted string (Redacted.make)"))
  }
  const pem = pemOf(Redacted.value(value as Redacted.Redacted<string>))
  try {
    rsaSigner(pem)
  } catch (error) {
    // InvalidKeyError never quotes the key; anything else is not trusted to say anything.
    return Either.left(invalid(error instanceof InvalidKeyError ? error.message : "the key cannot be used for signing"))
  }
  return Either.right(Redacted.make(pem))
}

/** Credentials as a whole: the parts' errors carry the part's name (`apiKey`, ...) as their path. */
const checkCredentials: Check<Credentials> = (value) => {
  const credentials = value as Credentials
  if (
    typeof credentials !== "object" ||
    credentials === null ||
    (credentials._tag !== "Hmac" && credentials._tag !== "Rsa")
  ) {
    return Either.left(ConfigError.MissingData([], "credentials are required (HMAC or RSA)"))
  }
  const part = <A>(name: string, check: Check<A>, input: unknown) =>
    Either.mapLeft(check(input), (error) => ConfigError.prefixed(error, [name]))
  const apiKey = part("apiKey", checkApiKey, credentials.apiKey)
  if (Either.isLeft(apiKey)) return Either.left(apiKey.left)
  if (credentials._tag === "Hmac") {
    return Either.map(part("apiSecret", checkApiSecret, credentials.apiSecret), (apiSecret) =>
      hmac({ apiKey: apiKey.right, apiSecret })
    )
  }
  return Either.map(part("rsaPrivateKey", checkRsaPrivateKey, credentials.rsaPrivateKey), (rsaPrivateKey) =>
    rsa({ apiKey: apiKey.right, rsaPrivateKey })
  )
}

const checkEnvironment: Check<Environment> = (value) => {
  if (value === undefined) return Either.right("mainnet")
  const name = typeof value === "string" ? value.trim() : value
  return typeof name === "string" && Object.hasOwn(environments, name)
    ? Either.right(name as Environment)
    : Either.left(invalid(`expected one of ${environmentNames.join(", ")}`))
}

const checkBaseUrl: Check<string | undefined> = (value) => {
  if (value === undefined) return Either.right(undefined)
  if (typeof value !== "string") return Either.left(invalid("the base URL must be a string"))
  return Either.mapLeft(validateBaseUrl(value), (reason) => invalid(`the base URL ${reason}`))
}

/** A number, or decimal digits (as an environment variable holds it). */
const checkRecvWindow: Check<number> = (value) => {
  if (value === undefined) return Either.right(5000)
  const text = typeof value === "string" ? value.trim() : undefined
  const n = text === undefined ? value : /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  return Schema.is(RecvWindow)(n)
    ? Either.right(n)
    : Either.left(invalid("expected an integer number of milliseconds between 1 and 60000"))
}

const duration =
  (
    fallback: Duration.DurationInput,
    rule: (d: Duration.Duration) => boolean,
    message: string
  ): Check<Duration.Duration> =>
  (value) => {
    const decoded = Option.getOrUndefined(Duration.decodeUnknown(value ?? fallback))
    return decoded !== undefined && rule(decoded) ? Either.right(decoded) : Either.left(invalid(message))
  }

const checkTimeout = duration(
  "10 seconds",
  (d) => Duration.isFinite(d) && Duration.toMillis(d) > 0,
  "expected a positive, finite duration"
)

const checkMaxRateLimitWait = duration("60 seconds", (d) => Duration.toMillis(d) >= 0, "expected a duration")

const checkRetry: Check<Schedule.Schedule<unknown, RetryableError> | false> = (value) =>
  value === undefined
    ? Either.right(defaultRetrySchedule)
    : value === false || Schedule.isSchedule(value)
      ? Either.right(value as Schedule.Schedule<unknown, RetryableError> | false)
      : Either.left(invalid("expected a Schedule or false"))

const flag: Check<boolean> = (value) =>
  value === undefined || typeof value === "boolean"
    ? Either.right(value ?? true)
    : Either.left(invalid("expected true or false"))

const checkMaxResponseBytes: Check<number> = (value) => {
  const n = value ?? DEFAULT_MAX_BODY_BYTES
  return Number.isSafeInteger(n) && (n as number) >= 1
    ? Either.right(n as number)
    : Either.left(invalid("expected a positive integer number of bytes"))
}

/** Every option and its check, in the order they are checked. */
const checks = {
  credentials: checkCredentials,
  environment: checkEnvironment,
  baseUrl: checkBaseUrl,
  recvWindow: checkRecvWindow,
  timeout: checkTimeout,
  retry: checkRetry,
  maxRateLimitWait: checkMaxRateLimitWait,
  timeSync: flag,
  maxResponseBytes: checkMaxResponseBytes,
  traceRequests: flag,
  pacing: flag
} as const

type Checked = {
  readonly [K in keyof typeof checks]: ReturnType<(typeof checks)[K]> extends Either.Either<infer A, unknown>
    ? A
    : never
}

const fromChecked = (checked: Checked): Resolved => ({
  ...checked,
  environment: checked.baseUrl === undefined ? checked.environment : "custom",
  baseUrl: checked.baseUrl ?? environments[checked.environment]
})

/**
 * Checks plain options and fills the defaults. A problem is a `ConfigError` whose path is the
 * option (`recvWindow`, `credentials.apiKey`, ...).
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (options: Options): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    const checked: Record<string, unknown> = {}
    try {
      for (const [name, check] of Object.entries(checks) as Array<[keyof Options, Check<unknown>]>) {
        const result = check(options[name])
        if (Either.isLeft(result)) return Effect.fail(ConfigError.prefixed(result.left, [name]))
        checked[name] = result.right
      }
    } catch {
      // A getter or Proxy in the options that throws: the caller's mistake, reported, never a defect.
      return Effect.fail(invalid("the options could not be read (a getter or proxy threw)", ["credentials"]))
    }
    return Effect.succeed(fromChecked(checked as Checked))
  })

// ---------------------------------------------------------------------------------------------
// Config: a `Config` per option, each checked by the rules above.
// ---------------------------------------------------------------------------------------------

/**
 * What `layerConfig` reads: `Options`, with the environment read as text (checked against
 * `environments`).
 *
 * @since 0.1.0
 * @category config
 */
export interface ConfigInput extends Omit<Options, "environment"> {
  readonly environment?: string | undefined
}

/**
 * The argument of `BybitClient.layerConfig`: a `Config` per option (`Config.Wrap`, as
 * `@effect/sql-pg`'s `PgClient.layerConfig` takes), or one `Config` of all of them. Each `Config`
 * is checked by the same rules as `layer(options)`; a `ConfigError` names the variable the `Config`
 * read (through `Config.redacted`, `Config.withDefault`, `Config.map` too), or the option when it
 * read none (`Config.succeed`) or several. One `Config` of all of them reports the options.
 *
 * @example
 * ```ts
 * BybitClient.layerConfig({
 *   credentials: BybitConfig.hmacConfig({
 *     apiKey: Config.string("SUB_KEY"),
 *     apiSecret: Config.redacted("SUB_SECRET")
 *   }),
 *   environment: Config.succeed("testnet")
 * })
 * ```
 * @since 0.1.0
 * @category config
 */
export type ConfigOptions = Config.Config.Wrap<ConfigInput>

/** A secret read as text is made `Redacted` before anything else sees it. */
const secret =
  <A>(check: Check<A>): Check<A> =>
  (value) =>
    check(typeof value === "string" ? Redacted.make(value) : value)

/**
 * HMAC credentials from a `Config` per part, for the `credentials` of `layerConfig`; an error names
 * the part's own variable. The secret may be read as `Config.redacted(name)` or `Config.string(name)`
 * (made `Redacted` at once).
 *
 * @since 0.1.0
 * @category config
 */
export const hmacConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly apiSecret: Config.Config<string | Redacted.Redacted<string>>
}): Config.Config.Wrap<Credentials> => ({
  _tag: Config.succeed("Hmac" as const),
  apiKey: parts.apiKey,
  apiSecret: Config.map(parts.apiSecret, (s) => (typeof s === "string" ? Redacted.make(s) : s))
})

/**
 * RSA credentials from a `Config` per part, for the `credentials` of `layerConfig`; an error names
 * the part's own variable. A PEM with literal `\n` escapes (as `.env` files keep it) is accepted;
 * the key may be read as `Config.redacted(name)` or `Config.string(name)`.
 *
 * @since 0.1.0
 * @category config
 */
export const rsaConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly rsaPrivateKey: Config.Config<string | Redacted.Redacted<string>>
}): Config.Config.Wrap<Credentials> => ({
  _tag: Config.succeed("Rsa" as const),
  apiKey: parts.apiKey,
  rsaPrivateKey: Config.map(parts.rsaPrivateKey, (s) => (typeof s === "string" ? Redacted.make(s) : s))
})

/** An optional variable, checked under its own name; `undefined` when it is not set. */
const optional = <A>(config: Config.Config<unknown>, check: Check<A>): Config.Config<A | undefined> =>
  Config.mapOrFail(config, check).pipe(Config.option, Config.map(Option.getOrUndefined))

/** A check's error under the variable's name (for the preset, which knows its names). */
const at = <A>(name: string, result: Either.Either<A, ConfigError.ConfigError>) =>
  Either.mapLeft(result, (error) => ConfigError.prefixed(error, [name]))

const envCredentials: Config.Config<Credentials> = Config.all({
  apiKey: Config.string("BYBIT_API_KEY"),
  apiSecret: Config.option(Config.string("BYBIT_API_SECRET")),
  rsaPrivateKey: Config.option(Config.string("BYBIT_RSA_PRIVATE_KEY"))
}).pipe(
  Config.mapOrFail(({ apiKey, apiSecret, rsaPrivateKey }): Either.Either<Credentials, ConfigError.ConfigError> => {
    if (Option.isSome(apiSecret) && Option.isSome(rsaPrivateKey)) {
      return Either.left(
        invalid("set either BYBIT_API_SECRET (HMAC) or BYBIT_RSA_PRIVATE_KEY (RSA), not both", ["BYBIT_API_SECRET"])
      )
    }
    const key = at("BYBIT_API_KEY", checkApiKey(apiKey))
    if (Either.isLeft(key)) return Either.left(key.left)
    if (Option.isSome(apiSecret)) {
      return Either.map(at("BYBIT_API_SECRET", secret(checkApiSecret)(apiSecret.value)), (s) =>
        hmac({ apiKey: key.right, apiSecret: s })
      )
    }
    if (Option.isSome(rsaPrivateKey)) {
      return Either.map(at("BYBIT_RSA_PRIVATE_KEY", secret(checkRsaPrivateKey)(rsaPrivateKey.value)), (k) =>
        rsa({ apiKey: key.right, rsaPrivateKey: k })
      )
    }
    return Either.left(
      ConfigError.MissingData(
        ["BYBIT_API_SECRET"],
        "set BYBIT_API_SECRET (system-generated HMAC key) or BYBIT_RSA_PRIVATE_KEY (self-generated RSA key)"
      )
    )
  })
)

/**
 * The default of `layerConfig`: the environment (any `ConfigProvider`). `BYBIT_API_KEY` with
 * `BYBIT_API_SECRET` (HMAC) or `BYBIT_RSA_PRIVATE_KEY` (RSA, PEM; literal `\n` escapes accepted),
 * `BYBIT_ENV` (default `mainnet`), `BYBIT_BASE_URL`, `BYBIT_RECV_WINDOW` (ms, default 5000). A
 * record: spread it to add or replace options.
 *
 * @example
 * ```ts
 * BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) })
 * ```
 * @since 0.1.0
 * @category config
 */
export const fromEnv: {
  readonly credentials: Config.Config<Credentials>
  readonly environment: Config.Config<Environment | undefined>
  readonly baseUrl: Config.Config<string | undefined>
  readonly recvWindow: Config.Config<number | undefined>
} = {
  credentials: envCredentials,
  environment: optional(Config.string("BYBIT_ENV"), checkEnvironment),
  baseUrl: optional(Config.string("BYBIT_BASE_URL"), checkBaseUrl),
  recvWindow: optional(Config.string("BYBIT_RECV_WINDOW"), checkRecvWindow)
}

const pathless = (error: ConfigError.ConfigError): boolean =>
  (error._op === "InvalidData" || error._op === "MissingData") && error.path.length === 0

/**
 * Reads `config` through the current provider, noting the variables it reads. Effect names an
 * error after a variable only when the check sits right on it; after `Config.redacted`,
 * `Config.withDefault` or a `map` the error has no path. Then it is named after the one variable
 * read, or after `fallback` (the option) when there was none (`Config.succeed`) or several.
 */
const readNamed = <A>(config: Config.Config<A>, fallback: ReadonlyArray<string>) =>
  Effect.configProviderWith((provider) => {
    const reads: Array<ReadonlyArray<string>> = []
    const flat = provider.flattened
    const noting = ConfigProvider.fromFlat(
      ConfigProvider.makeFlat({
        load: (path, primitive, split) => {
          reads.push(path)
          return flat.load(path, primitive, split)
        },
        enumerateChildren: (path) => flat.enumerateChildren(path),
        patch: flat.patch
      })
    )
    return Effect.mapError(Effect.withConfigProvider(config, noting), (error) =>
      pathless(error)
        ? ConfigError.prefixed(error, [...(reads.length === 1 ? (reads[0] ?? fallback) : fallback)])
        : error
    )
  })

/** The credentials from a record of `Config`s: each part checked under its own variable. */
const credentialsFromParts = (
  parts: Record<string, Config.Config<unknown> | undefined>
): Effect.Effect<unknown, ConfigError.ConfigError> => {
  const part = (name: string, check: Check<unknown>) => {
    const config = parts[name]
    return config === undefined
      ? Effect.succeed(undefined)
      : readNamed(Config.mapOrFail(config, check), ["credentials", name])
  }
  return Effect.all({
    _tag: part("_tag", Either.right),
    apiKey: part("apiKey", checkApiKey),
    apiSecret: part("apiSecret", secret(checkApiSecret)),
    rsaPrivateKey: part("rsaPrivateKey", secret(checkRsaPrivateKey))
  }).pipe(
    Effect.map(({ _tag, apiKey, apiSecret, rsaPrivateKey }) =>
      _tag === "Hmac" ? { _tag, apiKey, apiSecret } : { _tag, apiKey, rsaPrivateKey }
    )
  )
}

/**
 * Reads a `Config` per option and checks each by the rules of `resolve`; a `ConfigError` names the
 * variable the `Config` read, or the option when it read none or several.
 *
 * @since 0.1.0
 * @category config
 */
export const resolveConfig = (options: ConfigOptions): Effect.Effect<Resolved, ConfigError.ConfigError> => {
  if (Config.isConfig(options)) return Effect.flatMap(options, (plain) => resolve(plain as Options))
  return Effect.suspend(() => {
    const wrapped = options as Record<string, unknown>
    const field = (name: keyof typeof checks): Effect.Effect<unknown, ConfigError.ConfigError> => {
      const value = wrapped[name]
      const check = checks[name] as Check<unknown>
      if (value === undefined) return Either.mapLeft(check(undefined), (error) => ConfigError.prefixed(error, [name]))
      if (name === "credentials") {
        const read = Config.isConfig(value)
          ? (value as Effect.Effect<unknown, ConfigError.ConfigError>)
          : credentialsFromParts(value as Record<string, Config.Config<unknown>>)
        return Effect.flatMap(read, (credentials) =>
          Either.mapLeft(check(credentials), (error) => ConfigError.prefixed(error, [name]))
        )
      }
      return readNamed(Config.mapOrFail(Config.unwrap(value as Config.Config.Wrap<unknown>), check), [name])
    }
    const checked: Record<string, unknown> = {}
    return Effect.as(
      Effect.forEach(Object.keys(checks) as Array<keyof typeof checks>, (name) =>
        Effect.map(field(name), (value) => {
          checked[name] = value
        })
      ),
      checked
    ).pipe(Effect.map((all) => fromChecked(all as Checked)))
  })
}
