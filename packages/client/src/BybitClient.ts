/**
 * The `BybitClient` service: signed requests to Bybit's V5 API over the `HttpClient` the caller
 * provides, with clock sync, safe retries and rate-limit tracking.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { hmacSigner, type QueryParams, rsaSigner, type Signer } from "@effect-bybit/signing"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type { ParseError } from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as BybitConfig from "./BybitConfig.js"
import type { RequestError, ServerTimeError } from "./BybitError.js"
import * as Pipeline from "./internal/request.js"
import { pemLines } from "./internal/scrub.js"

/**
 * The rate-limit headers of a response (`X-Bapi-Limit`, `X-Bapi-Limit-Status`,
 * `X-Bapi-Limit-Reset-Timestamp`) with the path they belong to.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateLimitStatus = Schema.Struct({
  /** The request path the status belongs to. */
  path: Schema.String,
  /** The endpoint's limit (`X-Bapi-Limit`). */
  limit: Schema.Number,
  /** Requests left in the current window (`X-Bapi-Limit-Status`). */
  remaining: Schema.Number,
  /** When the limit resets, ms since the epoch, server time (`X-Bapi-Limit-Reset-Timestamp`). */
  resetAt: Schema.Number
}).annotations({ identifier: "RateLimitStatus" })

/**
 * The rate-limit status of a response: `limit`, `remaining`, `resetAt` (server ms) and `path`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStatus extends Schema.Schema.Type<typeof RateLimitStatus> {}

const Digits = Schema.String.pipe(Schema.pattern(/^\d{1,30}$/))

/**
 * The result of `GET /v5/market/time`; `millis` is the server time in ms (from `timeNano`).
 *
 * @since 0.1.0
 * @category models
 */
export class ServerTime extends Schema.Class<ServerTime>("ServerTime")({
  /** Seconds since the epoch, as the server sent it. */
  timeSecond: Digits,
  /** Nanoseconds since the epoch, as the server sent it. */
  timeNano: Digits
}) {
  /** Milliseconds since the epoch (from `timeNano`). */
  get millis(): number {
    return Number(BigInt(this.timeNano) / 1_000_000n)
  }
}

/**
 * One request to the exchange: method, path, body or query, and how to decode its `result`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSpec<A, E = never> {
  readonly method: "GET" | "POST"
  /** The path, e.g. `/v5/asset/withdraw/cancel`. */
  readonly path: string
  /** Private endpoints are signed; public ones (market time) are not. */
  readonly signed: boolean
  /** The JSON body of a POST (serialized once, signed and sent as is). */
  readonly body?: unknown
  /** The query of a GET (serialized once, signed and sent as is). */
  readonly query?: QueryParams
  /** Decodes `result` of a `retCode 0` envelope. */
  readonly decodeResult: (result: unknown) => Either.Either<A, ParseError>
  /** Maps the endpoint's own retCodes (e.g. 131099); `undefined` falls back to the common mapping. */
  readonly mapRetCode?: (retCode: number, retMsg: string, httpStatus: number) => E | undefined
}

/**
 * A decoded `retCode 0` answer with its rate-limit status.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiResponse<A> {
  readonly result: A
  readonly retMsg: string
  /** The server time of the answer (ms), when sent. */
  readonly time: number | undefined
  readonly httpStatus: number
  /** The rate-limit headers of the answer, when sent. */
  readonly rateLimit: RateLimitStatus | undefined
}

/** `GET /v5/market/time`, public and unsigned: the service's `serverTime` and the clock sync. */
const serverTimeSpec: RequestSpec<ServerTime> = {
  method: "GET",
  path: "/v5/market/time",
  signed: false,
  decodeResult: Schema.decodeUnknownEither(ServerTime)
}

/**
 * What the `BybitClient` service offers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The environment name, or `custom` when a base URL was given. */
  readonly environment: BybitConfig.Environment | "custom"
  /** The base URL every request goes to. */
  readonly baseUrl: string
  /** One attempt of a (signed, for private endpoints) request; no retry. */
  readonly request: <A, E = never>(spec: RequestSpec<A, E>) => Effect.Effect<ApiResponse<A>, RequestError | E>
  /** Retries an effect per the configured schedule, only on retryable errors. */
  readonly retrying: <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** `GET /v5/market/time` (public, unsigned), retried. */
  readonly serverTime: Effect.Effect<ServerTime, ServerTimeError>
  /** The last rate-limit status seen for a path. */
  readonly rateLimitStatus: (path: string) => Effect.Effect<RateLimitStatus | undefined>
  /** The last rate-limit status seen for every path. */
  readonly rateLimits: Effect.Effect<ReadonlyMap<string, RateLimitStatus>>
  /** The measured offset (server minus local clock, ms), if measured. */
  readonly clockOffset: Effect.Effect<Option.Option<number>>
}

/**
 * The service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class BybitClient extends Context.Tag("@effect-bybit/client/BybitClient")<BybitClient, Service>() {}

const signerOf = (
  credentials: BybitConfig.Credentials
): Effect.Effect<{ readonly signer: Signer; readonly secrets: ReadonlyArray<string> }, ConfigError.ConfigError> =>
  Effect.try({
    try: () => {
      if (credentials._tag === "Hmac") {
        const secret = Redacted.value(credentials.apiSecret)
        return { signer: hmacSigner(secret), secrets: [secret] }
      }
      const pem = Redacted.value(credentials.rsaPrivateKey)
      return { signer: rsaSigner(pem), secrets: pemLines(pem) }
    },
    // Checked by `BybitConfig` already; never a defect should the signing package disagree.
    catch: () => ConfigError.InvalidData(["credentials"], "the key cannot be used for signing")
  })

/** The service from checked options: the one constructor behind `make` and `layerConfig`. */
const fromResolved = (
  resolved: BybitConfig.Resolved
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const { signer, secrets } = yield* signerOf(resolved.credentials)
    const httpClient = yield* HttpClient.HttpClient
    const pipeline = yield* Pipeline.make({
      httpClient,
      baseUrl: resolved.baseUrl,
      apiKey: resolved.credentials.apiKey,
      signer,
      secrets,
      maxResponseBytes: resolved.maxResponseBytes,
      recvWindow: resolved.recvWindow,
      timeout: resolved.timeout,
      retry: resolved.retry,
      maxRateLimitWait: resolved.maxRateLimitWait,
      timeSync: resolved.timeSync,
      traceRequests: resolved.traceRequests,
      pacing: resolved.pacing,
      serverTime: serverTimeSpec
    })
    const serverTime = pipeline.retrying(pipeline.request(serverTimeSpec)).pipe(
      Effect.map((response) => response.result),
      Effect.withSpan("BybitClient.serverTime")
    )
    return BybitClient.of({
      environment: resolved.environment,
      baseUrl: resolved.baseUrl,
      request: pipeline.request,
      retrying: pipeline.retrying,
      serverTime,
      rateLimitStatus: (path) => Effect.map(Ref.get(pipeline.rateLimits), (map) => map.get(path)),
      rateLimits: Ref.get(pipeline.rateLimits),
      clockOffset: pipeline.clockOffset
    })
  })

/**
 * Builds the service from options: checks them, builds the signer once, shapes the `HttpClient`.
 * Bad options or an unusable key are a `ConfigError` naming the option. Use it for a second account
 * under its own tag; `Effect.provideService(BybitClient, account)` runs `Withdrawals.cancel` on it.
 *
 * @example
 * ```ts
 * class SubAccount extends Context.Tag("app/SubAccount")<SubAccount, BybitClient.Service>() {}
 * const SubAccountLive = Layer.effect(SubAccount, BybitClient.make({ credentials, environment: "testnet" }))
 *
 * const cancelOnSub = Effect.flatMap(SubAccount, (sub) =>
 *   Withdrawals.cancel({ id: "20001" }).pipe(Effect.provideService(BybitClient.BybitClient, sub))
 * )
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: BybitConfig.Options
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.flatMap(BybitConfig.resolve(options), fromResolved)

/**
 * The service from explicit options; requires an `HttpClient` (e.g. `FetchHttpClient.layer`).
 *
 * @example
 * ```ts
 * BybitClient.layer({
 *   credentials: BybitConfig.hmac({ apiKey: "key", apiSecret: Redacted.make("secret") }),
 *   environment: "testnet"
 * })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: BybitConfig.Options
): Layer.Layer<BybitClient, ConfigError.ConfigError, HttpClient.HttpClient> => Layer.effect(BybitClient, make(options))

/**
 * The service from a `Config` per option (`BybitConfig.ConfigOptions`, the `Config.Wrap` idiom of
 * Effect's own clients); requires an `HttpClient`. The default, `BybitConfig.fromEnv`, reads
 * `BYBIT_API_KEY`, `BYBIT_API_SECRET` or `BYBIT_RSA_PRIVATE_KEY`, `BYBIT_ENV`, `BYBIT_BASE_URL` and
 * `BYBIT_RECV_WINDOW`. Every value is checked by the rules of `layer`; a missing or invalid one is
 * a `ConfigError` naming its own variable (or the option, for a `Config` that reads none).
 *
 * @example
 * ```ts
 * // The environment, as is:
 * BybitClient.layerConfig()
 * // The environment, without time sync:
 * BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) })
 * // Your own names and sources:
 * BybitClient.layerConfig({
 *   credentials: BybitConfig.hmacConfig({
 *     apiKey: Config.string("SUB_KEY"),
 *     apiSecret: Config.redacted("SUB_SECRET")
 *   }),
 *   environment: Config.succeed("testnet"),
 *   recvWindow: Config.integer("SUB_RECV_WINDOW")
 * })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: BybitConfig.ConfigOptions = BybitConfig.fromEnv
): Layer.Layer<BybitClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(BybitClient, Effect.flatMap(BybitConfig.resolveConfig(options), fromResolved))

/**
 * The exchange's time (`GET /v5/market/time`, public, unsigned).
 *
 * @since 0.1.0
 * @category accessors
 */
export const serverTime: Effect.Effect<ServerTime, ServerTimeError, BybitClient> = Effect.flatMap(
  BybitClient,
  (client) => client.serverTime
)

/**
 * The last rate-limit status seen for a path (default: the cancel endpoint).
 *
 * @since 0.1.0
 * @category accessors
 */
export const rateLimitStatus = (
  path = "/v5/asset/withdraw/cancel"
): Effect.Effect<RateLimitStatus | undefined, never, BybitClient> =>
  Effect.flatMap(BybitClient, (client) => client.rateLimitStatus(path))

/**
 * The measured clock offset (server minus local, ms), if measured yet.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clockOffset: Effect.Effect<Option.Option<number>, never, BybitClient> = Effect.flatMap(
  BybitClient,
  (client) => client.clockOffset
)
