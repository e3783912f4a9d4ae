/**
 * `BybitConfig`'s code: the environments, the default retry schedule, the `Config`s of `fromEnv`,
 * `hmacConfig` and `rsaConfig`, and `resolve`, which checks the options of `BybitClient.make` once.
 * Every rule comes from `@effect-bybit/core` (`Rules`); this file only turns a verdict into a
 * `Config.ConfigError` naming the variable or option, never quoting its value.
 */
import { Rules, Scrub } from "@effect-bybit/core"
import { hmacSigner, InvalidKeyError, rsaSigner, type Signer } from "@effect-bybit/signing"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type { Credentials, Environment, Options } from "../BybitConfig.js"
import type { RetryableError } from "../BybitError.js"

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

// `Schedule.max` is Effect 3's `intersect`: recurs while both do, with the longer delay.
export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = Schedule.max([
  Schedule.jittered(Schedule.exponential("200 millis", 2)),
  Schedule.recurs(4)
]).pipe(Schedule.upTo({ duration: "30 seconds" }))

/** Options checked, with defaults, and the signer built once. */
export interface Resolved {
  readonly environment: Environment | "custom"
  readonly baseUrl: string
  readonly apiKey: string
  readonly signer: Signer
  /** What the scrubber removes from server text: the API key, and the HMAC secret or the RSA key's lines. */
  readonly secrets: ReadonlyArray<string>
  readonly recvWindow: number
  readonly timeoutMillis: number
  readonly retry: Schedule.Schedule<unknown, RetryableError> | false
  readonly maxRateLimitWaitMillis: number
  readonly timeSync: boolean
  readonly maxResponseBytes: number
  readonly pacing: boolean
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * A `ConfigError` at `path` (a variable or an option) saying which rule was broken. The issue
 * carries no input: Effect's formatter would print it, and it may be a secret.
 */
export const configError = (path: ReadonlyArray<string>, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer(path, new SchemaIssue.InvalidValue({ message })))
  )

/** A rule's verdict: the value (possibly transformed), or what is wrong with it. */
type Check<A, B = A> = (value: A) => Result.Result<B, string>

const rule =
  <A>(problem: (a: A) => string | undefined): Check<A> =>
  (value) => {
    const p = problem(value)
    return p === undefined ? Result.succeed(value) : Result.fail(p)
  }

const checkKey: Check<unknown, string> = (value) => {
  const problem = Rules.credentialProblem(value)
  return problem === undefined ? Result.succeed(value as string) : Result.fail(problem)
}
const recvWindowProblem = (n: number) =>
  Number.isSafeInteger(n) && n >= 1 && n <= 60_000 ? undefined : "must be an integer of ms from 1 to 60000"
const checkRecvWindow: Check<number> = rule(recvWindowProblem)
const checkBaseUrl: Check<string> = (s) => {
  const checked = Rules.checkBaseUrl(s)
  return checked._tag === "Valid" ? Result.succeed(checked.value) : Result.fail(`base URL ${checked.reason}`)
}

/** A PEM pasted on one line with literal `\n` escapes (and no real line break) gets its line breaks. */
const pemOf = (value: string): string =>
  /\\n/.test(value) && !/\n/.test(value.trim()) ? value.replace(/\\r\\n|\\n/g, "\n") : value

/** A PEM private key that signs, parsed here so that a bad key is refused under its own name. */
const checkPem: Check<unknown, string> = (value) => {
  if (typeof value !== "string") return Result.fail("expected a PEM string")
  const pem = pemOf(value)
  try {
    rsaSigner(pem)
    return Result.succeed(pem)
  } catch (error: unknown) {
    // InvalidKeyError never quotes the key; nothing else is trusted to say anything.
    return Result.fail(error instanceof InvalidKeyError ? error.message : "the key cannot be used for signing")
  }
}

/** A secret as a `Config` gives it: a plain string (read right on the variable) or `Redacted`. */
type Secret = string | Redacted.Redacted<string>
/** The secret's text; anything but a string or a `Redacted` one (a careless caller's) is refused by the rule. */
const reveal = (secret: Secret): unknown =>
  typeof secret === "string" ? secret : Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
const checkSecret: Check<Secret, Redacted.Redacted<string>> = (r) =>
  Result.map(checkKey(reveal(r)), (secret) => Redacted.make(secret))
const checkRsaKey: Check<Secret, Redacted.Redacted<string>> = (r) => Result.map(checkPem(reveal(r)), Redacted.make)

/** A verdict as an `Effect`, its problem a `ConfigError` at `path`, prefixed with `label` when given. */
const verdict = <B>(
  result: Result.Result<B, string>,
  path: ReadonlyArray<string>,
  label?: string
): Effect.Effect<B, Config.ConfigError> =>
  Result.isSuccess(result)
    ? Effect.succeed(result.success)
    : Effect.fail(configError(path, label === undefined ? result.failure : `${label} ${result.failure}`))

/** A variable's `Config`, checked by a rule, whose error names the variable. */
const checked = <A, B>(name: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapEffect(config, (value) => verdict(check(value), [name]))

/**
 * A caller's `Config` of a part, checked. Its variable's name is unknown here (a `Config` does not
 * tell it), so the message names the part; a missing variable is still named by Effect.
 */
const checkedPart = <A, B>(part: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapEffect(config, (value) => verdict(check(value), [], part))

export const hmacConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly apiSecret: Config.Config<Secret>
}): Config.Config<Credentials> =>
  Config.all({
    apiKey: checkedPart("apiKey", parts.apiKey, checkKey),
    apiSecret: checkedPart("apiSecret", parts.apiSecret, checkSecret)
  }).pipe(Config.map(({ apiKey, apiSecret }): Credentials => ({ _tag: "Hmac", apiKey, apiSecret })))

export const rsaConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly rsaPrivateKey: Config.Config<Secret>
}): Config.Config<Credentials> =>
  Config.all({
    apiKey: checkedPart("apiKey", parts.apiKey, checkKey),
    rsaPrivateKey: checkedPart("rsaPrivateKey", parts.rsaPrivateKey, checkRsaKey)
  }).pipe(Config.map(({ apiKey, rsaPrivateKey }): Credentials => ({ _tag: "Rsa", apiKey, rsaPrivateKey })))

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

export const fromEnv = {
  credentials: Config.all({
    apiKey: checked("BYBIT_API_KEY", Config.String("BYBIT_API_KEY"), checkKey),
    // Checked as strings, right on the variable (its name is then in the error), then redacted.
    apiSecret: Config.option(
      Config.map(checked("BYBIT_API_SECRET", Config.String("BYBIT_API_SECRET"), checkKey), Redacted.make)
    ),
    rsaPrivateKey: Config.option(
      Config.map(checked("BYBIT_RSA_PRIVATE_KEY", Config.String("BYBIT_RSA_PRIVATE_KEY"), checkPem), Redacted.make)
    )
  }).pipe(
    Config.mapEffect(({ apiKey, apiSecret, rsaPrivateKey }): Effect.Effect<Credentials, Config.ConfigError> => {
      if (Option.isSome(apiSecret) && Option.isSome(rsaPrivateKey)) {
        return Effect.fail(
          configError(
            ["BYBIT_API_SECRET"],
            "set either BYBIT_API_SECRET (HMAC) or BYBIT_RSA_PRIVATE_KEY (RSA), not both"
          )
        )
      }
      if (Option.isSome(apiSecret)) return Effect.succeed({ _tag: "Hmac", apiKey, apiSecret: apiSecret.value })
      if (Option.isSome(rsaPrivateKey)) {
        return Effect.succeed({ _tag: "Rsa", apiKey, rsaPrivateKey: rsaPrivateKey.value })
      }
      return Effect.fail(
        configError(
          ["BYBIT_API_SECRET"],
          "set BYBIT_API_SECRET (system-generated HMAC key) or BYBIT_RSA_PRIVATE_KEY (self-generated RSA key)"
        )
      )
    })
  ),
  environment: optional(Config.Literals(Object.keys(environments) as Array<Environment>, "BYBIT_ENV")),
  baseUrl: optional(checked("BYBIT_BASE_URL", Config.String("BYBIT_BASE_URL"), checkBaseUrl)),
  recvWindow: optional(checked("BYBIT_RECV_WINDOW", Config.Int("BYBIT_RECV_WINDOW"), checkRecvWindow))
}

const fail = (path: string, message: string) => Effect.fail(configError([path], message))

const durationMillis = (path: string, input: Duration.Input | undefined, fallback: number, min: number) => {
  if (input === undefined) return Effect.succeed(fallback)
  // `Duration` clamps a negative or NaN number to zero: refused here instead.
  if (typeof input === "number" && !(input >= min)) return fail(path, `must be at least ${min} ms`)
  const d = Duration.fromInput(input)
  if (Option.isNone(d) || !Duration.isFinite(d.value) || Duration.toMillis(d.value) < min) {
    return fail(path, min > 0 ? "must be a positive, finite duration" : "must be a finite duration")
  }
  return Effect.succeed(Duration.toMillis(d.value))
}

const checkCredentials = (c: Credentials): Effect.Effect<Credentials, Config.ConfigError> => {
  if (typeof c !== "object" || c === null || (c._tag !== "Hmac" && c._tag !== "Rsa")) {
    return fail("credentials", "credentials are required (BybitConfig.hmac or .rsa)")
  }
  return Effect.flatMap(
    verdict(checkKey(c.apiKey), ["credentials", "apiKey"]),
    (apiKey): Effect.Effect<Credentials, Config.ConfigError> =>
      c._tag === "Hmac"
        ? Effect.map(verdict(checkSecret(c.apiSecret), ["credentials", "apiSecret"]), (apiSecret) => ({
            _tag: "Hmac",
            apiKey,
            apiSecret
          }))
        : Effect.map(verdict(checkRsaKey(c.rsaPrivateKey), ["credentials", "rsaPrivateKey"]), (rsaPrivateKey) => ({
            _tag: "Rsa",
            apiKey,
            rsaPrivateKey
          }))
  )
}

/** Checks options once, fills defaults and builds the signer. */
export const resolve = (options: Options): Effect.Effect<Resolved, Config.ConfigError> =>
  Effect.gen(function* () {
    const credentials = yield* checkCredentials(options.credentials)
    let baseUrl: string
    let environment: Environment | "custom"
    if (options.baseUrl !== undefined) {
      baseUrl = yield* verdict(checkBaseUrl(options.baseUrl), ["baseUrl"])
      environment = "custom"
    } else {
      environment = options.environment ?? "mainnet"
      if (!Object.hasOwn(environments, environment)) {
        return yield* fail("environment", `must be one of ${Object.keys(environments).join(", ")}`)
      }
      baseUrl = environments[environment]
    }
    const recvWindow = options.recvWindow ?? 5000
    const recvProblem = recvWindowProblem(recvWindow)
    if (recvProblem !== undefined) return yield* fail("recvWindow", recvProblem)
    const maxResponseBytes = options.maxResponseBytes ?? 1_048_576
    if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1024) {
      return yield* fail("maxResponseBytes", "must be an integer of bytes, at least 1024")
    }
    const secret =
      credentials._tag === "Hmac" ? Redacted.value(credentials.apiSecret) : Redacted.value(credentials.rsaPrivateKey)
    return {
      environment,
      baseUrl,
      apiKey: credentials.apiKey,
      signer: credentials._tag === "Hmac" ? hmacSigner(secret) : rsaSigner(secret),
      // The API key too: Bybit's 10004 text quotes the signed string, key included.
      secrets: [credentials.apiKey, ...(credentials._tag === "Hmac" ? [secret] : Scrub.pemLines(secret))],
      recvWindow,
      timeoutMillis: yield* durationMillis("timeout", options.timeout, 10_000, 1),
      retry: options.retry ?? defaultRetrySchedule,
      maxRateLimitWaitMillis: yield* durationMillis("maxRateLimitWait", options.maxRateLimitWait, 60_000, 0),
      timeSync: options.timeSync ?? true,
      maxResponseBytes,
      pacing: options.pacing ?? true,
      transformClient: options.transformClient
    }
  })
