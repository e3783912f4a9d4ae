/**
 * The `BybitClient` service: signed Bybit V5 requests over the caller's `HttpClient`.
 *
 * @since 0.1.0
 */
import type { RateLimit } from "@effect-bybit/core"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as BybitConfig from "./BybitConfig.js"
import type { CancelError, ListError, RequestError } from "./BybitError.js"
import * as internal from "./internal/client.js"
import type { CancelResult, ListQuery, WithdrawalPage } from "./Withdrawals.js"

/**
 * An answer's rate-limit headers: `limit`, `remaining`, `resetAt` (server ms) and its `path`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStatus extends RateLimit.RateLimitStatus {}

/**
 * The exchange's time as sent, and in `millis`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerTime {
  readonly timeSecond: string
  readonly timeNano: string
  readonly millis: number
}

/**
 * The service; `Withdrawals` holds the accessors of `cancel` and `list`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `custom` when a base URL was given. */
  readonly environment: BybitConfig.Environment | "custom"
  readonly baseUrl: string
  readonly serverTime: Effect.Effect<ServerTime, RequestError>
  readonly clockOffset: Effect.Effect<Option.Option<number>>
  readonly rateLimitStatus: (path: string) => Effect.Effect<RateLimitStatus | undefined>
  readonly cancel: (input: { readonly id: string }) => Effect.Effect<CancelResult, CancelError>
  readonly list: (query?: ListQuery) => Effect.Effect<WithdrawalPage, ListError>
}

/**
 * The service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class BybitClient extends Context.Service<BybitClient, Service>()("@effect-bybit/client/BybitClient") {}

/**
 * Builds the service: checks the options (a `ConfigError` naming the option, never quoting a
 * secret) and takes the `HttpClient` once. A second account goes under its own tag.
 *
 * @example
 * ```ts
 * class SubAccount extends Context.Service<SubAccount, BybitClient.Service>()("app/SubAccount") {}
 * const SubAccountLive = Layer.effect(SubAccount)(BybitClient.make({ credentials, environment: "testnet" }))
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options: BybitConfig.Options
) => Effect.Effect<Service, Config.ConfigError, HttpClient.HttpClient | Scope.Scope> = internal.make

/**
 * The service from options; requires an `HttpClient` (e.g. `FetchHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: BybitConfig.Options
): Layer.Layer<BybitClient, Config.ConfigError, HttpClient.HttpClient> => Layer.effect(BybitClient)(make(options))

/**
 * The service from `Config`s of the options: default `BybitConfig.fromEnv`, which a caller may
 * spread to add options (`{ ...BybitConfig.fromEnv, timeSync: Config.succeed(false) }`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Wrap<BybitConfig.Options> = BybitConfig.fromEnv
): Layer.Layer<BybitClient, Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(BybitClient)(Effect.flatMap(Config.unwrap(options), make))

/**
 * The exchange's time (`GET /v5/market/time`, unsigned), retried.
 *
 * @since 0.1.0
 * @category accessors
 */
export const serverTime: Effect.Effect<ServerTime, RequestError, BybitClient> = BybitClient.use(
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
  BybitClient.use((client) => client.rateLimitStatus(path))

/**
 * The clock offset (server minus local, ms), once measured.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clockOffset: Effect.Effect<Option.Option<number>, never, BybitClient> = BybitClient.use(
  (client) => client.clockOffset
)
