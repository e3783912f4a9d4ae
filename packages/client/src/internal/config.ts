/**
 * `BybitConfig`'s code: the environments, the default retry schedule, the `Config`s, and `resolve`,
 * which checks the options of `BybitClient.make` once. The rules are `@effect-bybit/core`'s; a
 * broken one is a `ConfigError` naming the variable or option, never quoting its value.
 */
import { Rules, Scrub } from "@effect-bybit/core"
import { hmacSigner, InvalidKeyError, rsaSigner } from "@effect-bybit/signing"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
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

/** A `ConfigError` at `path`; the issue holds no input, which Effect's formatter would print. */
const configError = (path: ReadonlyArray<string>, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer(path, new SchemaIssue.InvalidValue({ message })))
  )

const fail = (path: string, message: string) => Effect.fail(configError([path], message))

/** A rule's verdict: the value (possibly transformed), or what is wrong with it. */
type Check<A, B = A> = (value: A) => Result.Result<B, string>

const checkKey: Check<unknown, string> = (value) => {
  const problem = Rules.credentialProblem(value)
  return problem === undefined ? Result.succeed(value as string) : Result.fail(problem)
}
const checkRecvWindow: Check<number> = (n) =>
  Number.isSafeInteger(n) && n >= 1 && n <= 60_000
    ? Result.succeed(n)
    : Result.fail("must be an integer of ms from 1 to 60000")
const checkBaseUrl: Check<string> = (s) => {
  const checked = Rules.checkBaseUrl(s)
  return checked._tag === "Valid" ? Result.succeed(checked.value) : Result.fail(`base URL ${checked.reason}`)
}

/** A PEM that signs, parsed here so that a bad key is refused under its own name. */
const checkPem: Check<unknown, string> = (value) => {
  if (typeof value !== "string") return Result.fail("expected a PEM string")
  // Pasted on one line with literal `\n` escapes (and no real line break): given its line breaks.
  const pem = /\\n/.test(value) && !/\n/.test(value.trim()) ? value.replace(/\\r\\n|\\n/g, "\n") : value
  try {
    rsaSigner(pem)
    return Result.succeed(pem)
  } catch (error: unknown) {
    // InvalidKeyError never quotes the key; nothing else is trusted to say anything.
    return Result.fail(error instanceof InvalidKeyError ? error.message : "the key cannot be used for signing")
  }
}

/** A secret as a `Config` gives it; anything else (a careless caller's) is refused by the rule. */
type Secret = string | Redacted.Redacted<string>
const reveal = (secret: Secret): unknown =>
  typeof secret === "string" ? secret : Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
const redacted =
  (check: Check<unknown, string>): Check<Secret, Redacted.Redacted<string>> =>
  (secret) =>
    Result.map(check(reveal(secret)), Redacted.make)

/** A verdict as an `Effect`, its problem a `ConfigError` at `path`, after `label` when given. */
const verdict = <B>(result: Result.Result<B, string>, path: ReadonlyArray<string>, label?: string) =>
  Result.isSuccess(result)
    ? Effect.succeed(result.success)
    : Effect.fail(configError(path, label === undefined ? result.failure : `${label} ${result.failure}`))

/** A variable's `Config`, checked, its error naming the variable. */
const checked = <A, B>(name: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapEffect(config, (value) => verdict(check(value), [name]))

/** A caller's `Config` of a part: its variable is unknown here, so the message names the part. */
const checkedPart = <A, B>(part: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapEffect(config, (value) => verdict(check(value), [], part))

const credentialsOf = (tag: "Hmac" | "Rsa", apiKey: string, secret: Redacted.Redacted<string>): Credentials =>
  tag === "Hmac" ? { _tag: "Hmac", apiKey, apiSecret: secret } : { _tag: "Rsa", apiKey, rsaPrivateKey: secret }

export const hmacConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly apiSecret: Config.Config<Secret>
}): Config.Config<Credentials> =>
  Config.all([
    checkedPart("apiKey", parts.apiKey, checkKey),
    checkedPart("apiSecret", parts.apiSecret, redacted(checkKey))
  ]).pipe(Config.map(([apiKey, secret]) => credentialsOf("Hmac", apiKey, secret)))

export const rsaConfig = (parts: {
  readonly apiKey: Config.Config<string>
  readonly rsaPrivateKey: Config.Config<Secret>
}): Config.Config<Credentials> =>
  Config.all([
    checkedPart("apiKey", parts.apiKey, checkKey),
    checkedPart("rsaPrivateKey", parts.rsaPrivateKey, redacted(checkPem))
  ]).pipe(Config.map(([apiKey, secret]) => credentialsOf("Rsa", apiKey, secret)))

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

// Checked as a string right on the variable (its name is then in the error), then redacted.
const secretVariable = (name: string, check: Check<unknown, string>) =>
  Config.option(Config.map(checked(name, Config.String(name), check), Redacted.make))

export const fromEnv = {
  credentials: Config.all({
    apiKey: checked("BYBIT_API_KEY", Config.String("BYBIT_API_KEY"), checkKey),
    apiSecret: secretVariable("BYBIT_API_SECRET", checkKey),
    rsaPrivateKey: secretVariable("BYBIT_RSA_PRIVATE_KEY", checkPem)
  }).pipe(
    Config.mapEffect(({ apiKey, apiSecret, rsaPrivateKey }) =>
      Option.isSome(apiSecret) && Option.isSome(rsaPrivateKey)
        ? fail("BYBIT_API_SECRET", "set either BYBIT_API_SECRET (HMAC) or BYBIT_RSA_PRIVATE_KEY (RSA), not both")
        : Option.isSome(apiSecret)
          ? Effect.succeed(credentialsOf("Hmac", apiKey, apiSecret.value))
          : Option.isSome(rsaPrivateKey)
            ? Effect.succeed(credentialsOf("Rsa", apiKey, rsaPrivateKey.value))
            : fail(
                "BYBIT_API_SECRET",
                "set BYBIT_API_SECRET (system-generated HMAC key) or BYBIT_RSA_PRIVATE_KEY (self-generated RSA key)"
              )
    )
  ),
  environment: optional(Config.Literals(Object.keys(environments) as Array<Environment>, "BYBIT_ENV")),
  baseUrl: optional(checked("BYBIT_BASE_URL", Config.String("BYBIT_BASE_URL"), checkBaseUrl)),
  recvWindow: optional(checked("BYBIT_RECV_WINDOW", Config.Int("BYBIT_RECV_WINDOW"), checkRecvWindow))
}

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

/** The options read once into plain objects (`Rules.readOptions`): a throwing getter is a `ConfigError`. */
const readOptions = (options: Options): Effect.Effect<Options, Config.ConfigError> => {
  const read = Rules.readOptions(options)
  return read._tag === "Invalid"
    ? Effect.fail(configError(read.field.split("."), read.reason))
    : Effect.succeed(read.value as unknown as Options)
}

/** Checks the options once, fills the defaults and builds the signer. */
export const resolve = (given: Options) =>
  Effect.gen(function* () {
    const options = yield* readOptions(given)
    const c = options.credentials as Credentials | null | undefined
    if (typeof c !== "object" || c === null || (c._tag !== "Hmac" && c._tag !== "Rsa")) {
      return yield* fail("credentials", "credentials are required (BybitConfig.hmac or .rsa)")
    }
    const apiKey = yield* verdict(checkKey(c.apiKey), ["credentials", "apiKey"])
    const secret = yield* c._tag === "Hmac"
      ? verdict(checkKey(reveal(c.apiSecret)), ["credentials", "apiSecret"])
      : verdict(checkPem(reveal(c.rsaPrivateKey)), ["credentials", "rsaPrivateKey"])
    const customUrl = options.baseUrl
    // `??`, not a default value: null is "not set" too, as in the Effect 3 line.
    const environment = options.environment ?? "mainnet"
    if (customUrl === undefined && !Object.hasOwn(environments, environment)) {
      return yield* fail("environment", `must be one of ${Object.keys(environments).join(", ")}`)
    }
    const baseUrl =
      customUrl === undefined ? environments[environment] : yield* verdict(checkBaseUrl(customUrl), ["baseUrl"])
    const recvWindow = yield* verdict(checkRecvWindow(options.recvWindow ?? 5000), ["recvWindow"])
    const maxResponseBytes = options.maxResponseBytes ?? 1_048_576
    if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1024) {
      return yield* fail("maxResponseBytes", "must be an integer of bytes, at least 1024")
    }
    return {
      environment: customUrl === undefined ? environment : ("custom" as const),
      baseUrl,
      apiKey,
      signer: c._tag === "Hmac" ? hmacSigner(secret) : rsaSigner(secret),
      // The API key too: Bybit's 10004 text quotes the signed string, key included.
      secrets: [apiKey, ...(c._tag === "Hmac" ? [secret] : Scrub.pemLines(secret))],
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
