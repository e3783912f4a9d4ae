/**
 * Issue 19, point 7: nothing lost. Once an attempt of a cancel may have been handled (its answer
 * lost, timed out, reset, a 5xx, an unreadable 2xx), the verdict comes from the exchange's own
 * record, whatever later attempts answer, unless a later attempt is itself a success. When the
 * record cannot be read either, the failure is `CancelOutcomeUnknown`, saying how to check.
 *
 * In virtual time: the in-process mock exchange follows the TestClock (`clock: "effect"`), and
 * `runVirtual` moves it whenever every fiber waits on it.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import type { Fault } from "@effect-bybit/mock-exchange"
import { Effect, Exit, Schedule } from "effect"
import { Withdrawals } from "../src/index.js"
import { CANCEL, ids, pending, prng, QUERY, runVirtual, type Script, type Step, tagOf, testLayer } from "./issue19.js"

/** The refusals a retry can get, each kept up for every later attempt (more than any retry budget). */
const REFUSALS: ReadonlyArray<readonly [string, Fault]> = [
  ["429 Too Many Requests", { _tag: "TooManyRequests" }],
  ["403 access too frequent", { _tag: "IpBanned" }],
  ["retCode 10006", { _tag: "RetCode", retCode: 10006 }],
  ["result.status 0", { _tag: "CancelStatusZero" }],
  ["retCode 131099", { _tag: "RetCode", retCode: 131099 }]
]

const LATER_ATTEMPTS = 30

type FirstAttempt = "LoseResponse" | "TruncatedBody" | "hang" | "reset" | "5xx"

/** How the first attempt is handled while its answer is lost, as the test names it. */
// The mock's own LoseResponse and TruncatedBody first attempts, and the lookups that fail, run in the
// shared suite (@effect-bybit/suite, faults.ts); these are the ways only a transport wrapper can lose
// an answer.
const FIRSTS: ReadonlyArray<readonly [string, FirstAttempt]> = [
  ["it timed out after the exchange handled it", "hang"],
  ["the connection dropped after the exchange handled it", "reset"],
  ["a 502 came back after the exchange handled it", "5xx"]
]

/**
 * The client and a fresh exchange holding `id` Pending; the first cancel request is handled by the
 * exchange and its answer lost in the way `first` says; every later cancel attempt is `refusal`.
 */
const scenario = (id: string, first: FirstAttempt, refusal: Fault, options: { readonly lookupFault?: Fault } = {}) => {
  let exchange: MockExchange["Type"] | undefined
  let cancels = 0
  const refuseLater = () => {
    exchange?.faults.inject(refusal, { path: CANCEL, times: LATER_ATTEMPTS })
    if (options.lookupFault !== undefined) {
      exchange?.faults.inject(options.lookupFault, { path: QUERY, times: 1_000 })
    }
  }
  const script: Script = ({ path }): Step => {
    if (path !== CANCEL) return { mode: "pass" }
    cancels++
    if (cancels > 1) return { mode: "pass" }
    if (first === "LoseResponse" || first === "TruncatedBody") {
      // The mock's own fault, queued before the refusals.
      exchange?.faults.inject({ _tag: first }, { path: CANCEL })
      return { mode: "pass", after: refuseLater }
    }
    return { mode: first, after: refuseLater }
  }
  const layer = testLayer({}, { withdrawals: [pending(id)] }, script)
  const bind = Effect.tap(MockExchange, (e) =>
    Effect.sync(() => {
      exchange = e
    })
  )
  return { layer, bind }
}

const cancelOnce = (id: string) => runVirtual(Withdrawals.cancel({ id }))

describe("point 7: the verdict after a possibly handled attempt comes from the exchange's record", () => {
  let n = 0
  for (const [firstName, first] of FIRSTS) {
    for (const [refusalName, refusal] of REFUSALS) {
      const id = String(700_100 + n++)
      const { layer, bind } = scenario(id, first, refusal)
      it.effect(`first attempt: ${firstName}; later attempts: ${refusalName} => cancelled, confirmed`, () =>
        Effect.gen(function* () {
          const exchange = yield* bind
          const exit = yield* cancelOnce(id)
          // The exchange's record: the first attempt cancelled it.
          expect(exchange.withdrawal(id)?.status).toBe("CancelByUser")
          expect(exit).toStrictEqual(Exit.succeed(expect.objectContaining({ id, status: "cancelled" })))
          if (Exit.isSuccess(exit)) expect(exit.value.confirmedAfterRetry).toBe(true)
        }).pipe(Effect.provide(layer))
      )
    }
  }
})

// ---------------------------------------------------------------------------------------------
// The randomized run: 1,000 cancels, a random fault (or none) on each request, seeded.
// ---------------------------------------------------------------------------------------------

const SEED = 19_007
const RANDOM_IDS = ids(900_000, 1_000)

const cancelFaults = (random: () => number): Fault | undefined => {
  const r = random()
  if (r < 0.4) return undefined
  const pick = Math.floor(random() * 11)
  switch (pick) {
    case 0:
      return { _tag: "LoseResponse" }
    case 1:
      return { _tag: "DropConnection" }
    case 2:
      return { _tag: "ServerErrorHtml", status: random() < 0.5 ? 502 : 503 }
    case 3:
      return { _tag: "TooManyRequests" }
    case 4:
      return { _tag: "IpBanned" }
    case 5:
      return { _tag: "RetCode", retCode: 10006 }
    case 6:
      return { _tag: "RetCode", retCode: 10016 }
    case 7:
      return { _tag: "CancelStatusZero" }
    case 8:
      return { _tag: "NotJson" }
    case 9:
      return { _tag: "TruncatedBody" }
    default:
      // Past the 5 s receive window one time in three: the exchange then refuses it (10002).
      return { _tag: "Latency", ms: Math.floor(random() * 7_500) }
  }
}

const lookupFaults = (random: () => number): Fault | undefined => {
  const r = random()
  if (r < 0.6) return undefined
  const pick = Math.floor(random() * 5)
  return pick === 0
    ? { _tag: "DropConnection" }
    : pick === 1
      ? { _tag: "ServerErrorHtml", status: 502 }
      : pick === 2
        ? { _tag: "NotJson" }
        : pick === 3
          ? { _tag: "RetCode", retCode: 10016 }
          : { _tag: "TooManyRequests" }
}

describe("point 7: a randomized run of 1,000 cancels with random faults", () => {
  let exchange: MockExchange["Type"] | undefined
  const random = prng(SEED)
  // Each request gets its fault injected just before it is sent (the fault queue is consumed in
  // order, per path): the journal then says which request got which fault.
  const script: Script = ({ path }) => {
    const fault = path === CANCEL ? cancelFaults(random) : path === QUERY ? lookupFaults(random) : undefined
    if (fault !== undefined) exchange?.faults.inject(fault, { path })
    return { mode: "pass" }
  }
  const layer = testLayer(
    // Under a TestClock each wake-up costs a few ms of real time (`adjust` waits for every fiber to
    // be suspended), and a sleep that was interrupted (each request's deadline) stays in its list
    // until the clock passes it: retries without a pause, and a deadline the run never reaches, keep
    // 1,000 cancels to a second or two. (Timeouts are covered one by one above.)
    { timeSync: false, retry: Schedule.recurs(4), timeout: "1 hour" },
    {
      withdrawals: RANDOM_IDS.map(pending),
      journalSize: 100_000,
      // Not the point here (see sharedKey.test.ts): a budget the run never meets.
      rateLimits: { cancel: { limit: 1_000_000, windowMs: 60_000 }, query: { limit: 1_000_000, windowMs: 60_000 } }
    },
    script
  )

  it.effect(
    "every definitive verdict matches the exchange's final state; an unknown outcome only where the lookups failed too",
    () =>
      Effect.gen(function* () {
        exchange = yield* MockExchange
        const exit = yield* runVirtual(
          Effect.forEach(RANDOM_IDS, (id) => Effect.either(Withdrawals.cancel({ id })), { concurrency: 100 }),
          { minStep: 2_000 }
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        if (!Exit.isSuccess(exit)) return
        const journal = exchange.requests()
        expect(journal.dropped).toBe(0)
        const lookupsFaulted = new Set<string>()
        for (const r of journal) {
          if (r.path !== QUERY || r.fault === undefined) continue
          const id = new URLSearchParams(r.query).get("withdrawID")
          if (id !== null) lookupsFaulted.add(id)
        }
        const tally: Record<string, number> = {}
        const wrong: Array<string> = []
        RANDOM_IDS.forEach((id, i) => {
          const verdict = exit.value[i]!
          const final = exchange!.withdrawal(id)?.status
          const tag = verdict._tag === "Right" ? "success" : tagOf(verdict.left)
          tally[tag] = (tally[tag] ?? 0) + 1
          if (verdict._tag === "Right") {
            if (final !== "CancelByUser") wrong.push(`${id}: success but the exchange says ${final}`)
          } else if (tag === "CancelOutcomeUnknown") {
            if (!lookupsFaulted.has(id)) wrong.push(`${id}: CancelOutcomeUnknown though no lookup of it was faulted`)
          } else if (final === "CancelByUser") {
            wrong.push(`${id}: ${tag} but the exchange cancelled it`)
          }
        })
        console.log(
          `[nothingLost] seed ${SEED}: ${journal.filter((r) => r.path === CANCEL).length} cancel requests, ${journal.filter((r) => r.path === QUERY).length} lookups; verdicts ${JSON.stringify(tally)}; ${wrong.length} wrong`
        )
        expect(wrong.slice(0, 20)).toEqual([])
        expect(wrong).toHaveLength(0)
      }).pipe(Effect.provide(layer)),
    60_000
  )
})
