/**
 * What every scenario uses: the exchange's start time, the paths, pending withdrawals, and reading
 * an `Outcome` (a failure that is not the expected kind fails the test with the outcome in full).
 */
import { MOCK_UID, type MockWithdrawal, type RecordedRequest } from "@effect-bybit/mock-exchange/core"
import type { Edition, FailureData, Outcome, RunOptions, RunResult, TestApi } from "./Edition.js"

/** The exchange's start time in every scenario: 2023-01-01T00:00:00Z (deterministic runs). */
export const NOW = 1672531200000

export const CANCEL = "/v5/asset/withdraw/cancel"
export const QUERY = "/v5/asset/withdraw/query-record"
export const TIME = "/v5/market/time"

/** A scenario group: registers its tests with `t` for `edition`. */
export type Scenarios = (edition: Edition, t: TestApi) => void

/** Runs one operation with the exchange starting at `NOW` (unless the scenario brings its own clock). */
export const run = (edition: Edition, options: RunOptions): Promise<RunResult> =>
  edition.run({
    ...options,
    exchange: options.exchange?.clock !== undefined ? options.exchange : { now: NOW, ...options.exchange }
  })

/** A `Pending` withdrawal of the mock's default UID. */
export const pending = (withdrawId: string, fields: Partial<MockWithdrawal> = {}): MockWithdrawal => ({
  withdrawId,
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "0.1",
  status: "Pending",
  toAddress: "0x0000000000000000000000000000000000000001",
  tag: "",
  txID: "",
  createTime: NOW - 60_000,
  updateTime: NOW - 60_000,
  withdrawType: 0,
  ...fields
})

/** `count` consecutive ids from `from`, as strings. */
export const ids = (from: number, count: number): ReadonlyArray<string> =>
  Array.from({ length: count }, (_, i) => String(from + i))

const show = (outcome: Outcome): string => JSON.stringify(outcome, null, 2)

/** The typed failure of `outcome`; any other outcome fails the test, showing it. */
export const failureOf = (t: TestApi, outcome: Outcome): FailureData => {
  t.expect(outcome._tag, `expected a typed failure, got ${show(outcome)}`).toBe("Failure")
  if (outcome._tag !== "Failure") throw new Error(`expected a typed failure, got ${show(outcome)}`)
  return outcome.error
}

/** The success value of `outcome` (a JSON copy); any other outcome fails the test, showing it. */
export const successOf = <A = Record<string, unknown>>(t: TestApi, outcome: Outcome): A => {
  t.expect(outcome._tag, `expected a success, got ${show(outcome)}`).toBe("Success")
  if (outcome._tag !== "Success") throw new Error(`expected a success, got ${show(outcome)}`)
  return outcome.value as A
}

/** The outcomes of a `cancelMany`, one per input, in input order. */
export const manyOf = (t: TestApi, outcome: Outcome): ReadonlyArray<Outcome> =>
  successOf<ReadonlyArray<Outcome>>(t, outcome)

/** The journal entries for `path`. */
export const to = (result: RunResult, path: string): ReadonlyArray<RecordedRequest> =>
  result.exchange.requests().filter((r) => r.path === path)

/** The journal as `path retCode[ HTTP status]` lines, e.g. `asset/withdraw/cancel 0 HTTP 0`. */
export const summary = (result: RunResult): ReadonlyArray<string> =>
  result.exchange
    .requests()
    .map(
      (r) => `${r.path.replace("/v5/", "")} ${r.retCode ?? "-"}${r.httpStatus === 200 ? "" : ` HTTP ${r.httpStatus}`}`
    )

/** The cancel requests of the journal for one id. */
export const cancelsOf = (result: RunResult, id: string): ReadonlyArray<RecordedRequest> =>
  to(result, CANCEL).filter((r) => (JSON.parse(r.body) as { readonly id?: unknown }).id === id)
