/**
 * Withdrawal records (`GET /v5/asset/withdraw/query-record`): the statuses, which of them can be
 * cancelled, and the decoding of a page row by row, so that one malformed row is reported on its
 * own and never hides the others.
 *
 * @since 0.1.0
 */
import { cursorProblem, withdrawalIdProblem } from "./Rules.js"

/**
 * The statuses of a withdrawal, as Bybit spells them (Enums Definitions, `withdrawStatus`).
 *
 * @since 0.1.0
 * @category constants
 */
export const WITHDRAWAL_STATUSES = [
  "SecurityCheck",
  "Pending",
  "success",
  "CancelByUser",
  "Reject",
  "Fail",
  "BlockchainConfirmed",
  "MoreInformationRequired",
  "Unknown"
] as const

/**
 * A withdrawal status.
 *
 * @since 0.1.0
 * @category models
 */
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number]

/**
 * The statuses a user can cancel: the withdrawal has not left the exchange. Bybit's Cancel
 * Withdrawal page documents no list; a withdrawal in any other status answers 131099 (Bybit's
 * error table: "Hot wallet status can cancel the withdraw"), so only the two statuses before the
 * hot wallet are taken as cancellable.
 *
 * @since 0.1.0
 * @category constants
 */
export const CANCELLABLE_STATUSES: ReadonlyArray<WithdrawalStatus> = ["SecurityCheck", "Pending"]

/**
 * Whether a status can still be cancelled.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCancellable = (status: WithdrawalStatus): boolean => status === "SecurityCheck" || status === "Pending"

/**
 * One withdrawal record. Times are ms since the epoch.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithdrawalRecord {
  readonly withdrawId: string
  /** The transaction hash; `""` when cancelled, failed or not yet sent. */
  readonly txID: string
  /** 0 on-chain, 1 off-chain (internal transfer). */
  readonly withdrawType: number
  readonly coin: string
  readonly chain: string
  /** A decimal string, as Bybit sends it. */
  readonly amount: string
  readonly withdrawFee: string
  /** A status this client does not know is `"Unknown"`. */
  readonly status: WithdrawalStatus
  readonly toAddress: string
  readonly tag: string
  readonly createTime: number
  readonly updateTime: number
}

/**
 * A row of a page that could not be read as a withdrawal record: its index on the page, its
 * `withdrawId` when that much could be read, and the field and rule it breaks.
 *
 * @since 0.1.0
 * @category models
 */
export interface MalformedRecord {
  readonly _tag: "MalformedRecord"
  readonly index: number
  readonly withdrawId: string | undefined
  readonly reason: string
}

/**
 * A decoded page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly rows: ReadonlyArray<WithdrawalRecord>
  readonly malformed: ReadonlyArray<MalformedRecord>
  /** `undefined` on the last page. */
  readonly nextPageCursor: string | undefined
}

const STATUSES: ReadonlySet<string> = new Set(WITHDRAWAL_STATUSES)
const MILLIS = /^\d{1,16}$/

const typeName = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : typeof u)

/** Reads one row; a string is the reason it is malformed. */
const readRow = (row: unknown): WithdrawalRecord | string => {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return `expected an object, got ${typeName(row)}`
  const r = row as Record<string, unknown>
  const text = (key: string, required: boolean): string | { readonly problem: string } => {
    const value = r[key]
    if (value === undefined || value === null) return required ? { problem: `${key}: is required` } : ""
    return typeof value === "string" ? value : { problem: `${key}: expected a string, got ${typeName(value)}` }
  }
  const fields: Record<string, string> = {}
  for (const [key, required] of [
    ["withdrawId", true],
    ["coin", true],
    ["amount", true],
    ["status", true],
    ["createTime", true],
    ["updateTime", true],
    ["txID", false],
    ["chain", false],
    ["withdrawFee", false],
    ["toAddress", false],
    ["tag", false]
  ] as const) {
    const value = text(key, required)
    if (typeof value !== "string") return value.problem
    fields[key] = value
  }
  const idProblem = withdrawalIdProblem(fields.withdrawId!)
  if (idProblem !== undefined) return `withdrawId: ${idProblem}`
  for (const key of ["createTime", "updateTime"]) {
    if (!MILLIS.test(fields[key]!)) return `${key}: expected ms since the epoch as a string of digits`
  }
  const withdrawType = r.withdrawType ?? 0
  if (!Number.isSafeInteger(withdrawType)) return `withdrawType: expected an integer, got ${typeName(withdrawType)}`
  const status = fields.status!
  return {
    withdrawId: fields.withdrawId!,
    txID: fields.txID!,
    withdrawType: withdrawType as number,
    coin: fields.coin!,
    chain: fields.chain!,
    amount: fields.amount!,
    withdrawFee: fields.withdrawFee!,
    status: (STATUSES.has(status) ? status : "Unknown") as WithdrawalStatus,
    toAddress: fields.toAddress!,
    tag: fields.tag!,
    createTime: Number(fields.createTime),
    updateTime: Number(fields.updateTime)
  }
}

/**
 * Decodes the `result` of a withdrawal records answer row by row. A page whose shape is wrong (no
 * `rows` array, a `nextPageCursor` that could not be sent back) is a string: the reason.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePage = (result: unknown): Page | string => {
  if (typeof result !== "object" || result === null) return `result: expected an object, got ${typeName(result)}`
  const { rows, nextPageCursor } = result as { readonly rows?: unknown; readonly nextPageCursor?: unknown }
  if (!Array.isArray(rows)) return `result.rows: expected an array, got ${typeName(rows)}`
  let cursor: string | undefined
  if (nextPageCursor !== undefined && nextPageCursor !== null && nextPageCursor !== "") {
    if (typeof nextPageCursor !== "string")
      return `result.nextPageCursor: expected a string, got ${typeName(nextPageCursor)}`
    const problem = cursorProblem(nextPageCursor)
    if (problem !== undefined) return `result.nextPageCursor: ${problem}`
    cursor = nextPageCursor
  }
  const good: Array<WithdrawalRecord> = []
  const malformed: Array<MalformedRecord> = []
  rows.forEach((row, index) => {
    const read = readRow(row)
    if (typeof read !== "string") {
      good.push(read)
      return
    }
    const id = (row as { readonly withdrawId?: unknown } | null)?.withdrawId
    malformed.push({
      _tag: "MalformedRecord",
      index,
      withdrawId: typeof id === "string" && withdrawalIdProblem(id) === undefined ? id : undefined,
      reason: read
    })
  })
  return { rows: good, malformed, nextPageCursor: cursor }
}

/**
 * The record of one withdrawal on a page, as the verdict of a cancel may rest on it: its row, or
 * why there is no readable one (`malformed`). Rows that list the id more than once with different
 * statuses are no record at all (the verdict would depend on which one was read first); the same
 * row twice is one record.
 *
 * @since 0.1.0
 * @category decoding
 */
export const recordOf = (
  page: { readonly rows: ReadonlyArray<WithdrawalRecord>; readonly malformed: ReadonlyArray<MalformedRecord> },
  id: string
): { readonly row: WithdrawalRecord | undefined; readonly malformed: MalformedRecord | undefined } => {
  const rows = page.rows.filter((r) => r.withdrawId === id)
  const malformed = page.malformed.find((r) => r.withdrawId === id)
  const first = rows[0]
  if (first !== undefined && (malformed !== undefined || rows.some((r) => r.status !== first.status))) {
    return {
      row: undefined,
      malformed: {
        _tag: "MalformedRecord",
        index: page.rows.indexOf(first),
        withdrawId: id,
        reason: "the records list this id more than once, and not alike"
      }
    }
  }
  return { row: first, malformed }
}

/**
 * What a withdrawal's record says of a cancel that may have been handled: `Cancelled`
 * (`CancelByUser`); `NotCancellable` (a status past cancelling); `Stands` (still cancellable: the
 * cancel did not happen, the last error stands); `Unknown` (no record, an unreadable one or an
 * unknown status: nothing is guessed; `found` says which).
 *
 * @since 0.1.0
 * @category settling
 */
export type Verdict =
  | { readonly _tag: "Cancelled" }
  | { readonly _tag: "NotCancellable"; readonly status: WithdrawalStatus }
  | { readonly _tag: "Stands" }
  | { readonly _tag: "Unknown"; readonly found: string }

/**
 * The verdict of `recordOf`'s answer for a cancel that may have been handled.
 *
 * @since 0.1.0
 * @category settling
 */
export const settle = (found: ReturnType<typeof recordOf>): Verdict => {
  const { row, malformed } = found
  if (row === undefined || row.status === "Unknown") {
    return {
      _tag: "Unknown",
      found:
        malformed !== undefined
          ? `its record could not be read (${malformed.reason})`
          : row === undefined
            ? "the withdrawal records list no withdrawal with this id"
            : "its record shows a status this client does not know"
    }
  }
  if (row.status === "CancelByUser") return { _tag: "Cancelled" }
  return isCancellable(row.status) ? { _tag: "Stands" } : { _tag: "NotCancellable", status: row.status }
}

/**
 * What an error says in `CancelOutcomeUnknown.detail`: its tag and code, never server text.
 *
 * @since 0.1.0
 * @category settling
 */
export const said = (error: {
  readonly _tag: string
  readonly retCode?: number | undefined
  readonly httpStatus?: number | undefined
}): string =>
  error.retCode !== undefined
    ? `${error._tag} (retCode ${error.retCode})`
    : error.httpStatus !== undefined
      ? `${error._tag} (HTTP ${error.httpStatus})`
      : error._tag

/**
 * The rows of a page, readable and malformed, each where it stood on the page.
 *
 * @since 0.1.0
 * @category paging
 */
export const inPageOrder = (page: {
  readonly rows: ReadonlyArray<WithdrawalRecord>
  readonly malformed: ReadonlyArray<MalformedRecord>
}): Array<WithdrawalRecord | MalformedRecord> => {
  const out: Array<WithdrawalRecord | MalformedRecord> = []
  let good = 0
  let bad = 0
  while (good < page.rows.length || bad < page.malformed.length) {
    const malformed = page.malformed[bad]
    if (malformed !== undefined && (malformed.index === out.length || good >= page.rows.length)) {
      out.push(malformed)
      bad++
    } else out.push(page.rows[good++]!)
  }
  return out
}

/**
 * The most pages one listing follows: 2,000 pages is 100,000 rows at Bybit's 50 a page, within a
 * window of at most 30 days. A server that hands out a fresh cursor forever stops here.
 *
 * @since 0.1.0
 * @category paging
 */
export const MAX_PAGES = 2_000

/** The most pages in a row with no row but a next cursor: a real history has none. */
const MAX_EMPTY_PAGES = 10

/**
 * What follows a page: the next cursor, the end, or `Endless` with why paging would never end (a
 * repeated cursor, too many empty pages, more than `MAX_PAGES`). The page's own rows are kept in
 * every case: a listing that must stop still reports what it read.
 *
 * @since 0.1.0
 * @category paging
 */
export type Turn =
  | { readonly _tag: "Next"; readonly cursor: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Endless"; readonly why: string }

/**
 * A pager for one listing, started at `cursor` (the query's own, if any). `turn(page)` says what
 * follows that page; call it once per page, in order.
 *
 * @since 0.1.0
 * @category paging
 */
export const pager = (cursor: string | undefined): { readonly turn: (page: Page) => Turn } => {
  const followed = new Set<string>(cursor === undefined ? [] : [cursor])
  let pages = 0
  let emptyInARow = 0
  return {
    turn: (page) => {
      const next = page.nextPageCursor
      if (next === undefined) return { _tag: "Done" }
      pages++
      emptyInARow = page.rows.length + page.malformed.length === 0 ? emptyInARow + 1 : 0
      const why = followed.has(next)
        ? "nextPageCursor repeats a cursor already followed"
        : emptyInARow > MAX_EMPTY_PAGES
          ? `${emptyInARow} pages in a row had no rows but a next cursor`
          : pages >= MAX_PAGES
            ? `more than ${MAX_PAGES} pages`
            : undefined
      if (why !== undefined) return { _tag: "Endless", why: `${why}: paging would never end` }
      followed.add(next)
      return { _tag: "Next", cursor: next }
    }
  }
}
