/**
 * The shared behavioural suite: scenarios written once, run against each client line.
 */
export type {
  ClientOptions,
  Edition,
  FailureData,
  Operation,
  Outcome,
  RunOptions,
  RunResult,
  TestApi
} from "./Edition.js"
