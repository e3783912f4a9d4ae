/**
 * Credentials (HMAC or RSA, secrets `Redacted`), environments and the options of `BybitClient.make`,
 * checked when the layer is built: a `ConfigError` names the variable or option, never its value.
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
 * Every Bybit V5 REST host, by name (Bybit's "Integration Guidance" page).
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
 * An environment name, as a schema.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Environment: Schema.Codec<Environment> = Schema.Literals(Object.keys(environments) as Array<Environment>)

/**
 * A system-generated key (`Hmac`) or a self-generated one (`Rsa`: PEM, PKCS#8 or PKCS#1).
 *
 * @since 0.1.0
 * @category models
 */
export type Credentials =
  | { readonly _tag: "Hmac"; readonly apiKey: string; readonly apiSecret: Redacted.Redacted<string> }
  | { readonly _tag: "Rsa"; readonly apiKey: string; readonly rsaPrivateKey: Redacted.Redacted<string> }

/**
 * HMAC credentials.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hmac = (input: {
  readonly apiKey: string
  readonly apiSecret: Redacted.Redacted<string>
}): Credentials => ({ _tag: "Hmac", ...input })

/**
 * RSA credentials; a PEM on one line with literal `\n` escapes is accepted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rsa = (input: {
  readonly apiKey: string
  readonly rsaPrivateKey: Redacted.Redacted<string>
}): Credentials => ({ _tag: "Rsa", ...input })

/**
 * The default `retry`: backoff from 200 ms (x2, jittered), at most 4 retries, within 30 seconds.
 *
 * @since 0.1.0
 * @category retry
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = internal.defaultRetrySchedule

/**
 * Options of `BybitClient.make`; only `credentials` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly credentials: Credentials
  /** Default `mainnet`; ignored when `baseUrl` is given. */
  readonly environment?: Environment | undefined
  /** Another host (a proxy, the mock): https, or http on loopback. */
  readonly baseUrl?: string | undefined
  /** Receive window, ms, 1..60000; default 5000. */
  readonly recvWindow?: number | undefined
  /** Per attempt, the whole response read; default 10 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Default `defaultRetrySchedule`; `false`: never retry. */
  readonly retry?: Schedule.Schedule<unknown, RetryableError> | false | undefined
  /** The longest wait for a rate-limit reset or a paced slot; default 60 seconds. */
  readonly maxRateLimitWait?: Duration.Input | undefined
  /** Sign with the server's time (`GET /v5/market/time`); default `true`. */
  readonly timeSync?: boolean | undefined
  /** Body cap, bytes; past it `UnreadableResponse` (`TooLarge`); default 1 MiB. */
  readonly maxResponseBytes?: number | undefined
  /** Spread requests over each endpoint's per-UID budget (Bybit's "Rate Limit Rules"); default `true`. */
  readonly pacing?: boolean | undefined
  /**
   * Adjusts the `HttpClient` once (a proxy, headers). A request to another origin (a followed
   * redirect) fails with `RedirectRefused` unsent. A `fetch` of your own: provide
   * `FetchHttpClient.Fetch` to the client's layer (it is called with `redirect: "manual"`).
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * `BYBIT_API_KEY` with `BYBIT_API_SECRET` (HMAC) or `BYBIT_RSA_PRIVATE_KEY` (PEM), `BYBIT_ENV`,
 * `BYBIT_BASE_URL`, `BYBIT_RECV_WINDOW` (ms), as `Config`s: spread it to add or replace options.
 *
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
 * HMAC credentials from two `Config`s; a broken rule names the part (`apiSecret`) in its `ConfigError`.
 *
 * @since 0.1.0
 * @category config
 */
export const hmacConfig: (parts: {
  readonly apiKey: Config.Config<string>
  readonly apiSecret: Config.Config<string | Redacted.Redacted<string>>
}) => Config.Config<Credentials> = internal.hmacConfig

/**
 * RSA credentials from two `Config`s (as `hmacConfig`).
 *
 * @since 0.1.0
 * @category config
 */
export const rsaConfig: (parts: {
  readonly apiKey: Config.Config<string>
  readonly rsaPrivateKey: Config.Config<string | Redacted.Redacted<string>>
}) => Config.Config<Credentials> = internal.rsaConfig
