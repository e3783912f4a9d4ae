/**
 * The Effect 3 line as the shared behavioural suite (`@effect-bybit/suite`) drives it: a fresh
 * in-process mock exchange on Effect's clock (`MockExchange.layer({ clock: "effect" })`), a client
 * (`BybitClient.layer`) built from the suite's plain options, the operation run in a fiber while the
 * TestClock moves to each wake-up, and the Exit reported as plain data.
 */

import { MOCK_API_KEY, MOCK_API_SECRET, makeExchange } from "@effect-bybit/mock-exchange/core"
import type { Edition, FailureData, Operation, Outcome, RunOptions, RunResult } from "@effect-bybit/suite"
import {
  Cause,
  Chunk,
  Context,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  Schedule,
  Stream,
  TestClock,
  TestContext
} from "effect"
import { BybitClient, BybitConfig, Withdrawals } from "../src/index.js"
import { MockExchange } from "../src/testing.js"

const DEFAULT_BASE_URL = "https://api.bybit.com"

/** The line's `BybitConfig.Options` from the suite's plain options. */
const clientOptions = (options: RunOptions["client"] = {}): BybitConfig.Options => {
  const credentials = options.credentials ?? { apiKey: MOCK_API_KEY, apiSecret: MOCK_API_SECRET }
  const retries = options.retries
  return {
    credentials:
      "apiSecret" in credentials
        ? BybitConfig.hmac({ apiKey: credentials.apiKey, apiSecret: Redacted.make(credentials.apiSecret) })
        : BybitConfig.rsa({ apiKey: credentials.apiKey, rsaPrivateKey: Redacted.make(credentials.rsaPrivateKey) }),
    ...(options.environment !== undefined
      ? { environment: options.environment as BybitConfig.Environment }
      : { baseUrl: DEFAULT_BASE_URL }),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.recvWindow !== undefined ? { recvWindow: options.recvWindow } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: Duration.millis(options.timeoutMs) } : {}),
    ...(retries === false
      ? { retry: false as const }
      : retries !== undefined
        ? { retry: BybitConfig.defaultRetrySchedule.pipe(Schedule.intersect(Schedule.recurs(retries))) }
        : {}),
    ...(options.maxRateLimitWaitMs !== undefined
      ? { maxRateLimitWait: Duration.millis(options.maxRateLimitWaitMs) }
      : {}),
    ...(options.timeSync !== undefined ? { timeSync: options.timeSync } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.pacing !== undefined ? { pacing: options.pacing } : {})
  }
}

/** A JSON-safe copy (bigints as strings, class instances as their own enumerable fields). */
const plain = (value: unknown): unknown =>
  value === undefined
    ? undefined
    : JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)))

const failureData = (error: unknown): FailureData => {
  if (typeof error !== "object" || error === null) return { _tag: "NotAnObject", message: String(error) }
  const fields = plain(Object.fromEntries(Object.entries(error))) as Record<string, unknown>
  const tag = (error as { readonly _tag?: unknown })._tag
  const message = (error as { readonly message?: unknown }).message
  return { ...fields, _tag: typeof tag === "string" ? tag : "Untagged", message: String(message ?? "") }
}

const outcomeOf = <A, E>(exit: Exit.Exit<A, E>): Outcome => {
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: plain(exit.value) }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) return { _tag: "Failure", error: failureData(failure.value) }
  return { _tag: "Defect", text: Cause.pretty(exit.cause) }
}

const operationOf = (operation: Operation): Effect.Effect<unknown, unknown, BybitClient.BybitClient> => {
  switch (operation._tag) {
    case "cancel":
      return Withdrawals.cancel(operation.input as { readonly id: string })
    case "list":
      return Withdrawals.list(operation.input as Withdrawals.ListQuery | undefined)
    case "listAll":
      return Effect.suspend(() =>
        Stream.runCollect(
          operation.input === undefined
            ? Withdrawals.listAll()
            : Withdrawals.listAll(operation.input as Withdrawals.ListQuery)
        )
      ).pipe(Effect.map(Chunk.toReadonlyArray))
    case "serverTime":
      return BybitClient.serverTime
    case "cancelMany":
      // Each cancel's own outcome, in input order; the operation as a whole never fails.
      return Effect.forEach(
        operation.inputs,
        (input) => Effect.map(Effect.exit(Withdrawals.cancel(input as { readonly id: string })), outcomeOf),
        { concurrency: "unbounded" }
      )
    case "cancelAllPending":
      return Effect.map(
        Effect.suspend(() =>
          Effect.map(
            Stream.runCollect(Withdrawals.cancelAllPending(operation.input as Withdrawals.PendingFilter)),
            Chunk.toReadonlyArray
          )
        ),
        sweptValue
      )
  }
}

/** `{ outcomes, summary }` of a `cancelAllPending` stream, its errors as plain data. */
const sweptValue = (items: ReadonlyArray<Withdrawals.CancelAllOutcome | Withdrawals.CancelAllSummary>) => {
  const outcomes = items
    .filter((item) => item._tag !== "Summary")
    .map((o) => (o._tag === "Failed" ? { ...o, error: failureData(o.error) } : o))
  const summary = items.find((item) => item._tag === "Summary")
  return {
    outcomes,
    summary:
      summary === undefined
        ? undefined
        : { ...summary, listError: summary.listError === undefined ? undefined : failureData(summary.listError) }
  }
}

/** Lets pending work settle without moving any clock. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Runs `effect` in a fiber; whenever every fiber waits on the TestClock and nothing changes (no new
 * request, no new sleep) for a few turns of the event loop, moves the TestClock (which the exchange
 * follows) to the earliest wake-up.
 */
const runMovingClock = <A, E>(effect: Effect.Effect<A, E>, activity: () => number) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    let quiet = 0
    let seen = -1
    for (let step = 0; step < 1_000_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return done.value
      yield* settle
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const state = activity() * 1_000 + sleeps.length
      quiet = sleeps.length > 0 && state === seen ? quiet + 1 : 0
      seen = state
      if (quiet < 3) continue
      const now = yield* TestClock.currentTimeMillis
      yield* TestClock.adjust(Math.max(0, Math.ceil(Math.min(...sleeps) - now)))
      quiet = 0
    }
    yield* Fiber.interrupt(fiber)
    return Exit.die("edition: too many clock steps") as Exit.Exit<A, E>
  })

const run = (options: RunOptions): Effect.Effect<RunResult, never, never> =>
  Effect.scoped(
    Effect.gen(function* () {
      const baseUrl = options.client?.baseUrl
      const exchangeContext = yield* Layer.build(
        MockExchange.layer({ ...options.exchange, clock: "effect", ...(baseUrl !== undefined ? { baseUrl } : {}) })
      )
      const exchange = Context.get(exchangeContext, MockExchange)
      options.setup?.(exchange)
      // A client the line refuses to build (a ConfigError) is the operation's failure.
      const built = yield* Effect.exit(
        Layer.build(BybitClient.layer(clientOptions(options.client))).pipe(Effect.provide(exchangeContext))
      )
      if (Exit.isFailure(built)) return { outcome: outcomeOf(built), exchange, elapsedMs: 0 }
      const start = yield* TestClock.currentTimeMillis
      const exit = yield* runMovingClock(
        operationOf(options.operation).pipe(Effect.provide(Context.merge(exchangeContext, built.value))),
        () => {
          const journal = exchange.requests()
          return journal.length + journal.dropped
        }
      )
      const end = yield* TestClock.currentTimeMillis
      return { outcome: outcomeOf(exit), exchange, elapsedMs: end - start }
    })
  ).pipe(
    Effect.provide(Layer.fresh(TestContext.TestContext)),
    // Never rejects: a driver that could not even build the exchange reports a defect.
    Effect.catchAllCause((cause) =>
      Effect.sync(
        (): RunResult => ({
          outcome: { _tag: "Defect", text: Cause.pretty(cause) },
          exchange: makeExchange(),
          elapsedMs: 0
        })
      )
    )
  )

export const edition: Edition = {
  name: "effect3",
  run: (options) => Effect.runPromise(run(options))
}
