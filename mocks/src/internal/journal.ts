/** The request journal: the last N requests, bodies cut, with a count of the entries dropped. */
import type { RecordedRequest } from "../models.js"

/**
 * How many characters of a body, and of a query string, the journal keeps.
 *
 * @since 0.1.0
 * @category constants
 */
export const JOURNAL_BODY_CHARS = 4096

/**
 * The first `JOURNAL_BODY_CHARS` characters, copied: V8's `slice` of a long string is a view that
 * keeps the whole string alive (1,000 journaled 100 KB bodies held 100 MB).
 */
const cut = (text: string): string =>
  text.length <= JOURNAL_BODY_CHARS ? text : (JSON.parse(JSON.stringify(text.slice(0, JOURNAL_BODY_CHARS))) as string)

/**
 * The journal of requests, oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Journal {
  /**
   * Records a request; its body and query are cut to `JOURNAL_BODY_CHARS` (their full sizes are in
   * `bodyBytes` and `queryLength`), the oldest entry dropped when full.
   */
  readonly push: (entry: RecordedRequest) => void
  /** The kept entries, oldest first, and how many older ones were dropped. */
  readonly entries: () => ReadonlyArray<RecordedRequest> & { readonly dropped: number }
  readonly clear: () => void
}

/**
 * An empty journal keeping at most `limit` entries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeJournal = (limit: number): Journal => {
  // Amortised O(1): entries pile up to twice the limit, then the oldest are cut in one splice.
  let items: Array<RecordedRequest> = []
  let dropped = 0
  return {
    push: (entry) => {
      items.push(
        entry.body.length > JOURNAL_BODY_CHARS || entry.query.length > JOURNAL_BODY_CHARS
          ? { ...entry, body: cut(entry.body), query: cut(entry.query) }
          : entry
      )
      if (items.length > limit * 2 || (limit === 0 && items.length > 0)) {
        const cut = items.length - limit
        items.splice(0, cut)
        dropped += cut
      }
    },
    entries: () => {
      const excess = Math.max(0, items.length - limit)
      // Not enumerable: the array still deep-equals a plain array of the same entries.
      return Object.defineProperty(items.slice(excess), "dropped", {
        value: dropped + excess,
        enumerable: false
      }) as Array<RecordedRequest> & { readonly dropped: number }
    },
    clear: () => {
      items = []
      dropped = 0
    }
  }
}
