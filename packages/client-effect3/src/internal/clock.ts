import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { UnreadableResponse } from "../BybitError.js"
import * as SingleFlight from "./singleFlight.js"

/**
 * The farthest a server time may be from the local clock to be believed: 24 hours. A real offset is
 * seconds (a drifting clock) or hours (a clock set in the wrong zone); anything beyond is an answer
 * that would make every later timestamp wrong, so it is refused and not kept.
 */
export const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000

/**
 * The offset between the server's clock and ours, measured lazily from `GET /v5/market/time` with
 * the round-trip midpoint, and applied to every timestamp. Disabled: the offset is always 0.
 */
export interface ClockSync<E> {
  /** Server time now (ms), measuring the offset first if it is not known. */
  readonly serverNow: Effect.Effect<number, E | UnreadableResponse>
  /** Forgets the offset (when it is still `stale`) and measures it again. */
  readonly resync: (stale: Option.Option<number>) => Effect.Effect<number, E | UnreadableResponse>
  /** The offset in ms (server minus local), if measured. */
  readonly offset: Effect.Effect<Option.Option<number>>
}

/**
 * The clock-offset state of one client, given its one way to ask the server for the time
 * (`fetchServerMillis`, one unsigned request). `enabled: false` keeps the local clock.
 */
export const make = <E>(enabled: boolean, fetchServerMillis: Effect.Effect<number, E>): Effect.Effect<ClockSync<E>> =>
  Effect.gen(function* () {
    const ref = yield* Ref.make(Option.none<number>())
    // One measurement at a time, its outcome shared by every caller that came while it ran: when the
    // time endpoint hangs, N callers fail after one timeout, not the last after N of them.
    const flight = SingleFlight.make<"measure">()
    const once = <A, E2>(effect: Effect.Effect<A, E2>) => flight.run("measure", () => effect)

    const measure: Effect.Effect<number, E | UnreadableResponse> = Effect.flatMap(Clock.currentTimeMillis, (t0) =>
      Effect.flatMap(fetchServerMillis, (server) =>
        Effect.flatMap(Clock.currentTimeMillis, (t1) => {
          const offset = Math.round(server - (t0 + t1) / 2)
          // Not a positive integer of ms, or too far off: refused, and the next call measures again.
          if (!Number.isSafeInteger(server) || server <= 0 || Math.abs(offset) > MAX_CLOCK_OFFSET_MS) {
            return Effect.fail(
              new UnreadableResponse({
                path: "/v5/market/time",
                reason: "InvalidResult",
                detail: `the server time is not plausible (more than ${MAX_CLOCK_OFFSET_MS} ms from the local clock, or not a positive integer of ms)`
              })
            )
          }
          return Effect.as(Ref.set(ref, Option.some(offset)), offset)
        })
      )
    )

    const offsetOrSync: Effect.Effect<number, E | UnreadableResponse> = Effect.flatMap(Ref.get(ref), (current) =>
      Option.isSome(current)
        ? Effect.succeed(current.value)
        : once(Effect.flatMap(Ref.get(ref), (again) => (Option.isSome(again) ? Effect.succeed(again.value) : measure)))
    )

    if (!enabled) {
      return {
        serverNow: Clock.currentTimeMillis,
        resync: () => Effect.succeed(0),
        offset: Effect.succeedNone
      }
    }
    return {
      serverNow: Effect.flatMap(offsetOrSync, (offset) => Effect.map(Clock.currentTimeMillis, (now) => now + offset)),
      resync: (stale) =>
        once(
          Effect.flatMap(Ref.get(ref), (current) =>
            Option.isSome(current) && Option.isSome(stale) && current.value !== stale.value
              ? Effect.succeed(current.value)
              : measure
          )
        ),
      offset: Ref.get(ref)
    }
  })
