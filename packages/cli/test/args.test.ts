// The CLI's own argument rules: times, the filter, ids, and the flag an error names.
import { describe, expect, it } from "vitest"
import { filterOf, flagOfField, idsOf, parseTime } from "../src/args.js"

const NOW = Date.UTC(2026, 11, 3)

describe("parseTime", () => {
  it("reads durations back from now, ISO dates and ms", () => {
    expect(parseTime("--since", "24h", NOW)).toEqual({ ok: true, value: NOW - 86_400_000 })
    expect(parseTime("--since", "30m", NOW)).toEqual({ ok: true, value: NOW - 1_800_000 })
    expect(parseTime("--since", "2026-11-01", NOW)).toEqual({ ok: true, value: Date.UTC(2026, 10, 1) })
    expect(parseTime("--since", "1700000000000", NOW)).toEqual({ ok: true, value: 1700000000000 })
  })

  it("refuses anything else, naming the flag", () => {
    const checked = parseTime("--since", "yesterday", NOW)
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.message).toMatch(/^--since: expected a duration/)
  })
})

describe("filterOf", () => {
  it("--since alone ends the window now; --type maps to Bybit's withdrawType", () => {
    expect(filterOf({ coin: "usdt", type: "onchain", since: "7d", until: undefined }, NOW)).toEqual({
      ok: true,
      value: { coin: "usdt", withdrawType: 0, startTime: NOW - 7 * 86_400_000, endTime: NOW }
    })
    expect(filterOf({ coin: undefined, type: "all", since: undefined, until: undefined }, NOW)).toEqual({
      ok: true,
      value: { withdrawType: 2 }
    })
  })

  it("--until without --since is refused", () => {
    expect(filterOf({ coin: undefined, type: "all", since: undefined, until: "1h" }, NOW)).toMatchObject({ ok: false })
  })
})

describe("idsOf and flagOfField", () => {
  it("keeps each id once, in order; refuses a bad one naming <id>", () => {
    expect(idsOf(["2", "1", "2"])).toEqual({ ok: true, value: ["2", "1"] })
    const bad = idsOf(["1", "0x1"])
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.message).toMatch(/^<id> "0x1": /)
  })

  it("names the flag a client field came from", () => {
    expect(flagOfField("coin")).toBe("--coin")
    expect(flagOfField("startTime")).toBe("--since")
    expect(flagOfField("withdrawType")).toBe("--type")
  })
})
