/**
 * What the CLI prints: one line per withdrawal, the summary, the JSON report and the progress bar.
 * Plain functions over plain data; an error is shown by its tag and message (the client's messages
 * never hold a secret, and server text is scrubbed before it reaches them).
 */
import type { Sweep } from "@effect-bybit/core"

/** An outcome as the CLI reports it: `cancel <id>` does not know the coin and amount. */
export type Outcome =
  | (Sweep.Outcome<unknown> & { readonly coin?: string | undefined; readonly amount?: string | undefined })
  | {
      readonly _tag: "Failed" | "NotCancellable" | "Cancelled" | "Unknown" | "NotSent"
      readonly id: string | undefined
      readonly coin?: string | undefined
      readonly amount?: string | undefined
      readonly [field: string]: unknown
    }

export interface Summary {
  readonly found: number
  readonly cancelled: number
  readonly notCancellable: number
  readonly failed: number
  readonly unknown: number
  readonly notSent: number
  readonly skipped: number
  readonly totals: ReadonlyArray<Sweep.CoinTotal>
  readonly listError: unknown
}

/** An error as plain JSON: its tag, its message and its own fields. */
export const errorJson = (error: unknown): Record<string, unknown> => {
  if (typeof error !== "object" || error === null) return { _tag: "Error", message: String(error) }
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value
  }
  const e = error as { readonly _tag?: unknown; readonly message?: unknown }
  return { ...fields, _tag: typeof e._tag === "string" ? e._tag : "Error", message: String(e.message ?? "") }
}

export const outcomeJson = (o: Outcome): Record<string, unknown> => {
  const { error, ...rest } = o as Outcome & { readonly error?: unknown }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) out[key] = value
  return error === undefined ? out : { ...out, error: errorJson(error) }
}

export const summaryJson = (s: Summary): Record<string, unknown> => {
  const { listError, ...rest } = s
  return listError === undefined ? { ...rest } : { ...rest, listError: errorJson(listError) }
}

const what = (o: Outcome): string => {
  const money = o.coin !== undefined && o.coin !== "" ? `  ${o.amount ?? "?"} ${o.coin}` : ""
  return `${o.id ?? "(no id)"}${money}`
}

/** One line for one withdrawal. */
export const outcomeLine = (o: Outcome): string => {
  const x = o as Record<string, unknown>
  switch (o._tag) {
    case "Cancelled":
      return `cancelled       ${what(o)}${x.confirmedAfterRetry === true ? "  (confirmed from its record after a lost answer)" : ""}`
    case "NotCancellable":
      return `NOT CANCELLED   ${what(o)}  too late: status ${x.status ?? "unknown"}`
    case "Failed":
      return `NOT CANCELLED   ${what(o)}  ${String((errorJson(x.error).message as string) || errorJson(x.error)._tag)}`
    case "Unknown":
      return `UNKNOWN         ${what(o)}  the cancel may or may not have happened (${String(x.detail)}); ${String(x.howToCheck)}`
    case "NotSent":
      return `not sent        ${what(o)}  stopped before its cancel was sent`
  }
  return `${String((o as { readonly _tag: string })._tag)} ${what(o)}`
}

export const totalsText = (totals: ReadonlyArray<Sweep.CoinTotal>): string =>
  totals.length === 0 ? "" : totals.map((t) => `${t.amount} ${t.coin} (${t.count})`).join(", ")

/** The summary, a few lines. */
export const summaryLines = (s: Summary, interrupted: boolean): ReadonlyArray<string> => {
  const lines = [
    `${s.cancelled}/${s.found} cancelled` +
      (s.notCancellable + s.failed > 0 ? `, ${s.notCancellable + s.failed} not cancelled` : "") +
      (s.unknown > 0 ? `, ${s.unknown} outcome unknown (check them before anything else)` : "") +
      (s.notSent > 0 ? `, ${s.notSent} not sent (stopped)` : "") +
      (s.totals.length > 0 ? `; found ${totalsText(s.totals)}` : "")
  ]
  if (s.skipped > 0) lines.push(`${s.skipped} withdrawal(s) already past cancelling were left alone`)
  if (s.listError !== undefined) {
    lines.push(
      `the listing stopped early (${String(errorJson(s.listError).message)}): some pending withdrawals may not have been found; run it again`
    )
  }
  if (interrupted) lines.push("interrupted: no cancel was sent after Ctrl+C; the one in flight finished")
  return lines
}

/** `[#####.....] 3/10` in `width` characters of bar. */
export const progressBar = (done: number, total: number, width = 30): string => {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`
}
