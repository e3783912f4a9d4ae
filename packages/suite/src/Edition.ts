/**
 * What a client line gives the shared suite: one way to run an operation against a mock exchange
 * and report the outcome as plain data. Nothing here knows Effect, so the same scenarios run
 * against the Effect 4 line and the Effect 3 line, each through its own driver (its `/testing`
 * layer, its `BybitConfig`, its runtime).
 */
import type { Exchange, MockExchangeOptions } from "@effect-bybit/mock-exchange/core"

/** The client's options the scenarios vary, as plain values (the driver makes its line's `BybitConfig`). */
export interface ClientOptions {
  readonly credentials?:
    | { readonly apiKey: string; readonly apiSecret: string }
    | { readonly apiKey: string; readonly rsaPrivateKey: string }
  readonly environment?: string
  readonly baseUrl?: string
  readonly recvWindow?: number
  /** Per-attempt timeout, ms. */
  readonly timeoutMs?: number
  /** `false`: no retry; a number: at most that many retries, on the line's default schedule otherwise. */
  readonly retries?: false | number
  readonly maxRateLimitWaitMs?: number
  readonly timeSync?: boolean
  readonly maxResponseBytes?: number
  readonly pacing?: boolean
}

/**
 * One call of the client's public API. What a `Success` outcome's `value` holds (a JSON copy):
 * - `cancel`: the `CancelResult` (`id`, `status`, `confirmedAfterRetry`, `rateLimit`);
 * - `list`: the `WithdrawalPage` (`rows`, `malformed`, `nextPageCursor`, `rateLimit`);
 * - `listAll`: the array of every item of the stream, rows and malformed rows
 *   (`_tag: "MalformedRecord"`) where they stood;
 * - `serverTime`: the `ServerTime` (`timeSecond`, `timeNano`, `millis`);
 * - `cancelMany`: the array of each cancel's own `Outcome`, in input order (the operation as a
 *   whole never fails);
 * - `cancelAllPending`: `{ outcomes, summary }`: every item of `Withdrawals.cancelAllPending(input)`
 *   but the last, in order, and the last (the summary); a `Failed` outcome's `error` and the
 *   summary's `listError` as `FailureData`.
 */
export type Operation =
  | { readonly _tag: "cancel"; readonly input: unknown }
  | { readonly _tag: "list"; readonly input?: unknown }
  | { readonly _tag: "listAll"; readonly input?: unknown }
  | { readonly _tag: "serverTime" }
  /** Several cancels from one client, concurrently (pacing, single flight). */
  | { readonly _tag: "cancelMany"; readonly inputs: ReadonlyArray<unknown> }
  /** `Withdrawals.cancelAllPending(input)`, its stream run to the end. */
  | { readonly _tag: "cancelAllPending"; readonly input?: unknown }

/** A typed failure, as plain data: its `_tag`, its `message`, and its own fields (JSON-safe). */
export interface FailureData {
  readonly _tag: string
  readonly message: string
  readonly [field: string]: unknown
}

/** How one operation ended. Values are JSON-safe copies (no class instances, no Redacted). */
export type Outcome =
  | { readonly _tag: "Success"; readonly value: unknown }
  | { readonly _tag: "Failure"; readonly error: FailureData }
  /** A defect or an interruption: never expected; the text is for the assertion message. */
  | { readonly _tag: "Defect"; readonly text: string }

export interface RunOptions {
  /** Options of the in-process exchange the line's test layer makes. */
  readonly exchange?: MockExchangeOptions
  /** Called with that exchange before the operation (inject faults, add withdrawals, set limits). */
  readonly setup?: (exchange: Exchange) => void
  readonly client?: ClientOptions
  readonly operation: Operation
}

export interface RunResult {
  readonly outcome: Outcome
  /** The exchange after the operation, to compare the outcome with its own record. */
  readonly exchange: Exchange
  /** Virtual ms the operation took on the line's TestClock. */
  readonly elapsedMs: number
}

/**
 * A client line as the suite drives it. `run` builds a fresh client on the line's in-process test
 * layer (its exchange clock following the line's `TestClock`), runs the operation while moving
 * that clock until it ends, and reports the outcome. It never rejects: a defect is an `Outcome`.
 */
export interface Edition {
  /** "effect4" or "effect3". */
  readonly name: string
  readonly run: (options: RunOptions) => Promise<RunResult>
}

/**
 * The assertions the scenarios use, as vitest's `expect(actual)` offers them (vitest 3 and 5 alike).
 */
export interface Assertion {
  readonly not: Assertion
  readonly toBe: (expected: unknown) => void
  readonly toEqual: (expected: unknown) => void
  readonly toStrictEqual: (expected: unknown) => void
  readonly toMatchObject: (expected: object) => void
  readonly toHaveLength: (length: number) => void
  readonly toHaveProperty: (property: string) => void
  readonly toContain: (item: unknown) => void
  readonly toMatch: (expected: string | RegExp) => void
  readonly toBeGreaterThan: (n: number) => void
  readonly toBeGreaterThanOrEqual: (n: number) => void
  readonly toBeLessThan: (n: number) => void
  readonly toBeLessThanOrEqual: (n: number) => void
  readonly toBeUndefined: () => void
}

/** The test functions of the vitest that runs the suite (each line has its own vitest major). */
export interface TestApi {
  readonly describe: (name: string, body: () => void) => void
  readonly it: (name: string, body: () => Promise<void> | void, timeout?: number) => void
  readonly expect: (actual: unknown, message?: string) => Assertion
}
