/**
 * Progress of a batch of cancels: on a terminal, one bar redrawn in place; anywhere else (a pipe,
 * a file, CI logs), one plain line per finished item, so the output stays readable as text.
 */

/** Where progress goes: `process.stdout` or, in tests, anything with `write`. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined
  /** The terminal's width in characters, when known. */
  readonly columns?: number | undefined
  readonly write: (chunk: string) => unknown
}

/** How one item ended, as the progress shows it. */
export type ProgressOutcome = "cancelled" | "gone" | "failed"

/** A progress display for `total` items. */
export interface Progress {
  /** One item finished: `id` and how. */
  readonly done: (id: string, outcome: ProgressOutcome) => void
  /** Ends the display (on a terminal: the bar's line). */
  readonly finish: () => void
}

const ERASE_LINE = "\r\x1b[2K"

/** The bar alone: `[#####-----]`, `width` cells between the brackets. */
export const bar = (finished: number, total: number, width: number): string => {
  const cells = Math.max(1, width)
  const full = total <= 0 ? cells : Math.min(cells, Math.floor((finished / total) * cells))
  return `[${"#".repeat(full)}${"-".repeat(cells - full)}]`
}

/** The terminal line: bar, count, and what the finished items came to. */
export const barLine = (
  finished: number,
  total: number,
  counts: Readonly<Record<ProgressOutcome, number>>,
  columns: number
): string => {
  const tail = ` ${finished}/${total}  ${counts.cancelled} cancelled, ${counts.gone} gone, ${counts.failed} failed`
  // The bar takes what the line leaves, between 10 and 40 cells, so the line never wraps.
  const width = Math.max(10, Math.min(40, columns - tail.length - 3))
  return `${bar(finished, total, width)}${tail}`.slice(0, Math.max(1, columns - 1))
}

/** A progress display on `stream`: a bar redrawn in place when `stream.isTTY`, plain lines otherwise. */
export const makeProgress = (total: number, stream: ProgressStream): Progress => {
  const counts: Record<ProgressOutcome, number> = { cancelled: 0, gone: 0, failed: 0 }
  let finished = 0
  const columns = () => (stream.columns !== undefined && stream.columns > 20 ? stream.columns : 80)
  if (stream.isTTY === true) {
    stream.write(barLine(0, total, counts, columns()))
    return {
      done: (_id, outcome) => {
        finished++
        counts[outcome]++
        stream.write(`${ERASE_LINE}${barLine(finished, total, counts, columns())}`)
      },
      finish: () => {
        stream.write("\n")
      }
    }
  }
  const digits = String(total).length
  return {
    done: (id, outcome) => {
      finished++
      counts[outcome]++
      stream.write(`  [${String(finished).padStart(digits)}/${total}] ${id} ${outcome}\n`)
    },
    finish: () => {}
  }
}
