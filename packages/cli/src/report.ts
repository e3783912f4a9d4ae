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

export type Summary = Omit<Sweep.Summary<unknown>, "_tag">

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

// C0 and C1 controls (escape sequences, carriage return, new line, bell) and bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * Text from the server as a terminal shows it, not as it obeys it: a control character is written
 * as its `\uXXXX` escape, so a row cannot erase a line, fake one, or retitle the window.
 */
export const printable = (text: unknown): string =>
  String(text).replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

const what = (o: Outcome): string => {
  const money = o.coin !== undefined && o.coin !== "" ? `  ${printable(o.amount ?? "?")} ${printable(o.coin)}` : ""
  return `${printable(o.id ?? "(no id)")}${money}`
}

/** One line for one withdrawal. */
export const outcomeLine = (o: Outcome): string => {
  const x = o as Record<string, unknown>
  switch (o._tag) {
    case "Cancelled":
      return `cancelled       ${what(o)}${x.confirmedAfterRetry === true ? "  (confirmed from its record after a lost answer)" : ""}`
    case "NotCancellable":
      return `NOT CANCELLED   ${what(o)}  too late: status ${printable(x.status ?? "unknown")}`
    case "Failed":
      return `NOT CANCELLED   ${what(o)}  ${printable((errorJson(x.error).message as string) || errorJson(x.error)._tag)}`
    case "Unknown":
      return `UNKNOWN         ${what(o)}  the cancel may or may not have happened (${printable(x.detail)}); ${printable(x.howToCheck)}`
    case "NotSent":
      return `not sent        ${what(o)}  stopped before its cancel was sent`
  }
  return `${printable((o as { readonly _tag: string })._tag)} ${what(o)}`
}

export const totalsText = (totals: ReadonlyArray<Sweep.CoinTotal>): string =>
  totals.length === 0 ? "" : totals.map((t) => `${printable(t.amount)} ${printable(t.coin)} (${t.count})`).join(", ")

/** The summary, a few lines. */
export const summaryLines = (s: Summary, interrupted: boolean): ReadonlyArray<string> => {
  // Nothing found because nothing could be listed is not "0/0 cancelled".
  if (s.found === 0 && s.listError !== undefined) {
    return [
      `could not list the withdrawals (${printable(errorJson(s.listError).message)}): nothing was cancelled; run it again`,
      ...(interrupted ? ["interrupted"] : [])
    ]
  }
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
      `the listing stopped early (${printable(errorJson(s.listError).message)}): some pending withdrawals may not have been found; run it again`
    )
  }
  if (interrupted) lines.push("interrupted: no cancel was sent after Ctrl+C; the one in flight finished")
  return lines
}

/** What `cancel-pending` found, before asking (a message on stderr). */
export const foundText = (total: number, totals: string, malformed: number, listError: unknown): string => {
  if (total === 0 && listError !== undefined) {
    return `could not list the withdrawals (${printable(errorJson(listError).message)}); nothing will be cancelled`
  }
  if (total === 0) return "nothing to cancel: no withdrawal in SecurityCheck or Pending matches"
  return `found ${total} to cancel: ${totals}${malformed > 0 ? ` and ${malformed} unreadable row(s)` : ""}`
}

/** What `cancel-pending` asks to cancel: the readable withdrawals (a malformed row gets no cancel). */
export const toCancelText = (readable: number, totals: string, malformed: number): string =>
  `${readable} withdrawal(s): ${totals}` +
  (malformed > 0 ? ` (and ${malformed} unreadable row(s), which cannot be cancelled: no cancel is sent for them)` : "")

/** A row of `cancel-pending --dry-run`. */
export const wouldCancelLine = (w: {
  readonly withdrawId: string
  readonly amount: string
  readonly coin: string
  readonly status: string
  readonly createTime: number
}): string =>
  `would cancel    ${printable(w.withdrawId)}  ${printable(w.amount)} ${printable(w.coin)}  ${printable(w.status)}  ${new Date(w.createTime).toISOString()}`

/** A row of `list`. */
export const recordLine = (w: {
  readonly status: string
  readonly withdrawId: string
  readonly amount: string
  readonly coin: string
  readonly createTime: number
  readonly toAddress: string
}): string =>
  `${printable(w.status).padEnd(15)} ${printable(w.withdrawId)}  ${printable(w.amount)} ${printable(w.coin)}  ${new Date(w.createTime).toISOString()}  to ${printable(w.toAddress)}`

/** A malformed row, as `list` and `--dry-run` show it. */
export const unreadableLine = (id: string | undefined, reason: string): string =>
  `unreadable      ${printable(id ?? "(no id)")}  ${printable(reason)}`

/** `[#####.....] 3/10` in `width` characters of bar. */
export const progressBar = (done: number, total: number, width = 30): string => {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`
}
