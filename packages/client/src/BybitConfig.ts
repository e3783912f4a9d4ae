/**
 * Configuration of the client: credentials (HMAC or RSA, secrets `Redacted`), the environment or
 * base URL, and the options of `BybitClient.make`; `fromEnv` reads them from the environment
 * (`BYBIT_*`). Every rule is checked when the layer is built, as a `ConfigError` naming the
 * variable or option, never quoting its value.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { RetryableError } from "./BybitError.js"
import * as internal from "./internal/config.js"

/**
 * Every Bybit V5 REST host, by name (Bybit's "Integration Guidance" page). `mainnet` is what
 * Bybit's own SDKs default to.
 *
 * @since 0.1.0
 * @category environments
 */
export const environments: typeof internal.environments = internal.environments

/**
 * The name of a Bybit environment (a key of `environments`).
 *
 * @since 0.1.0
 * @category environments
 */
export type Environment = keyof typeof environments

/**
 * Schema of an environment name.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Environment: Schema.Codec<Environment> = Schema.Literals(Object.keys(environments) as Array<Environment>)

/**
 * Credentials: a system-generated key (`Hmac`: the API key and its secret) or a self-generated one
 * (`Rsa`: the API key and the RSA private key, PEM, PKCS#8 or PKCS#1).
 *
 * @since 0.1.0
 * @category models
 */
export type Credentials =
  | { readonly _tag: "Hmac"; readonly apiKey: string; readonly apiSecret: Redacted.Redacted<string> }
  | { readonly _tag: "Rsa"; readonly apiKey: string; readonly rsaPrivateKey: Redacted.Redacted<string> }

/**
 * HMAC credentials (checked when the layer is built).
 *
 * @example
 * ```ts
 * BybitConfig.hmac({ apiKey: "key", apiSecret: Redacted.make("secret") })
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const hmac = (input: {
  readonly apiKey: string
  readonly apiSecret: Redacted.Redacted<string>
}): Credentials => ({
  _tag: "Hmac",
  ...input
})

/**
 * RSA credentials; a PEM written on one line with literal `\n` escapes is accepted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rsa = (input: {
  readonly apiKey: string
  readonly rsaPrivateKey: Redacted.Redacted<string>
}): Credentials => ({ _tag: "Rsa", ...input })

/**
 * The default `retry` schedule: exponential backoff from 200 ms (x2) with jitter, at most 4
 * retries, within 30 seconds. Applies to retryable errors only (`BybitError.isRetryable`).
 *
 * @since 0.1.0
 * @category retry
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = internal.defaultRetrySchedule

/**
 * Options of `BybitClient.make` / `layer`. Only `credentials` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly credentials: Credentials
  /** Named host; default `mainnet`. Ignored when `baseUrl` is given. */
  readonly environment?: Environment | undefined
  /** Overrides the environment's host (a region, a proxy, the mock exchange): https, or http on loopback. */
  readonly baseUrl?: string | undefined
  /** Receive window in ms, 1..60000; default 5000. */
  readonly recvWindow?: number | undefined
  /** Per-attempt timeout (sending and reading the whole response); default 10 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** How retryable failures are retried; default `defaultRetrySchedule`; `false`: never. */
  readonly retry?: Schedule.Schedule<unknown, RetryableError> | false | undefined
  /** The longest wait for a rate-limit reset or a paced slot before failing; default 60 seconds. */
  readonly maxRateLimitWait?: Duration.Input | undefined
  /** Measure the offset to the server's clock (`GET /v5/market/time`) and apply it; default `true`. */
  readonly timeSync?: boolean | undefined
  /** The most bytes of a response body read; past it the answer is `UnreadableResponse`; default 1 MiB. */
  readonly maxResponseBytes?: number | undefined
  /**
   * Spread private requests over each endpoint's per-UID budget instead of sending until Bybit
   * answers 10006; default `true` (Bybit V5 "Rate Limit Rules").
   */
  readonly pacing?: boolean | undefined
  /**
   * Adjusts the `HttpClient` once, when the client is built (a proxy, extra headers). Do not make
   * it follow redirects, retry or rewrite URLs: the client's requests are signed for one URL, and
   * it retries on its own. A request to another origin than `baseUrl` (a redirect followed by a
   * wrapper) fails with `RedirectRefused` before it is sent.
   *
   * A `fetch` of your own (a proxy, mTLS) for `FetchHttpClient`: provide `FetchHttpClient.Fetch`
   * to the client's layer (or where the program runs); the client calls it with
   * `redirect: "manual"`. One given only to `FetchHttpClient.layer` is not seen: the client sets
   * the `Fetch` of its requests, and that one wins.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The default of `BybitClient.layerConfig`: `BYBIT_API_KEY` with `BYBIT_API_SECRET` (HMAC) or
 * `BYBIT_RSA_PRIVATE_KEY` (RSA, PEM; literal `\n` escapes accepted), `BYBIT_ENV` (default
 * `mainnet`), `BYBIT_BASE_URL`, `BYBIT_RECV_WINDOW` (ms). A record of `Config`s: spread it to add
 * or replace options. A missing or invalid variable is a `ConfigError` naming it.
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
} = internal.fromEnv

/**
 * HMAC credentials from two `Config`s. A secret read with `Config.String(name)` is checked right on
 * the variable, so a `ConfigError` names it; after `Config.Redacted(name)` Effect no longer can,
 * and the message names the part (`apiSecret`). Either way the value is `Redacted` from then on.
 *
 * @since 0.1.0
 * @category config
 */
export const hmacConfig: (parts: {
  readonly apiKey: Config.Config<string>
  readonly apiSecret: Config.Config<string | Redacted.Redacted<string>>
}) => Config.Config<Credentials> = internal.hmacConfig

/**
 * RSA credentials from two `Config`s (the PEM as for `hmacConfig`'s secret).
 *
 * @since 0.1.0
 * @category config
 */
export const rsaConfig: (parts: {
  readonly apiKey: Config.Config<string>
  readonly rsaPrivateKey: Config.Config<string | Redacted.Redacted<string>>
}) => Config.Config<Credentials> = internal.rsaConfig
