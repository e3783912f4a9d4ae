/** Step 6: the in-memory withdrawals, and what cancel / create / query do to them. */
import type { MockWithdrawal, WithdrawalStatus } from "../models.js"
import { CANCELLABLE_STATUSES } from "../models.js"
import { CapacityError, MAX_WITHDRAWALS } from "./limits.js"

/**
 * What a cancel did.
 *
 * @since 0.1.0
 * @category models
 */
export type CancelResult =
  | { readonly _tag: "Cancelled"; readonly withdrawal: MockWithdrawal }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "NotCancellable"; readonly status: WithdrawalStatus }

/**
 * The query-record filters.
 *
 * @since 0.1.0
 * @category models
 */
export interface QueryFilters {
  readonly withdrawID: string | undefined
  readonly txID: string | undefined
  readonly coin: string | undefined
  /** 0 on-chain, 1 off-chain, 2 all. */
  readonly withdrawType: 0 | 1 | 2
  readonly startTime: number | undefined
  readonly endTime: number | undefined
  readonly limit: number
  /** Rows strictly after this sort key. */
  readonly after: SortKey | undefined
}

/**
 * The key rows are sorted and paged by.
 *
 * @since 0.1.0
 * @category models
 */
export interface SortKey {
  readonly createTime: number
  readonly withdrawId: string
}

/**
 * One page of rows and the key to continue after.
 *
 * @since 0.1.0
 * @category models
 */
export interface QueryPage {
  readonly rows: ReadonlyArray<MockWithdrawal>
  readonly next: SortKey | undefined
}

/**
 * A withdrawal to create.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateInput {
  readonly coin: string
  readonly chain: string
  readonly address: string
  readonly tag: string
  readonly amount: string
  readonly withdrawType: 0 | 1
  readonly requestId: string | undefined
}

/**
 * What a create did.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateResult =
  | { readonly _tag: "Created"; readonly withdrawal: MockWithdrawal }
  | { readonly _tag: "Replayed"; readonly withdrawal: MockWithdrawal }
  | { readonly _tag: "RequestIdReused" }
  /** The store holds `MAX_WITHDRAWALS` already. */
  | { readonly _tag: "Full" }

/** Fees by coin for created withdrawals (anything else: "0"). */
const FEES: Readonly<Record<string, string>> = { USDT: "1", USDC: "1", BTC: "0.0005", ETH: "0.0012" }

/**
 * Newest first: createTime descending, then withdrawId descending (numerically for numeric ids).
 *
 * @since 0.1.0
 * @category state
 */
export const compareKeys = (a: SortKey, b: SortKey): number => {
  if (a.createTime !== b.createTime) return b.createTime - a.createTime
  if (a.withdrawId.length !== b.withdrawId.length) return b.withdrawId.length - a.withdrawId.length
  return a.withdrawId < b.withdrawId ? 1 : a.withdrawId > b.withdrawId ? -1 : 0
}

/**
 * The in-memory withdrawals.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  readonly get: (id: string) => MockWithdrawal | undefined
  readonly all: () => ReadonlyArray<MockWithdrawal>
  readonly put: (w: MockWithdrawal) => void
  /** Removes a withdrawal; false when there is none with this id. */
  readonly remove: (id: string) => boolean
  readonly cancel: (uid: string, id: string, now: number) => CancelResult
  readonly query: (uid: string, filters: QueryFilters) => QueryPage
  readonly create: (uid: string, input: CreateInput, now: number) => CreateResult
}

/**
 * A store holding copies of `initial`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (initial: ReadonlyArray<MockWithdrawal>): Store => {
  const byId = new Map<string, MockWithdrawal>()
  const requestIds = new Map<string, { readonly id: string; readonly fingerprint: string }>()
  let nextId = 1
  const put = (w: MockWithdrawal): void => {
    if (byId.size >= MAX_WITHDRAWALS && !byId.has(w.withdrawId)) {
      throw new CapacityError(`the exchange holds ${MAX_WITHDRAWALS} withdrawals already; reset it or remove some`)
    }
    byId.set(w.withdrawId, { ...w })
    if (/^\d{1,15}$/.test(w.withdrawId)) nextId = Math.max(nextId, Number(w.withdrawId) + 1)
  }
  for (const w of initial) put(w)

  return {
    get: (id) => {
      const w = byId.get(id)
      return w === undefined ? undefined : { ...w }
    },
    all: () => Array.from(byId.values(), (w) => ({ ...w })),
    put,
    remove: (id) => byId.delete(id),
    cancel: (uid, id, now) => {
      const w = byId.get(id)
      // Another account's withdrawal answers exactly like an unknown id: nothing leaks.
      if (w === undefined || w.uid !== uid) return { _tag: "NotFound" }
      if (!CANCELLABLE_STATUSES.includes(w.status)) return { _tag: "NotCancellable", status: w.status }
      const cancelled: MockWithdrawal = { ...w, status: "CancelByUser", txID: "", updateTime: now }
      byId.set(id, cancelled)
      return { _tag: "Cancelled", withdrawal: { ...cancelled } }
    },
    query: (uid, f) => {
      const matching: Array<MockWithdrawal> = []
      for (const w of byId.values()) {
        if (w.uid !== uid) continue
        if (f.withdrawID !== undefined && w.withdrawId !== f.withdrawID) continue
        if (f.txID !== undefined && w.txID !== f.txID) continue
        if (f.coin !== undefined && w.coin !== f.coin) continue
        if (f.withdrawType !== 2 && w.withdrawType !== f.withdrawType) continue
        if (f.startTime !== undefined && w.createTime < f.startTime) continue
        if (f.endTime !== undefined && w.createTime > f.endTime) continue
        if (f.after !== undefined && compareKeys(f.after, w) >= 0) continue
        matching.push(w)
      }
      matching.sort(compareKeys)
      const rows = matching.slice(0, f.limit).map((w) => ({ ...w }))
      const last = rows[rows.length - 1]
      const next =
        matching.length > f.limit && last !== undefined
          ? { createTime: last.createTime, withdrawId: last.withdrawId }
          : undefined
      return { rows, next }
    },
    create: (uid, input, now) => {
      const fingerprint = JSON.stringify([input.coin, input.chain, input.address, input.tag, input.amount])
      const key = input.requestId === undefined ? undefined : `${uid}\u0000${input.requestId}`
      if (key !== undefined) {
        const seen = requestIds.get(key)
        if (seen !== undefined) {
          if (seen.fingerprint !== fingerprint) return { _tag: "RequestIdReused" }
          const existing = byId.get(seen.id)
          if (existing !== undefined) return { _tag: "Replayed", withdrawal: { ...existing } }
        }
      }
      if (byId.size >= MAX_WITHDRAWALS) return { _tag: "Full" }
      const withdrawal: MockWithdrawal = {
        withdrawId: String(nextId),
        uid,
        coin: input.coin,
        chain: input.chain,
        amount: input.amount,
        withdrawFee: input.withdrawType === 1 ? "0" : (FEES[input.coin] ?? "0"),
        status: "SecurityCheck",
        toAddress: input.address,
        tag: input.tag,
        txID: "",
        createTime: now,
        updateTime: now,
        withdrawType: input.withdrawType
      }
      put(withdrawal)
      if (key !== undefined) requestIds.set(key, { id: withdrawal.withdrawId, fingerprint })
      return { _tag: "Created", withdrawal: { ...withdrawal } }
    }
  }
}
