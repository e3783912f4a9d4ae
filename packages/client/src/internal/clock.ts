import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/**
 * The offset between the server's clock and ours, measured lazily from `GET /v5/market/time` with
 * the round-trip midpoint, and applied to every timestamp. Disabled: the offset is always 0.
 */
export interface ClockSync {
  /** Server time now (ms), syncing first if this is the first use. */
  readonly serverNow: <E>(fetchServerMillis: Effect.Effect<number, E>) => Effect.Effect<number, E>
  /** Forgets the offset (when it is still `stale`) and measures it again. */
  readonly resync: <E>(
    fetchServerMillis: Effect.Effect<number, E>,
    stale: Option.Option<number>
  ) => Effect.Effect<number, E>
  /** The offset in ms (server minus local), if measured. */
  readonly offset: Effect.Effect<Option.Option<number>>
}

/** The clock-offset state of one client; `enabled: false` keeps the local clock. */
export const make = (enabled: boolean): Effect.Effect<ClockSync> =>
  Effect.gen(function* () {
    const ref = yield* Ref.make(Option.none<number>())
    const lock = yield* Effect.makeSemaphore(1)

    const measure = <E>(fetch: Effect.Effect<number, E>): Effect.Effect<number, E> =>
      Effect.flatMap(Clock.currentTimeMillis, (t0) =>
        Effect.flatMap(fetch, (server) =>
          Effect.flatMap(Clock.currentTimeMillis, (t1) => {
            const offset = Math.round(server - (t0 + t1) / 2)
            return Effect.as(Ref.set(ref, Option.some(offset)), offset)
          })
        )
      )

    const offsetOrSync = <E>(fetch: Effect.Effect<number, E>): Effect.Effect<number, E> =>
      Effect.flatMap(Ref.get(ref), (current) =>
        Option.isSome(current)
          ? Effect.succeed(current.value)
          : lock.withPermits(1)(
              Effect.flatMap(Ref.get(ref), (again) =>
                Option.isSome(again) ? Effect.succeed(again.value) : measure(fetch)
              )
            )
      )

    if (!enabled) {
      return {
        serverNow: () => Clock.currentTimeMillis,
        resync: () => Effect.succeed(0),
        offset: Effect.succeedNone
      }
    }
    return {
      serverNow: (fetch) =>
        Effect.flatMap(offsetOrSync(fetch), (offset) => Effect.map(Clock.currentTimeMillis, (now) => now + offset)),
      resync: (fetch, stale) =>
        lock.withPermits(1)(
          Effect.flatMap(Ref.get(ref), (current) =>
            Option.isSome(current) && Option.isSome(stale) && current.value !== stale.value
              ? Effect.succeed(current.value)
              : measure(fetch)
          )
        ),
      offset: Ref.get(ref)
    }
  })
