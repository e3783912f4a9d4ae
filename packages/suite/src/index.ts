/**
 * The shared behavioural suite: scenarios written once, run against each client line through its
 * `Edition` driver, with the vitest functions of that line (the suite imports no vitest and no Effect).
 */
import type { Edition, TestApi } from "./Edition.js"
import { cancelScenarios } from "./scenarios/cancel.js"
import { cancelAllScenarios } from "./scenarios/cancelAll.js"
import { concurrencyScenarios } from "./scenarios/concurrency.js"
import { faultScenarios } from "./scenarios/faults.js"
import { inputScenarios } from "./scenarios/input.js"
import { listScenarios } from "./scenarios/list.js"
import { retryScenarios } from "./scenarios/retry.js"

export type {
  Assertion,
  ClientOptions,
  Edition,
  FailureData,
  Operation,
  Outcome,
  RunOptions,
  RunResult,
  TestApi
} from "./Edition.js"
export { NOW } from "./support.js"

/** Registers every scenario of the suite, for `edition`, with `t`'s `describe`/`it`/`expect`. */
export const runSuite = (edition: Edition, t: TestApi): void => {
  t.describe(`shared suite (${edition.name})`, () => {
    for (const scenarios of [
      cancelScenarios,
      inputScenarios,
      faultScenarios,
      retryScenarios,
      listScenarios,
      concurrencyScenarios,
      cancelAllScenarios
    ])
      scenarios(edition, t)
  })
}
