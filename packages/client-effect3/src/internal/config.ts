import type * as HttpClient from "@effect/platform/HttpClient"
import { Rules, Scrub } from "@effect-bybit/core"
import { hmacSigner, InvalidKeyError, rsaSigner, type Signer } from "@effect-bybit/signing"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
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

export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = Schedule.exponential(
  "200 millis",
  2
).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(4)), Schedule.upTo("30 seconds"))

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

/** A rule's verdict as a `ConfigError` at `path` (`Config.mapOrFail` prefixes a variable's name). */
type Check<A, B = A> = (value: A) => Either.Either<B, ConfigError.ConfigError>

const rule =
  <A>(problem: (a: A) => string | undefined): Check<A, A> =>
  (value) => {
    const p = problem(value)
    return p === undefined ? Either.right(value) : Either.left(ConfigError.InvalidData([], p))
  }

const checkKey: Check<unknown, string> = (value) => {
  const problem = Rules.credentialProblem(value)
  return problem === undefined ? Either.right(value as string) : Either.left(ConfigError.InvalidData([], problem))
}
const recvWindowProblem = (n: number) =>
  Number.isSafeInteger(n) && n >= 1 && n <= 60_000 ? undefined : "must be an integer of ms from 1 to 60000"
const checkRecvWindow: Check<number> = rule(recvWindowProblem)
const checkBaseUrl: Check<string> = (s) => {
  const checked = Rules.checkBaseUrl(s)
  return checked._tag === "Valid"
    ? Either.right(checked.value)
    : Either.left(ConfigError.InvalidData([], `base URL ${checked.reason}`))
}

/** A PEM pasted on one line with literal `\n` escapes (and no real line break) gets its line breaks. */
const pemOf = (value: string): string =>
  /\\n/.test(value) && !/\n/.test(value.trim()) ? value.replace(/\\r\\n|\\n/g, "\n") : value

/** A PEM private key that signs, parsed here so that a bad key is refused under its own name. */
const checkPem: Check<unknown, string> = (value) => {
  if (typeof value !== "string") return Either.left(ConfigError.InvalidData([], "expected a PEM string"))
  const pem = pemOf(value)
  try {
    rsaSigner(pem)
    return Either.right(pem)
  } catch (error: unknown) {
    // InvalidKeyError never quotes the key; nothing else is trusted to say anything.
    const why = error instanceof InvalidKeyError ? error.message : "the key cannot be used for signing"
    return Either.left(ConfigError.InvalidData([], why))
  }
}

/** A secret as a `Config` gives it: a plain string (read right on the variable) or `Redacted`. */
type Secret = string | Redacted.Redacted<string>
/** The secret's text; anything but a string or a `Redacted` one (a careless caller's) is refused by the rule. */
const reveal = (secret: Secret): unknown =>
  typeof secret === "string" ? secret : Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
const checkSecret: Check<Secret, Redacted.Redacted<string>> = (r) =>
  Either.map(checkKey(reveal(r)), (secret) => Redacted.make(secret as string))
const checkRsaKey: Check<Secret, Redacted.Redacted<string>> = (r) => Either.map(checkPem(reveal(r)), Redacted.make)

const at = <A>(path: string, result: Either.Either<A, ConfigError.ConfigError>) =>
  Either.mapLeft(result, (e) => ConfigError.prefixed(e, [path]))

const checkCredentials = (c: Credentials): Either.Either<Credentials, ConfigError.ConfigError> => {
  if (typeof c !== "object" || c === null || (c._tag !== "Hmac" && c._tag !== "Rsa")) {
    return Either.left(ConfigError.MissingData([], "credentials are required (BybitConfig.hmac or .rsa)"))
  }
  return Either.flatMap(
    at("apiKey", checkKey(c.apiKey)),
    (apiKey): Either.Either<Credentials, ConfigError.ConfigError> =>
      c._tag === "Hmac"
        ? Either.map(at("apiSecret", checkSecret(c.apiSecret)), (apiSecret) => ({ _tag: "Hmac", apiKey, apiSecret }))
        : Either.map(at("rsaPrivateKey", checkRsaKey(c.rsaPrivateKey)), (rsaPrivateKey) => ({
            _tag: "Rsa",
            apiKey,
            rsaPrivateKey
          }))
  )
}

/** `Config.mapOrFail` right on the variable, so that its error is named after the variable. */
const checked = <A, B>(config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapOrFail(config, check)

/**
 * A caller's `Config` of a part, checked. Effect names the variable only when the check sits right
 * on it (not after `Config.redacted`'s mapping), so the message names the part as well.
 */
const checkedPart = <A, B>(part: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.mapOrFail(config, (value) =>
    Either.mapLeft(check(value), (error) =>
      error._op === "InvalidData" ? ConfigError.InvalidData(error.path, `${part} ${error.message}`) : error
    )
  )

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
    apiKey: checked(Config.string("BYBIT_API_KEY"), checkKey),
    // Checked as strings, right on the variable (its name is then in the error), then redacted.
    apiSecret: Config.option(Config.map(checked(Config.string("BYBIT_API_SECRET"), checkKey), Redacted.make)),
    rsaPrivateKey: Config.option(Config.map(checked(Config.string("BYBIT_RSA_PRIVATE_KEY"), checkPem), Redacted.make))
  }).pipe(
    Config.mapOrFail(({ apiKey, apiSecret, rsaPrivateKey }): Either.Either<Credentials, ConfigError.ConfigError> => {
      if (Option.isSome(apiSecret) && Option.isSome(rsaPrivateKey)) {
        return Either.left(
          ConfigError.InvalidData(
            ["BYBIT_API_SECRET"],
            "set either BYBIT_API_SECRET (HMAC) or BYBIT_RSA_PRIVATE_KEY (RSA), not both"
          )
        )
      }
      if (Option.isSome(apiSecret)) return Either.right({ _tag: "Hmac", apiKey, apiSecret: apiSecret.value })
      if (Option.isSome(rsaPrivateKey)) return Either.right({ _tag: "Rsa", apiKey, rsaPrivateKey: rsaPrivateKey.value })
      return Either.left(
        ConfigError.MissingData(
          ["BYBIT_API_SECRET"],
          "set BYBIT_API_SECRET (system-generated HMAC key) or BYBIT_RSA_PRIVATE_KEY (self-generated RSA key)"
        )
      )
    })
  ),
  environment: optional(Config.literal(...(Object.keys(environments) as Array<Environment>))("BYBIT_ENV")),
  baseUrl: optional(checked(Config.string("BYBIT_BASE_URL"), checkBaseUrl)),
  recvWindow: optional(checked(Config.integer("BYBIT_RECV_WINDOW"), checkRecvWindow))
}

const fail = (path: string, message: string) => Effect.fail(ConfigError.InvalidData([path], message))

/** The options read once into plain objects (`Rules.readOptions`): a throwing getter is a `ConfigError`. */
const readOptions = (options: Options): Effect.Effect<Options, ConfigError.ConfigError> => {
  const read = Rules.readOptions(options)
  return read._tag === "Invalid"
    ? Effect.fail(ConfigError.InvalidData(read.field.split("."), read.reason))
    : Effect.succeed(read.value as unknown as Options)
}

const durationMillis = (path: string, input: Duration.DurationInput | undefined, fallback: number, min: number) => {
  if (input === undefined) return Effect.succeed(fallback)
  // `Duration` clamps a negative or NaN number to zero: refused here instead.
  if (typeof input === "number" && !(input >= min)) return fail(path, `must be at least ${min} ms`)
  const d = Duration.decodeUnknown(input)
  if (Option.isNone(d) || !Duration.isFinite(d.value) || Duration.toMillis(d.value) < min) {
    return fail(path, min > 0 ? "must be a positive, finite duration" : "must be a finite duration")
  }
  return Effect.succeed(Duration.toMillis(d.value))
}

const orFail = <A>(result: Either.Either<A, ConfigError.ConfigError>) =>
  Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(result.left)

/** Checks options once, fills defaults and builds the signer. */
export const resolve = (given: Options): Effect.Effect<Resolved, ConfigError.ConfigError> =>
  Effect.gen(function* () {
    const options = yield* readOptions(given)
    const credentials = yield* orFail(at("credentials", checkCredentials(options.credentials)))
    let baseUrl: string
    let environment: Environment | "custom"
    if (options.baseUrl !== undefined) {
      baseUrl = yield* orFail(at("baseUrl", checkBaseUrl(options.baseUrl)))
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
