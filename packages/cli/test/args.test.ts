// The CLI's own argument rules: times, the filter, ids, and the flag an error names.
import { describe, expect, it } from "vitest"
import { baseUrlOf, filterOf, flagOfField, idOf, idsOf, parseTime } from "../src/args.js"

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

  it("Bybit's window rules, named by the flag the user gave", () => {
    const refused = (flags: { since?: string; until?: string; coin?: string }) =>
      filterOf({ coin: flags.coin, type: "all", since: flags.since, until: flags.until }, NOW)
    expect(refused({ since: "31d" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--since: at most 30 days back/)
    })
    expect(refused({ since: "30d" })).toMatchObject({ ok: true })
    expect(refused({ since: "40d", until: "5d" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--until: /)
    })
    expect(refused({ since: "1h", until: "2h" })).toEqual({ ok: false, message: "--since: must not be after --until" })
    expect(refused({ since: String(NOW + 60_000) })).toEqual({ ok: false, message: "--since: is in the future" })
    expect(refused({ coin: "us dt" })).toMatchObject({ ok: false, message: expect.stringMatching(/^--coin: /) })
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

describe("baseUrlOf and idOf", () => {
  it("checks --base-url with the client's rule, never quoting credentials in it", () => {
    expect(baseUrlOf(undefined)).toEqual({ ok: true, value: undefined })
    expect(baseUrlOf("http://127.0.0.1:4010")).toMatchObject({ ok: true })
    expect(baseUrlOf("http://example.com")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--base-url: must use https/)
    })
    const withPassword = baseUrlOf("https://user:hunter2@api.bybit.com")
    expect(withPassword).toMatchObject({ ok: false, message: "--base-url: must not contain credentials" })
  })

  it("checks list --id as a withdrawal id", () => {
    expect(idOf("10197")).toEqual({ ok: true, value: "10197" })
    expect(idOf("1e5")).toMatchObject({ ok: false, message: expect.stringMatching(/^--id "1e5": /) })
  })
})
