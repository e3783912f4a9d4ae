import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UnreadableResponse } from "../BybitError.js"
import * as SingleFlight from "./singleFlight.js"

/** The farthest a server time may be from the local clock (a clock set in the wrong zone is hours). */
export const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000

/**
 * One client's clock offset (server minus local, ms): measured lazily from the server's time with
 * the round-trip midpoint, and applied to every timestamp. Disabled, the offset is always 0.
 */
export const make = <E>(enabled: boolean, fetchServerMillis: Effect.Effect<number, E>) => {
  if (!enabled) {
    return {
      serverNow: Clock.currentTimeMillis as Effect.Effect<number, E | UnreadableResponse>,
      resync: (_: Option.Option<number>): Effect.Effect<number, E | UnreadableResponse> => Effect.succeed(0),
      offset: Effect.succeedNone as Effect.Effect<Option.Option<number>>,
      offsetNow: () => 0
    }
  }
  let known: number | undefined
  // One measurement at a time, shared by every caller that comes while it runs: when the time
  // endpoint hangs, N callers fail after one timeout, not the last after N of them.
  const flight = SingleFlight.make<"measure">()
  const once = <A, E2>(effect: Effect.Effect<A, E2>) => flight.run("measure", () => effect)

  const measure = Effect.flatMap(Clock.currentTimeMillis, (t0) =>
    Effect.flatMap(fetchServerMillis, (server) =>
      Effect.flatMap(Clock.currentTimeMillis, (t1): Effect.Effect<number, UnreadableResponse> => {
        const offset = Math.round(server - (t0 + t1) / 2)
        // Refused, not kept: the next call measures again.
        if (!Number.isSafeInteger(server) || server <= 0 || Math.abs(offset) > MAX_CLOCK_OFFSET_MS) {
          return Effect.fail(
            new UnreadableResponse({
              path: "/v5/market/time",
              reason: "InvalidResult",
              detail: `the server time is not plausible (more than ${MAX_CLOCK_OFFSET_MS} ms from the local clock, or not a positive integer of ms)`
            })
          )
        }
        known = offset
        return Effect.succeed(offset)
      })
    )
  )

  return {
    /** Server time now, measuring the offset first if it is not known. */
    serverNow: Effect.clockWith((clock) =>
      known !== undefined
        ? Effect.succeed(clock.currentTimeMillisUnsafe() + known)
        : Effect.map(
            once(Effect.suspend(() => (known !== undefined ? Effect.succeed(known) : measure))),
            (offset) => clock.currentTimeMillisUnsafe() + offset
          )
    ),
    /** Measures the offset again, unless it changed since `stale`. */
    resync: (stale: Option.Option<number>) =>
      once(
        Effect.suspend(() =>
          known !== undefined && Option.isSome(stale) && known !== stale.value ? Effect.succeed(known) : measure
        )
      ),
    offset: Effect.sync(() => Option.fromUndefinedOr(known)),
    offsetNow: () => known ?? 0
  }
}
