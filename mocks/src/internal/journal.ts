/** The request journal: the last N requests, bodies cut, with a count of the entries dropped. */
import type { HeaderReader, RecordedRequest, RequestFilter } from "../models.js"

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
const cut = (text: string, max: number = JOURNAL_BODY_CHARS): string =>
  text.length <= max ? text : (JSON.parse(JSON.stringify(text.slice(0, max))) as string)

const matches = (e: RecordedRequest, f: RequestFilter): boolean =>
  (f.path === undefined || e.path === f.path) &&
  (f.method === undefined || e.method === f.method.toUpperCase()) &&
  (f.retCode === undefined || e.retCode === (f.retCode ?? undefined))

/** Header values whose text is a credential (or signs with one): journaled as `[redacted]`. */
const REDACTED = new Set(["x-bapi-sign", "authorization", "proxy-authorization", "cookie"])
const MAX_HEADERS = 32
const HEADER_CHARS = 256

/**
 * The request headers as the journal keeps them: lower-case names, credentials redacted, at most
 * 32, each value cut (and copied, see `cut`) to 256 characters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const journalHeaders = (headers: HeaderReader): Record<string, string> => {
  const out: Record<string, string> = {}
  let n = 0
  headers.forEach?.((value, name) => {
    if (n >= MAX_HEADERS) return
    n += 1
    const key = name.toLowerCase().slice(0, 64)
    out[key] = REDACTED.has(key) ? "[redacted]" : cut(value, HEADER_CHARS)
  })
  return out
}

/**
 * The journal of requests, oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Journal {
  /**
   * Records a request; its path, body and query are cut to `JOURNAL_BODY_CHARS` (the full sizes of
   * body and query are in `bodyBytes` and `queryLength`), its API key to 256 characters (as the
   * header values), the oldest entry dropped when full.
   */
  readonly push: (entry: RecordedRequest) => void
  /** The kept entries, oldest first, and how many older ones were dropped. */
  readonly entries: (filter?: RequestFilter) => ReadonlyArray<RecordedRequest> & { readonly dropped: number }
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
        entry.body.length > JOURNAL_BODY_CHARS ||
          entry.query.length > JOURNAL_BODY_CHARS ||
          entry.responseBody.length > JOURNAL_BODY_CHARS ||
          entry.path.length > JOURNAL_BODY_CHARS ||
          (entry.apiKey !== undefined && entry.apiKey.length > HEADER_CHARS)
          ? {
              ...entry,
              path: cut(entry.path),
              body: cut(entry.body),
              query: cut(entry.query),
              responseBody: cut(entry.responseBody),
              apiKey: entry.apiKey === undefined ? undefined : cut(entry.apiKey, HEADER_CHARS)
            }
          : entry
      )
      if (items.length > limit * 2 || (limit === 0 && items.length > 0)) {
        const cut = items.length - limit
        items.splice(0, cut)
        dropped += cut
      }
    },
    entries: (filter) => {
      const excess = Math.max(0, items.length - limit)
      const kept = items.slice(excess)
      const selected = filter === undefined ? kept : kept.filter((e) => matches(e, filter))
      // Not enumerable: the array still deep-equals a plain array of the same entries.
      return Object.defineProperty(selected, "dropped", {
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
