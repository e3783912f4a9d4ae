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

/** The filter of `cancel-pending` and `list` from the flags. */
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
  return {
    ok: true,
    value: {
      ...(flags.coin !== undefined ? { coin: flags.coin } : {}),
      withdrawType: WITHDRAW_TYPES[flags.type],
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {})
    }
  }
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
