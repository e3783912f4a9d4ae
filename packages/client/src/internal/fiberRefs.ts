/**
 * `Effect.locally` for several `FiberRef`s at once, for the request path. Each `Effect.locally` (and
 * `Effect.provide`, which is one on the context) costs a dozen operations and two copies of every
 * `FiberRef` of the fiber; on every request, for each setting, that is a measurable part of a call
 * (`bench/ops.ts`). Here the settings are made in one change of the fiber's `FiberRefs` and undone
 * in one, with the same guarantee: undone however `effect` ends, interruption included.
 */
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"

/** A `FiberRef` and the value it takes. */
export type Setting = readonly [FiberRef.FiberRef<any>, unknown]

const apply = (settings: readonly [Setting, ...Array<Setting>]): Effect.Effect<void> =>
  Effect.updateFiberRefs((id, refs) =>
    FiberRefs.updateManyAs(refs, {
      entries: settings.map(([ref, value]) => [ref, [[id, value]]] as const) as [
        readonly [FiberRef.FiberRef<any>, readonly [readonly [typeof id, unknown]]]
      ]
    })
  )

/**
 * Runs `effect` with the settings `settingsOf(fiber)` (computed from the running fiber, e.g. a value
 * derived from the current one), each `FiberRef` back to its value before once `effect` ends.
 */
export const withFiberRefs = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  settingsOf: (fiber: Fiber.RuntimeFiber<A, E>) => readonly [Setting, ...Array<Setting>]
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A, E, R>((fiber) => {
      const settings = settingsOf(fiber)
      const before = settings.map(([ref]): Setting => [ref, fiber.getFiberRef(ref)]) as unknown as readonly [
        Setting,
        ...Array<Setting>
      ]
      return Effect.zipRight(
        apply(settings),
        Effect.matchCauseEffect(restore(effect), {
          onSuccess: (value) => Effect.as(apply(before), value),
          onFailure: (cause) => Effect.zipRight(apply(before), Effect.failCause(cause))
        })
      )
    })
  )
