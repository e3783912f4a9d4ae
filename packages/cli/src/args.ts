/**
 * The CLI's own argument rules (plain functions): `--since`/`--until`, `--type`, ids, and the flag
 * a client field came from, so that an error names what the user typed.
 */
import { Rules } from "@effect-bybit/core"

export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A point in time: a duration back from `now` (`30m`, `24h`, `7d`), an ISO date (`2026-11-01`,
 * `2026-11-01T12:00:00Z`), or ms since the epoch.
 */
export const parseTime = (flag: string, text: string, now: number): Checked<number> => {
  const relative = /^(\d{1,6})([mhd])$/.exec(text)
  if (relative !== null) return { ok: true, value: now - Number(relative[1]) * UNITS[relative[2]!]! }
  if (/^\d{1,16}$/.test(text)) return { ok: true, value: Number(text) }
  if (/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text)
    if (Number.isFinite(ms)) return { ok: true, value: ms }
  }
  return {
    ok: false,
    message: `${flag}: expected a duration back from now (30m, 24h, 7d), an ISO date (2026-11-01) or ms since the epoch`
  }
}

export const WITHDRAW_TYPES = { onchain: 0, offchain: 1, all: 2 } as const

/** The filter of `cancel-pending` and `list` from the flags, checked by the client's rules. */
export const filterOf = (
  flags: {
    readonly coin: string | undefined
    readonly type: keyof typeof WITHDRAW_TYPES
    readonly since: string | undefined
    readonly until: string | undefined
  },
  now: number
): Checked<{
  readonly coin?: string
  readonly withdrawType: 0 | 1 | 2
  readonly startTime?: number
  readonly endTime?: number
}> => {
  const since = flags.since === undefined ? undefined : parseTime("--since", flags.since, now)
  if (since !== undefined && !since.ok) return since
  const until = flags.until === undefined ? undefined : parseTime("--until", flags.until, now)
  if (until !== undefined && !until.ok) return until
  const startTime = since?.value
  // With --since alone the window ends now (Bybit wants both ends, at most 30 days apart).
  const endTime = until?.value ?? (startTime !== undefined ? now : undefined)
  if (startTime === undefined && endTime !== undefined) {
    return { ok: false, message: "--until: give --since too (Bybit's window is at most 30 days)" }
  }
  const value = {
    ...(flags.coin !== undefined ? { coin: flags.coin } : {}),
    withdrawType: WITHDRAW_TYPES[flags.type],
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {})
  }
  // The client checks these again; here an error names the flag before anything is sent.
  const checked = Rules.checkListQuery(value)
  if (checked._tag === "Valid") return { ok: true, value }
  if (checked.field === "endTime" && until === undefined) {
    return {
      ok: false,
      message:
        "--since: at most 30 days back (Bybit lists at most 30 days at a time); for older withdrawals give --since and --until at most 30 days apart"
    }
  }
  if (checked.field === "endTime") {
    return { ok: false, message: "--until: at most 30 days after --since (Bybit lists at most 30 days at a time)" }
  }
  if (checked.field === "startTime" && until === undefined) return { ok: false, message: "--since: is in the future" }
  if (checked.field === "startTime") return { ok: false, message: "--since: must not be after --until" }
  return { ok: false, message: `${flagOfField(checked.field)}: ${checked.reason}` }
}

/** `--base-url`, checked by the client's rule (https, or http on loopback). */
export const baseUrlOf = (text: string | undefined): Checked<string | undefined> => {
  if (text === undefined) return { ok: true, value: undefined }
  const checked = Rules.checkBaseUrl(text)
  return checked._tag === "Valid"
    ? { ok: true, value: checked.value }
    : { ok: false, message: `--base-url: ${checked.reason}` }
}

/** `list --id`, checked as a withdrawal id. */
export const idOf = (text: string | undefined): Checked<string | undefined> => {
  if (text === undefined) return { ok: true, value: undefined }
  const problem = Rules.withdrawalIdProblem(text)
  return problem === undefined
    ? { ok: true, value: text }
    : { ok: false, message: `--id ${JSON.stringify(text.slice(0, 30))}: ${problem}` }
}

/** The ids of `cancel <id...>`, each checked, each once, in the order given. */
export const idsOf = (ids: ReadonlyArray<string>): Checked<ReadonlyArray<string>> => {
  for (const id of ids) {
    const problem = Rules.withdrawalIdProblem(id)
    if (problem !== undefined) return { ok: false, message: `<id> ${JSON.stringify(id.slice(0, 30))}: ${problem}` }
  }
  return { ok: true, value: [...new Set(ids)] }
}

/** The flag a client field came from. */
export const flagOfField = (field: string | undefined): string => {
  switch (field) {
    case "coin":
      return "--coin"
    case "withdrawType":
      return "--type"
    case "startTime":
      return "--since"
    case "endTime":
      return "--until"
    case "id":
    case "withdrawID":
      return "<id>"
    case "baseUrl":
      return "--base-url"
    default:
      return field ?? "input"
  }
}
