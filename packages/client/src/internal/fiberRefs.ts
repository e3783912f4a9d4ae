/**
 * `Effect.locally` for several `FiberRef`s at once, for the request path. Each `Effect.locally` (and
 * `Effect.provide`, which is one on the context) costs a dozen operations and two copies of every
 * `FiberRef` of the fiber; on every request, for each setting, that is a measurable part of a call
 * (`bench/ops.ts`). Here the settings are made in one change of the fiber's `FiberRefs` and undone
 * in one, with the same guarantee: undone however `effect` ends, interruption included.
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"

/** A `FiberRef` and the value it takes (made with `setting`, which checks the value's type). */
export interface Setting {
  readonly ref: FiberRef.FiberRef<unknown>
  readonly value: unknown
}

/** `ref` set to `value`. */
export const setting = <A>(ref: FiberRef.FiberRef<A>, value: NoInfer<A>): Setting => ({
  ref: ref as unknown as FiberRef.FiberRef<unknown>,
  value
})

const apply = (settings: Arr.NonEmptyReadonlyArray<Setting>): Effect.Effect<void> =>
  Effect.updateFiberRefs((id, refs) =>
    FiberRefs.updateManyAs(refs, {
      entries: Arr.map(settings, ({ ref, value }) => [ref, [[id, value]]] as const)
    })
  )

/**
 * Runs `effect` with the settings `settingsOf(fiber)` (computed from the running fiber, e.g. a value
 * derived from the current one), each `FiberRef` back to its value before once `effect` ends.
 */
export const withFiberRefs = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  settingsOf: (fiber: Fiber.RuntimeFiber<A, E>) => Arr.NonEmptyReadonlyArray<Setting>
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A, E, R>((fiber) => {
      const settings = settingsOf(fiber)
      const before = Arr.map(settings, ({ ref }): Setting => ({ ref, value: fiber.getFiberRef(ref) }))
      return Effect.zipRight(
        apply(settings),
        Effect.matchCauseEffect(restore(effect), {
          onSuccess: (value) => Effect.as(apply(before), value),
          onFailure: (cause) => Effect.zipRight(apply(before), Effect.failCause(cause))
        })
      )
    })
  )
