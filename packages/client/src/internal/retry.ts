import * as Schedule from "effect/Schedule"
import type { RetryableError } from "../BybitError.js"

/** Exponential backoff from 200ms (x2) with jitter, at most 4 retries, within 30 seconds. */
export const defaultRetrySchedule: Schedule.Schedule<unknown, RetryableError> = Schedule.exponential(
  "200 millis",
  2
).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(4)), Schedule.upTo("30 seconds"))
