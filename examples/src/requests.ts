/** The mock exchange's request log, in words: what `errors-tour` prints for each stop. */
import type { RecordedRequest } from "@effect-bybit/mock-exchange"

const ENDPOINTS: Readonly<Record<string, string>> = {
  "/v5/market/time": "server time",
  "/v5/asset/withdraw/cancel": "cancel",
  "/v5/asset/withdraw/query-record": "withdrawal records"
}

/** One line per run of identical requests, e.g. `cancel → HTTP 502, not a Bybit answer (x5)`. */
export const describeRequests = (requests: ReadonlyArray<RecordedRequest>): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let previous = ""
  let repeat = 0
  const flush = () => {
    if (previous !== "") lines.push(repeat > 1 ? `${previous} (x${repeat})` : previous)
  }
  for (const r of requests) {
    const answer =
      r.httpStatus === 0
        ? r.retCode === undefined
          ? "connection dropped, no answer"
          : `handled (retCode ${r.retCode}), but the answer was lost`
        : r.retCode === undefined
          ? `HTTP ${r.httpStatus}, not a Bybit answer`
          : `retCode ${r.retCode}${r.retCode === 0 ? " (OK)" : ""}`
    const line = `${(ENDPOINTS[r.path] ?? r.path).padEnd(18)} → ${answer}`
    if (line === previous) repeat++
    else {
      flush()
      previous = line
      repeat = 1
    }
  }
  flush()
  return lines
}
