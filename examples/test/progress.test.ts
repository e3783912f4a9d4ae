import { SEED_CANCELLABLE_USDT_IDS } from "@effect-bybit/mock-exchange"
import { describe, expect, it } from "vitest"
import { bar, makeProgress, type ProgressStream } from "../src/progress.js"
import { run } from "./process.js"

const ESC = "\x1b"

/** A stream that keeps every write. */
const fakeStream = (isTTY: boolean, columns?: number) => {
  const writes: Array<string> = []
  const stream: ProgressStream = { isTTY, columns, write: (chunk) => writes.push(chunk) }
  return { stream, writes }
}

describe("progress on a terminal (isTTY: true)", () => {
  it("redraws one bar in place, counting each outcome, and ends the line on finish", () => {
    const { stream, writes } = fakeStream(true, 70)
    const progress = makeProgress(4, stream)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatch(/^\[-+\] 0\/4 {2}0 cancelled, 0 gone, 0 failed$/)
    progress.done("10197", "cancelled")
    progress.done("10198", "gone")
    progress.done("10199", "failed")
    progress.done("10200", "cancelled")
    expect(writes).toHaveLength(5)
    for (const redraw of writes.slice(1)) expect(redraw.startsWith(`\r${ESC}[2K`)).toBe(true)
    expect(writes[2]).toContain(" 2/4  1 cancelled, 1 gone, 0 failed")
    const last = writes[4]!.slice(`\r${ESC}[2K`.length)
    expect(last).toMatch(/^\[#+\] 4\/4 {2}2 cancelled, 1 gone, 1 failed$/)
    // Nothing but the bar on the line until the end: no newline, and no line wider than the terminal.
    expect(writes.join("")).not.toContain("\n")
    for (const w of writes) expect(w.replace(`\r${ESC}[2K`, "").length).toBeLessThan(70)
    progress.finish()
    expect(writes.at(-1)).toBe("\n")
  })

  it("fills the bar in proportion, never past its width", () => {
    expect(bar(0, 4, 8)).toBe("[--------]")
    expect(bar(1, 4, 8)).toBe("[##------]")
    expect(bar(3, 4, 8)).toBe("[######--]")
    expect(bar(4, 4, 8)).toBe("[########]")
    expect(bar(9, 4, 8)).toBe("[########]")
    expect(bar(0, 0, 8)).toBe("[########]")
  })

  it("fits a narrow terminal, and a terminal of unknown width, on one line", () => {
    for (const columns of [30, undefined]) {
      const { stream, writes } = fakeStream(true, columns)
      const progress = makeProgress(200, stream)
      for (let i = 0; i < 200; i++) progress.done(String(i), "cancelled")
      for (const w of writes) expect(w.replace(`\r${ESC}[2K`, "").length).toBeLessThan(columns ?? 80)
      expect(writes.at(-1)).toContain("200/200")
    }
  })
})

describe("progress elsewhere (not a terminal)", () => {
  it("writes one plain line per finished withdrawal, with no escape codes", () => {
    const { stream, writes } = fakeStream(false)
    const progress = makeProgress(12, stream)
    expect(writes).toEqual([])
    progress.done("10197", "cancelled")
    progress.done("10198", "gone")
    progress.finish()
    expect(writes).toEqual(["  [ 1/12] 10197 cancelled\n", "  [ 2/12] 10198 gone\n"])
    expect(writes.join("")).not.toContain(ESC)
    expect(writes.join("")).not.toContain("\r")
  })

  it("cancel-pending piped: a progress line per withdrawal, then the report of each", async () => {
    const { code, stdout } = await run("cancel-pending.ts")
    expect(code).toBe(0)
    expect(stdout).not.toContain(ESC)
    const ids = [...SEED_CANCELLABLE_USDT_IDS, "10202"]
    const progressAt = stdout.indexOf("Cancelling them")
    const reportAt = stdout.indexOf("What happened to each:")
    expect(progressAt).toBeGreaterThan(0)
    expect(reportAt).toBeGreaterThan(progressAt)
    const progressLines = stdout.slice(progressAt, reportAt).match(/^ {2}\[\d\/\d\] \d+ cancelled$/gm) ?? []
    expect(progressLines).toHaveLength(ids.length)
    expect(progressLines.at(-1)).toMatch(new RegExp(`^  \\[${ids.length}/${ids.length}\\]`))
    for (const id of ids) expect(stdout.slice(reportAt)).toMatch(new RegExp(`^  ${id} +cancelled$`, "m"))
  }, 180_000)
})
