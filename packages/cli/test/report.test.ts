// What the CLI prints for a person: text that came from the server is shown, never obeyed by the
// terminal (no escape sequence, no carriage return, no line of its own).
import { describe, expect, it } from "vitest"
import * as Report from "../src/report.js"

// ESC, CSI, BEL, CR, LF, a C1 control and a bidi override: each could redraw or fake a line.
const HOSTILE = "USDT\u001b[2K\rcancelled       2  9999 BTC\n\u0007\u009b\u202e"
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

describe("server text in the report", () => {
  it("every line built from a hostile row holds no control character", () => {
    const lines = [
      Report.outcomeLine({ _tag: "Cancelled", id: "1", coin: HOSTILE, amount: HOSTILE, confirmedAfterRetry: false }),
      Report.outcomeLine({ _tag: "NotCancellable", id: "1", coin: HOSTILE, amount: "1", status: HOSTILE }),
      Report.outcomeLine({
        _tag: "Failed",
        id: "1",
        coin: "USDT",
        amount: "1",
        error: { _tag: "X", message: HOSTILE }
      }),
      Report.outcomeLine({ _tag: "Unknown", id: "1", coin: "USDT", amount: "1", detail: HOSTILE, howToCheck: "x" }),
      Report.totalsText([{ coin: HOSTILE, count: 1, amount: "1" }]),
      ...Report.summaryLines(
        {
          found: 1,
          cancelled: 1,
          notCancellable: 0,
          failed: 0,
          unknown: 0,
          notSent: 0,
          skipped: 0,
          totals: [{ coin: HOSTILE, count: 1, amount: "1" }],
          listError: { _tag: "X", message: HOSTILE }
        },
        false
      ),
      Report.recordLine({
        status: HOSTILE,
        withdrawId: "1",
        amount: HOSTILE,
        coin: HOSTILE,
        createTime: 0,
        toAddress: HOSTILE
      }),
      Report.wouldCancelLine({ withdrawId: "1", amount: HOSTILE, coin: HOSTILE, status: HOSTILE, createTime: 0 })
    ]
    for (const line of lines) {
      expect(line).not.toMatch(CONTROL)
      // What was there is still readable, escaped.
      expect(line).toContain("\\u001b")
    }
  })

  it("plain text is shown as it is", () => {
    expect(Report.printable("0x8c5a USDT 10.5 Pending")).toBe("0x8c5a USDT 10.5 Pending")
  })
})

describe("what was found", () => {
  it("a listing that failed before finding anything does not say there is nothing to cancel", () => {
    const text = Report.foundText(0, "", 0, { _tag: "RateLimited", message: "too many" })
    expect(text).not.toMatch(/nothing to cancel/)
    expect(text).toMatch(/could not list/)
    expect(Report.foundText(0, "", 0, undefined)).toMatch(/nothing to cancel/)
  })

  it("a run that found nothing because the listing failed does not read 0/0 cancelled", () => {
    const lines = Report.summaryLines(
      {
        found: 0,
        cancelled: 0,
        notCancellable: 0,
        failed: 0,
        unknown: 0,
        notSent: 0,
        skipped: 0,
        totals: [],
        listError: { _tag: "RateLimited", message: "too many" }
      },
      false
    )
    expect(lines[0]).not.toMatch(/^0\/0 cancelled/)
  })
})

describe("what the prompt asks", () => {
  it("counts only what will be sent; unreadable rows are named apart, as not cancelled", () => {
    expect(Report.toCancelText(1, "1 USDT (1)", 1)).toBe(
      "1 withdrawal(s): 1 USDT (1) (and 1 unreadable row(s), which cannot be cancelled: no cancel is sent for them)"
    )
    expect(Report.toCancelText(2, "3 USDT (2)", 0)).toBe("2 withdrawal(s): 3 USDT (2)")
  })
})
