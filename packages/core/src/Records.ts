/**
 * Withdrawal records (`GET /v5/asset/withdraw/query-record`): the statuses, which can be cancelled,
 * a page decoded row by row (one malformed row is reported on its own, never hiding the others),
 * paging, and what a record says of a cancel that may have been handled.
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
 * The statuses a user can cancel: the two before the hot wallet. Bybit's Cancel Withdrawal page
 * lists none; any later status answers 131099 ("Hot wallet status can cancel the withdraw").
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
export const isCancellable = (status: WithdrawalStatus): boolean => CANCELLABLE_STATUSES.includes(status)

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
 * A row that could not be read as a record: its index on the page, its `withdrawId` if readable,
 * and the field and rule it breaks.
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
const REQUIRED = ["withdrawId", "coin", "amount", "status", "createTime", "updateTime"]
const OPTIONAL = ["txID", "chain", "withdrawFee", "toAddress", "tag"]

const typeName = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : typeof u)

/** Reads one row; a string is the reason it is malformed. */
const readRow = (row: unknown): WithdrawalRecord | string => {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return `expected an object, got ${typeName(row)}`
  const r = row as Record<string, unknown>
  const fields: Record<string, string> = {}
  for (const key of [...REQUIRED, ...OPTIONAL]) {
    // An optional field that is absent or null is "".
    const value = r[key] ?? (REQUIRED.includes(key) ? undefined : "")
    if (value === undefined) return `${key}: is required`
    if (typeof value !== "string") return `${key}: expected a string, got ${typeName(value)}`
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
 * Decodes the `result` of a withdrawal records answer row by row; a page of the wrong shape (no
 * `rows` array, a `nextPageCursor` that could not be sent back) is the reason, a string.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePage = (result: unknown): Page | string => {
  if (typeof result !== "object" || result === null) return `result: expected an object, got ${typeName(result)}`
  const { rows, nextPageCursor } = result as { readonly rows?: unknown; readonly nextPageCursor?: unknown }
  if (!Array.isArray(rows)) return `result.rows: expected an array, got ${typeName(rows)}`
  const cursor = nextPageCursor === null || nextPageCursor === "" ? undefined : nextPageCursor
  if (cursor !== undefined) {
    const problem = typeof cursor === "string" ? cursorProblem(cursor) : `expected a string, got ${typeName(cursor)}`
    if (problem !== undefined) return `result.nextPageCursor: ${problem}`
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
    const withdrawId = typeof id === "string" && withdrawalIdProblem(id) === undefined ? id : undefined
    malformed.push({ _tag: "MalformedRecord", index, withdrawId, reason: read })
  })
  return { rows: good, malformed, nextPageCursor: cursor as string | undefined }
}

/**
 * The record of one withdrawal on a page: its row, or why there is no readable one (`malformed`).
 * The id listed more than once, not alike, is no record (a verdict would depend on which came
 * first); the same row twice is one record.
 *
 * @since 0.1.0
 * @category decoding
 */
export const recordOf = (
  page: Pick<Page, "rows" | "malformed">,
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
 * What a record says of a cancel that may have been handled: `Cancelled` (`CancelByUser`),
 * `NotCancellable` (past cancelling), `Stands` (still cancellable: the cancel did not happen, the
 * last error stands) or `Unknown` (no record, an unreadable one, an unknown status; `found` says which).
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
 * The verdict of `recordOf`'s answer.
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
export const inPageOrder = (page: Pick<Page, "rows" | "malformed">): Array<WithdrawalRecord | MalformedRecord> => {
  const out: Array<WithdrawalRecord | MalformedRecord> = [...page.rows]
  // In index order, each goes where it stood: the rows before it are already in place.
  for (const row of page.malformed) out.splice(row.index, 0, row)
  return out
}

/** 100,000 rows at Bybit's 50 a page, in a window of at most 30 days: a fresh cursor forever stops here. */
const MAX_PAGES = 2_000
/** Pages in a row with no row but a next cursor: a real history has none. */
const MAX_EMPTY_PAGES = 10

/**
 * What follows a page: the next cursor, the end, or `Endless` with why paging would never end (a
 * repeated cursor, more than 10 empty pages in a row, more than 2,000 pages). The page's own rows
 * count in every case: a listing that must stop still reports what it read.
 *
 * @since 0.1.0
 * @category paging
 */
export type Turn =
  | { readonly _tag: "Next"; readonly cursor: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Endless"; readonly why: string }

/**
 * A pager for one listing started at `cursor` (the query's own, if any): `turn(page)`, once per
 * page in order, says what follows.
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
