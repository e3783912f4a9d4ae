import type { MockClock } from "../models.js"

/**
 * A clock frozen at `frozenAt`, or following `Date.now()` when undefined; both shift by `set`/`advance`;
 * `freeze` stops it where it is, `unfreeze` lets it tick on from there.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClock = (frozenAt: number | undefined): MockClock => {
  let frozen = frozenAt
  let offset = 0
  const now = (): number => (frozen !== undefined ? frozen : Date.now() + offset)
  return {
    now,
    freeze: () => {
      frozen = now()
    },
    unfreeze: () => {
      if (frozen === undefined) return
      offset = frozen - Date.now()
      frozen = undefined
    },
    frozen: () => frozen !== undefined,
    set: (ms) => {
      if (frozen !== undefined) frozen = ms
      else offset = ms - Date.now()
    },
    advance: (ms) => {
      if (frozen !== undefined) frozen += ms
      else offset += ms
    }
  }
}
