/**
 * A tour of every error `Withdrawals.cancel` can end with, and of the failures the client heals by
 * itself. Each stop sets up the mock exchange (fault injection, a skewed clock, a tight rate limit,
 * a wrong key...), cancels a withdrawal, and shows what the exchange saw and what `catchTags` got.
 *
 *   npx pnpm@10.34.8 --filter @effect-bybit/examples errors-tour
 *
 * Always runs against the in-process mock: a real exchange cannot be asked to fail on demand.
 */
import { type BybitClient, BybitConfig, type BybitError, Withdrawals } from "@effect-bybit/client"
import {
  MOCK_API_KEY,
  MOCK_READONLY_API_KEY,
  MOCK_READONLY_API_SECRET,
  type MockExchange,
  type MockExchangeOptions,
  makeMockExchange
} from "@effect-bybit/mock-exchange"
import { Console, Effect, Redacted, Schedule } from "effect"
import { describeRequests } from "./src/requests.js"
import { isEntryPoint, runMain } from "./src/run.js"
import { mockClientLayer, mswServer, serve } from "./src/target.js"

const CANCEL = "/v5/asset/withdraw/cancel"

/** A quick retry schedule for the stops that exhaust their retries (the default backs off from 200 ms). */
const quickRetries = Schedule.exponential("10 millis").pipe(Schedule.upTo({ times: 4 }))

type Expected = "cancelled" | BybitError.CancelError["_tag"]

interface Stop {
  readonly title: string
  /** What the stop does, in plain words. */
  readonly setup: string
  readonly expect: Expected
  /** What the client did, and what the caller should take from it. */
  readonly lesson: string
  readonly exchange?: MockExchangeOptions
  readonly client?: Partial<BybitConfig.Options>
  /** Prepares the exchange and cancels; by default cancels 10197. */
  readonly run?: (
    exchange: MockExchange
  ) => Effect.Effect<Withdrawals.CancelResult, BybitError.CancelError, BybitClient.BybitClient>
}

const cancel = (id: string) => Withdrawals.cancel({ id })
const inject = (exchange: MockExchange, ...args: Parameters<MockExchange["faults"]["inject"]>) =>
  Effect.sync(() => exchange.faults.inject(...args))

const stops: ReadonlyArray<Stop> = [
  {
    title: "A wrong API secret",
    setup: "The client signs with a secret that is not the key's.",
    expect: "AuthenticationFailed",
    lesson: "The exchange answered 10004 (signature error). Never retried: retrying cannot fix a key.",
    client: {
      credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make("not-the-right-secret") })
    }
  },
  {
    title: "A key without the withdrawal permission",
    setup: "The client uses the mock's read-only key.",
    expect: "PermissionDenied",
    lesson: "The exchange answered 10005. Never retried: the key needs the Withdrawal permission.",
    client: {
      credentials: BybitConfig.hmac({
        apiKey: MOCK_READONLY_API_KEY,
        apiSecret: Redacted.make(MOCK_READONLY_API_SECRET)
      })
    }
  },
  {
    title: "The exchange's clock jumps: healed by time sync",
    setup: "Cancel 10198 (the client measures the clock offset), move the exchange's clock 60 s ahead, cancel 10197.",
    expect: "cancelled",
    lesson: "The client got 10002, measured the clock offset again and retried once: the caller never saw an error.",
    run: (exchange) =>
      cancel("10198").pipe(
        Effect.andThen(Effect.sync(() => exchange.clock.advance(60_000))),
        Effect.andThen(cancel("10197"))
      )
  },
  {
    title: "A wrong clock with time sync turned off",
    setup: "The exchange's clock is 60 s ahead and the client runs with timeSync: false.",
    expect: "TimestampOutsideWindow",
    lesson: "Without time sync the client cannot correct its timestamps, so the 10002 reaches the caller.",
    client: { timeSync: false },
    run: (exchange) => Effect.sync(() => exchange.clock.advance(60_000)).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "A rate limit, waited out",
    setup: "The mock allows 1 cancel per 0.5 s (Bybit: 60 per minute). Cancel 10198, then at once 10197.",
    expect: "cancelled",
    lesson:
      "The 10006 answer said when the limit resets (X-Bapi-Limit-Reset-Timestamp); the client slept until then and retried.",
    exchange: { rateLimits: { cancel: { limit: 1, windowMs: 500 } } },
    // Pacing would hold the second cancel instead of sending it: off, to show the 10006 path.
    client: { pacing: false },
    run: () => cancel("10198").pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "A rate limit too far away to wait for",
    setup: "The mock allows 1 cancel per minute; the client waits at most 1 s (maxRateLimitWait). Two cancels.",
    expect: "RateLimitExceeded",
    lesson:
      "The reset was further away than maxRateLimitWait, so the client gave up at once and says when to come back.",
    exchange: { rateLimits: { cancel: { limit: 1, windowMs: 60_000 } } },
    client: { maxRateLimitWait: "1 second", pacing: false },
    run: () => cancel("10198").pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "A withdrawal that has already been sent",
    setup: "Cancel 10203, whose status is success.",
    expect: "WithdrawalNotCancellable",
    lesson: "Only SecurityCheck and Pending withdrawals can be cancelled (131099). Never retried.",
    run: () => cancel("10203")
  },
  {
    title: "A withdrawal that does not exist",
    setup: "Cancel 424242.",
    expect: "WithdrawalNotFound",
    lesson: "Unknown ids, and other accounts' withdrawals, answer 131002 (not found). Never retried.",
    run: () => cancel("424242")
  },
  {
    title: "An invalid id",
    setup: 'Cancel "10l97" (a letter l where a digit 1 belongs).',
    expect: "InvalidRequest",
    lesson: "The id is checked before anything is signed or sent.",
    run: () => cancel("10l97")
  },
  {
    title: "The exchange is down for a moment",
    setup: "The next 2 cancel requests get a 502 HTML gateway page.",
    expect: "cancelled",
    lesson:
      "A 5xx page means the exchange is unavailable: retried with exponential backoff (about 200 ms, then 400 ms), then it worked.",
    run: (exchange) =>
      inject(exchange, { _tag: "ServerErrorHtml" }, { path: CANCEL, times: 2 }).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "The exchange stays down",
    setup: "Every cancel request gets a 502 HTML page (retries every 10-160 ms here to keep the tour short).",
    expect: "ExchangeUnavailable",
    lesson:
      "After 5 attempts the client gives up. The cancel may or may not have gone through: check its status later.",
    client: { retry: quickRetries },
    run: (exchange) =>
      inject(exchange, { _tag: "ServerErrorHtml" }, { path: CANCEL, times: 100 }).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "The network fails",
    setup: "Every cancel request has its connection dropped (quick retries again).",
    expect: "TransportError",
    lesson: "No answer at all: retried like an outage, then reported. The outcome is unknown until checked.",
    client: { retry: quickRetries },
    run: (exchange) =>
      inject(exchange, { _tag: "DropConnection" }, { path: CANCEL, times: 100 }).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "The answer is lost after the cancel went through",
    setup: "The exchange cancels 10197, then the connection drops before the answer arrives.",
    expect: "cancelled",
    lesson:
      "The retry got 131099 (not cancellable), so the client looked the withdrawal up: CancelByUser means the first attempt worked.",
    run: (exchange) =>
      inject(exchange, { _tag: "LoseResponse" }, { path: CANCEL }).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "An answer that is not JSON",
    setup: "The next cancel request gets HTTP 200 with a plain-text body.",
    expect: "UnreadableResponse",
    lesson:
      "Not retried blindly: the request may have been handled, so the client looked the withdrawal up. Still pending here, so nothing was cancelled and trying again is safe.",
    run: (exchange) => inject(exchange, { _tag: "NotJson" }, { path: CANCEL }).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "An error code the client does not know",
    setup: "The next cancel request gets retCode 10024 (compliance rules triggered).",
    expect: "UnknownApiError",
    lesson: "A retCode the client has no class for keeps its code and message. Never retried.",
    run: (exchange) =>
      inject(
        exchange,
        { _tag: "RetCode", retCode: 10024, retMsg: "Compliance rules triggered" },
        { path: CANCEL }
      ).pipe(Effect.andThen(cancel("10197")))
  },
  {
    title: "The exchange answers that the cancel failed",
    setup: "The mock's CancelStatusZero fault: retCode 0 with result.status 0.",
    expect: "CancelFailed",
    lesson: "retCode 0 with result.status 0 is Bybit saying the cancel failed: reported, not retried.",
    run: (exchange) =>
      inject(exchange, { _tag: "CancelStatusZero" }, { path: CANCEL }).pipe(Effect.andThen(cancel("10197")))
  }
]

const iso = (ms: number | undefined) => (ms === undefined ? "an unknown time" : new Date(ms).toISOString())

/** What the caller gets: each tag handled on its own, with the fields it carries. */
const outcomeOf = (effect: Effect.Effect<Withdrawals.CancelResult, BybitError.CancelError, BybitClient.BybitClient>) =>
  effect.pipe(
    Effect.map((r) => ({
      tag: "cancelled" as Expected,
      line: `✔ withdrawal ${r.id} is cancelled${r.confirmedAfterRetry ? ", confirmed by looking it up after the lost answer" : ""}`
    })),
    Effect.catchTags({
      AuthenticationFailed: (e) => caught(e, `retCode ${e.retCode}: check the key and secret`),
      PermissionDenied: (e) => caught(e, `retCode ${e.retCode}: give the key the Withdrawal permission`),
      TimestampOutsideWindow: (e) =>
        caught(e, `retCode ${e.retCode}: sent timestamp ${iso(e.timestamp)}, recvWindow ${e.recvWindow} ms`),
      RateLimitExceeded: (e) => caught(e, `retCode ${e.retCode}: the limit resets at ${iso(e.resetAt)}`),
      InvalidRequest: (e) => caught(e, `field "${e.field}": ${e.reason}`),
      WithdrawalNotFound: (e) => caught(e, `retCode ${e.retCode}: no withdrawal ${e.id} on this account`),
      WithdrawalNotCancellable: (e) => caught(e, `retCode ${e.retCode}: withdrawal ${e.id} is past the pending state`),
      CancelFailed: (e) => caught(e, `withdrawal ${e.id} was not cancelled (result.status 0)`),
      ExchangeUnavailable: (e) => caught(e, `HTTP ${e.httpStatus}, after the retries: try again later`),
      TransportError: (e) => caught(e, `${e.reason} (${e.detail}), after the retries: the outcome is unknown`),
      UnreadableResponse: (e) => caught(e, `${e.reason}: the lookup found the withdrawal not cancelled`),
      UnknownApiError: (e) => caught(e, `retCode ${e.retCode} "${e.retMsg}": see Bybit's error table`)
    })
  )

const caught = (e: BybitError.CancelError, detail: string) =>
  Effect.succeed({ tag: e._tag as Expected, line: `caught ${e._tag}: ${detail}` })

/** The tour (it takes no arguments and reads no environment). */
export const main = Effect.gen(function* () {
  yield* Console.log(
    "Errors tour: every way Withdrawals.cancel can end, on the built-in mock exchange (in this process;\n" +
      "BYBIT_* variables are ignored: a real exchange cannot be asked to fail on demand).\n"
  )
  const server = yield* mswServer
  const surprises: Array<string> = []
  for (const [i, stop] of stops.entries()) {
    const exchange = makeMockExchange(stop.exchange)
    yield* serve(server, exchange)
    const started = Date.now()
    const outcome = yield* outcomeOf(stop.run?.(exchange) ?? cancel("10197")).pipe(
      Effect.provide(mockClientLayer(stop.client))
    )
    const seconds = (Date.now() - started) / 1000
    const requests = describeRequests(exchange.requests())
    yield* Console.log(`${i + 1}. ${stop.title}`)
    yield* Console.log(`   Setup:  ${stop.setup}`)
    yield* Console.log(`   Requests the exchange saw:${requests.length === 0 ? " none" : ""}`)
    for (const line of requests) yield* Console.log(`     ${line}`)
    yield* Console.log(`   Result: ${outcome.line}${seconds >= 0.5 ? ` (took ${seconds.toFixed(1)} s)` : ""}`)
    yield* Console.log(`   Why:    ${stop.lesson}`)
    if (outcome.tag !== stop.expect) {
      surprises.push(`${stop.title}: expected ${stop.expect}, got ${outcome.tag}`)
      yield* Console.log(`   ✘ expected ${stop.expect}`)
    }
    yield* Console.log("")
  }
  if (surprises.length > 0) return yield* Effect.fail(`The tour went off script:\n  ${surprises.join("\n  ")}`)
  yield* Console.log(`✔ All ${stops.length} stops ended as described.`)
}).pipe(Effect.scoped)

if (isEntryPoint(import.meta)) runMain(main)
