// The README's example, verbatim except for the handlers' bodies, run against the mock exchange;
// and the error table of docs/errors.md (which this README links to for errors), checked against
// the error classes this package exports.
import { readFileSync } from "node:fs"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { BybitClient, BybitError, Withdrawals } from "@effect-bybit/client-effect3"
import { MOCK_API_KEY, MOCK_API_SECRET } from "@effect-bybit/mock-exchange"
import { ConfigProvider, Console, Effect, TestClock } from "effect"
import { freshExchange, NOW, useMsw } from "./support.js"

useMsw()

describe("README", () => {
  it.effect("the usage example typechecks and runs", () =>
    Effect.gen(function* () {
      const exchange = freshExchange()
      yield* TestClock.setTime(NOW) // the mock exchange's clock
      // --- README ---
      const program = Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.tap((result) => Console.log(`cancelled ${result.id}`)),
        Effect.catchTags({
          WithdrawalNotCancellable: (e) => Console.log(`too late: ${e.status ?? e.retMsg}`),
          RateLimitExceeded: (e) => Console.log(`rate limited until ${e.resetAt}`)
        })
      )
      const runnable = program.pipe(Effect.provide(BybitClient.layerConfig()), Effect.provide(FetchHttpClient.layer))
      // --- end ---
      yield* runnable.pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["BYBIT_API_KEY", MOCK_API_KEY],
              ["BYBIT_API_SECRET", MOCK_API_SECRET],
              ["BYBIT_BASE_URL", "https://mock.bybit.test"]
            ])
          )
        )
      )
      expect(exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })
  )
})

/** The rows of docs/errors.md's table: `| \`Tag\` | when | retried |`. */
const errorRows = (() => {
  // The guide serves both lines: the same errors.
  const guide = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8")
  return [...guide.matchAll(/^\| `(\w+)` +\| (.+?) +\| (.+?) +\|$/gm)].map(([, tag, when, retried]) => ({
    tag: tag!,
    when: when!,
    retried: retried!
  }))
})()

/** The errors of a cancel that a list never raises: the compiler checks this record is exactly them. */
const cancelOnly: Record<Exclude<BybitError.CancelError["_tag"], BybitError.ListError["_tag"]>, true> = {
  WithdrawalNotFound: true,
  WithdrawalNotCancellable: true,
  CancelFailed: true,
  CancelOutcomeUnknown: true
}

describe("docs/errors.md", () => {
  it("has one row per error class the package exports, each once", () => {
    const classes = Object.entries(BybitError)
      .filter(([, value]) => {
        const prototype = typeof value === "function" ? (value as { readonly prototype?: object }).prototype : undefined
        return prototype !== undefined && BybitError.TypeId in prototype
      })
      .map(([name]) => name)
      .sort()
    expect(classes.length).toBeGreaterThan(10)
    expect(errorRows.map((row) => row.tag).sort()).toEqual(classes)
  })

  it("marks exactly the cancel-only errors, and says retried exactly for the retryable ones", () => {
    const marked = errorRows.filter((row) => row.when.startsWith("cancel only")).map((row) => row.tag)
    expect(marked.sort()).toEqual(Object.keys(cancelOnly).sort())
    for (const row of errorRows) {
      expect(row.retried.startsWith("no"), row.tag).toBe(!BybitError.isRetryable({ _tag: row.tag }))
    }
  })
})
