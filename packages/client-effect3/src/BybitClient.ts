/**
 * The `BybitClient` service: signed requests to Bybit's V5 API over the `HttpClient` the caller
 * provides, with clock sync, pacing, safe retries and typed errors.
 *
 * @since 0.1.0
 */

import type * as HttpClient from "@effect/platform/HttpClient"
import type { RateLimit } from "@effect-bybit/core"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as BybitConfig from "./BybitConfig.js"
import type { CancelError, ListError, RequestError } from "./BybitError.js"
import * as internal from "./internal/client.js"
import type { CancelResult, WithdrawalPage } from "./Withdrawals.js"

/**
 * The rate-limit status of an answer: the endpoint's `limit`, requests `remaining` in the window,
 * `resetAt` (ms since the epoch, server time) and the `path` it belongs to (headers
 * `X-Bapi-Limit`, `X-Bapi-Limit-Status`, `X-Bapi-Limit-Reset-Timestamp`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStatus extends RateLimit.RateLimitStatus {}

/**
 * The exchange's time (`GET /v5/market/time`): seconds and nanoseconds as sent, and `millis`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerTime {
  readonly timeSecond: string
  readonly timeNano: string
  /** Milliseconds since the epoch (from `timeNano`). */
  readonly millis: number
}

/**
 * What the `BybitClient` service offers. `Withdrawals.cancel` and `list` are its accessors.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The environment name, or `custom` when a base URL was given. */
  readonly environment: BybitConfig.Environment | "custom"
  /** The base URL every request goes to. */
  readonly baseUrl: string
  /** `GET /v5/market/time` (public, unsigned), retried. */
  readonly serverTime: Effect.Effect<ServerTime, RequestError>
  /** The measured offset (server minus local clock, ms), once measured. */
  readonly clockOffset: Effect.Effect<Option.Option<number>>
  /** The last rate-limit status seen for a path. */
  readonly rateLimitStatus: (path: string) => Effect.Effect<RateLimitStatus | undefined>
  /** See `Withdrawals.cancel`. */
  readonly cancel: (input: { readonly id: string }) => Effect.Effect<CancelResult, CancelError>
  /** See `Withdrawals.list`. */
  readonly list: (query?: import("./Withdrawals.js").ListQuery) => Effect.Effect<WithdrawalPage, ListError>
}

/**
 * The service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class BybitClient extends Context.Tag("@effect-bybit/client-effect3/BybitClient")<BybitClient, Service>() {}

/**
 * Builds the service: checks the options (a `ConfigError` naming the option, never quoting a
 * secret), builds the signer once, and takes the `HttpClient` once. The scope holds the redaction
 * of the credential headers (`Headers.currentRedactedNames`). Use it for a second account under its
 * own tag.
 *
 * @example
 * ```ts
 * class SubAccount extends Context.Tag("app/SubAccount")<SubAccount, BybitClient.Service>() {}
 * const SubAccountLive = Layer.scoped(SubAccount, BybitClient.make({ credentials, environment: "testnet" }))
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options: BybitConfig.Options
) => Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient | Scope.Scope> = internal.make

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
): Layer.Layer<BybitClient, ConfigError.ConfigError, HttpClient.HttpClient> => Layer.scoped(BybitClient, make(options))

/**
 * The service from `Config`s (`Config.Wrap` of the options); default `BybitConfig.fromEnv`
 * (`BYBIT_API_KEY`, `BYBIT_API_SECRET` or `BYBIT_RSA_PRIVATE_KEY`, `BYBIT_ENV`, `BYBIT_BASE_URL`,
 * `BYBIT_RECV_WINDOW`). A missing or invalid value is a `ConfigError` naming it.
 *
 * @example
 * ```ts
 * BybitClient.layerConfig()
 * BybitClient.layerConfig({ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) })
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<BybitConfig.Options> = BybitConfig.fromEnv
): Layer.Layer<BybitClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(BybitClient, Effect.flatMap(Config.unwrap(options), make))

/**
 * The exchange's time (`GET /v5/market/time`, public, unsigned).
 *
 * @since 0.1.0
 * @category accessors
 */
export const serverTime: Effect.Effect<ServerTime, RequestError, BybitClient> = Effect.flatMap(
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
 * The measured clock offset (server minus local, ms), once measured.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clockOffset: Effect.Effect<Option.Option<number>, never, BybitClient> = Effect.flatMap(
  BybitClient,
  (client) => client.clockOffset
)
