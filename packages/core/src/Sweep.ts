/**
 * Cancelling every pending withdrawal (`Records.CANCELLABLE_STATUSES`): the filter, each
 * withdrawal's outcome, the summary and a tool's exit code.
 *
 * @since 0.1.0
 */
import { isCancellable, type MalformedRecord, type WithdrawalRecord } from "./Records.js"
import { type Checked, checkListQuery, type ListQuery } from "./Rules.js"

const FILTER_KEYS = ["coin", "withdrawType", "startTime", "endTime"] as const

/**
 * Which withdrawals to cancel: these filters of `Rules.ListQuery`, all optional. `withdrawType`
 * defaults to 2 (all), unlike Bybit's 0: an emergency sweep must not miss internal transfers. With
 * neither `startTime` nor `endTime`, Bybit lists (and the sweep sees) the last 30 days.
 *
 * @since 0.1.0
 * @category models
 */
export type PendingFilter = Pick<ListQuery, (typeof FILTER_KEYS)[number]>

/**
 * Checks a filter and returns the withdrawal records query to page through (`withdrawType` 2 unless
 * given, the coin upper-cased, `limit` 50). A key that is not a filter is refused by name: a
 * misspelt `coins` must not silently widen the sweep to every coin.
 *
 * @since 0.1.0
 * @category rules
 */
export const checkPendingFilter = (input: unknown = {}): Checked<Record<string, string | number>> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { _tag: "Invalid", field: "filter", reason: "expected an object" }
  }
  let unknown: string | undefined
  try {
    unknown = Object.keys(input).find((key) => !(FILTER_KEYS as ReadonlyArray<string>).includes(key))
  } catch {
    return { _tag: "Invalid", field: "filter", reason: "could not be read" }
  }
  if (unknown !== undefined) {
    return { _tag: "Invalid", field: unknown, reason: `is not a filter (expected one of ${FILTER_KEYS.join(", ")})` }
  }
  const checked = checkListQuery(input)
  if (checked._tag === "Invalid") return checked
  return { _tag: "Valid", value: { withdrawType: 2, ...checked.value, limit: 50 } }
}

/**
 * The outcome of one withdrawal of a sweep. `E` is the client line's typed error.
 * - `Cancelled`: the exchange cancelled it (`confirmedAfterRetry`: settled from its record);
 * - `NotCancellable`: it moved past cancelling first; `status` is the status found, when known;
 * - `Failed`: not cancelled, with the typed error (a malformed row is `Failed` with nothing sent);
 * - `Unknown`: a cancel may have been handled and its record could not be read; `howToCheck` says how;
 * - `NotSent`: the sweep was stopped (Ctrl+C) before its cancel was sent.
 *
 * Each names its withdrawal: `id`, `coin`, `amount` (a malformed row's `Failed`, those it could read).
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome<E> =
  | (Subject & { readonly _tag: "Cancelled"; readonly confirmedAfterRetry: boolean })
  | (Subject & { readonly _tag: "NotCancellable"; readonly status: string | undefined })
  | ({ readonly [K in keyof Subject]: Subject[K] | undefined } & { readonly _tag: "Failed"; readonly error: E })
  | (Subject & { readonly _tag: "Unknown"; readonly detail: string; readonly howToCheck: string })
  | (Subject & { readonly _tag: "NotSent" })

/** The withdrawal an outcome is about. */
interface Subject {
  readonly id: string
  readonly coin: string
  readonly amount: string
}

/**
 * The count and exact total amount (a decimal string) of one coin.
 *
 * @since 0.1.0
 * @category models
 */
export interface CoinTotal {
  readonly coin: string
  readonly count: number
  readonly amount: string
}

/**
 * The last item of a sweep. `found`: withdrawals to cancel (cancellable and malformed rows);
 * `skipped`: rows past cancelling (no outcome); `listError`: why the listing stopped early (some
 * pending withdrawals may not have been found).
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary<E> {
  readonly _tag: "Summary"
  readonly found: number
  readonly cancelled: number
  readonly notCancellable: number
  readonly failed: number
  readonly unknown: number
  readonly notSent: number
  readonly skipped: number
  /** What was found, per coin (malformed rows without a coin are not in it). */
  readonly totals: ReadonlyArray<CoinTotal>
  readonly listError: E | undefined
}

/**
 * What a listing found: the withdrawals to cancel (cancellable rows, then malformed rows, each id
 * once), how many rows were past cancelling, and why the listing stopped early.
 *
 * @since 0.1.0
 * @category models
 */
export interface Found<E> {
  readonly withdrawals: ReadonlyArray<WithdrawalRecord>
  readonly malformed: ReadonlyArray<MalformedRecord>
  readonly skipped: number
  readonly listError: E | undefined
}

/**
 * Collects the rows of a listing (pages may repeat a row) into what to cancel: each id once; a
 * malformed row once, and not at all when a readable row of its id came on any page. With the
 * `query` of `checkPendingFilter`, a row of another `coin` or `withdrawType` than asked is left out
 * whatever the server sent (the time window is Bybit's to apply: the caller cannot see its clock).
 *
 * @since 0.1.0
 * @category constructors
 */
export const collect = <E>(
  items: Iterable<WithdrawalRecord | MalformedRecord>,
  listError: E | undefined = undefined,
  query: Readonly<Record<string, string | number>> = {}
): Found<E> => {
  const { coin, withdrawType } = query
  const asked = (row: WithdrawalRecord) =>
    (coin === undefined || row.coin === coin) &&
    (withdrawType === undefined || withdrawType === 2 || row.withdrawType === withdrawType)
  // Readable rows first: a malformed row of an id read on any page is not a second withdrawal.
  const seen = new Set<string>()
  const withdrawals: Array<WithdrawalRecord> = []
  const rows: Array<MalformedRecord> = []
  let skipped = 0
  for (const item of items) {
    if ("_tag" in item) {
      rows.push(item)
      continue
    }
    const row = item
    if (!asked(row) || seen.has(row.withdrawId)) continue
    seen.add(row.withdrawId)
    if (isCancellable(row.status)) withdrawals.push(row)
    else skipped++
  }
  const malformed: Array<MalformedRecord> = []
  for (const row of rows) {
    if (row.withdrawId !== undefined) {
      if (seen.has(row.withdrawId)) continue
      seen.add(row.withdrawId)
    }
    malformed.push(row)
  }
  return { withdrawals, malformed, skipped, listError }
}

const DECIMAL = /^\d+(?:\.\d+)?$/

/** The exact sum of decimal strings (`"0.1" + "0.2"` is `"0.3"`); `undefined` for anything else. */
const sumDecimals = (amounts: ReadonlyArray<string>): string | undefined => {
  if (!amounts.every((amount) => DECIMAL.test(amount))) return undefined
  const scale = amounts.reduce((max, amount) => Math.max(max, amount.split(".")[1]?.length ?? 0), 0)
  let total = 0n
  for (const amount of amounts) {
    const [whole, fraction = ""] = amount.split(".")
    total += BigInt(whole + fraction.padEnd(scale, "0"))
  }
  const digits = total.toString().padStart(scale + 1, "0")
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "")
  const whole = digits.slice(0, digits.length - scale)
  return fraction === "" ? whole : `${whole}.${fraction}`
}

/**
 * Count and total per coin, coins in alphabetical order. An amount that is not a plain decimal
 * makes that coin's total `"?"`.
 *
 * @since 0.1.0
 * @category arithmetic
 */
export const totals = (withdrawals: ReadonlyArray<{ readonly coin: string; readonly amount: string }>) => {
  const byCoin = new Map<string, Array<string>>()
  for (const w of withdrawals) {
    const list = byCoin.get(w.coin) ?? []
    list.push(w.amount)
    byCoin.set(w.coin, list)
  }
  return [...byCoin.keys()].sort().map((coin): CoinTotal => {
    const amounts = byCoin.get(coin)!
    return { coin, count: amounts.length, amount: sumDecimals(amounts) ?? "?" }
  })
}

/**
 * The summary of a sweep from what was found and each outcome.
 *
 * @since 0.1.0
 * @category constructors
 */
export const summarize = <E>(found: Found<E>, outcomes: ReadonlyArray<Outcome<unknown>>): Summary<E> => {
  const count = (tag: Outcome<unknown>["_tag"]) => outcomes.filter((o) => o._tag === tag).length
  return {
    _tag: "Summary",
    found: found.withdrawals.length + found.malformed.length,
    cancelled: count("Cancelled"),
    notCancellable: count("NotCancellable"),
    failed: count("Failed"),
    unknown: count("Unknown"),
    notSent: count("NotSent"),
    skipped: found.skipped,
    totals: totals(found.withdrawals),
    listError: found.listError
  }
}

/**
 * How to check a withdrawal whose cancel's outcome is unknown.
 *
 * @since 0.1.0
 * @category constructors
 */
export const howToCheck = (id: string): string =>
  `look it up before cancelling again: Withdrawals.list({ withdrawID: "${id}", withdrawType: 2 }), or \`effect-bybit list --id ${id}\`, or Bybit's withdrawal history`

/**
 * The outcome of a malformed row: `Failed`, no cancel sent, with the line's error made from the
 * detail (the row's index, the field and the rule it breaks).
 *
 * @since 0.1.0
 * @category constructors
 */
export const malformedOutcome = <E>(row: MalformedRecord, error: (detail: string) => E): Outcome<E> => ({
  _tag: "Failed",
  id: row.withdrawId,
  coin: undefined,
  amount: undefined,
  error: error(`row ${row.index} of its page could not be read (${row.reason}); no cancel was sent`)
})

/**
 * Exit codes of a tool: 0 everything found was cancelled (or nothing to do); 1 some withdrawal was
 * not cancelled, its outcome is unknown, or the listing stopped early; 2 a usage or configuration
 * error; 130 interrupted (Ctrl+C).
 *
 * @since 0.1.0
 * @category exit codes
 */
export const EXIT = { ok: 0, notAllCancelled: 1, usage: 2, interrupted: 130 } as const

/**
 * The exit code of a finished sweep, 0 or 1 (an interrupted one is the caller's to report).
 *
 * @since 0.1.0
 * @category exit codes
 */
export const exitCode = (summary: Summary<unknown>): 0 | 1 =>
  summary.listError === undefined && summary.cancelled === summary.found ? 0 : 1
