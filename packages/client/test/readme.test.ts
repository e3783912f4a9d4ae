// The error table of this README, checked against the error classes the package exports.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { BybitError } from "../src/index.js"

/** The rows of the README's error table: `| \`Tag\` | when | retried |`. */
const errorRows = (() => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
  const section = readme.slice(
    readme.indexOf("\n## Errors\n"),
    readme.indexOf("\n## ", readme.indexOf("\n## Errors\n") + 1)
  )
  return [...section.matchAll(/^\| `(\w+)` +\| (.+?) +\| (.+?) +\|$/gm)].map(([, tag, when, retried]) => ({
    tag: tag!,
    when: when!,
    retried: retried!
  }))
})()

/** The errors of a cancel that a list never raises: the compiler checks this record is exactly them. */
const cancelOnly: Record<Exclude<BybitError.CancelError["_tag"], BybitError.ListError["_tag"]>, true> = {
  WithdrawalNotFound: true,
  WithdrawalNotCancellable: true,
  CancelFailed: true,
  CancelOutcomeUnknown: true
}

describe("README, Errors", () => {
  it("has one row per error class the package exports, each once", () => {
    const classes = Object.entries(BybitError)
      .filter(([, value]) => {
        const prototype = typeof value === "function" ? (value as { readonly prototype?: object }).prototype : undefined
        return prototype !== undefined && BybitError.TypeId in prototype
      })
      .map(([name]) => name)
      .sort()
    expect(classes.length).toBeGreaterThan(10)
    expect(errorRows.map((row) => row.tag).sort()).toEqual(classes)
  })

  it("marks exactly the cancel-only errors, and says retried exactly for the retryable ones", () => {
    const marked = errorRows.filter((row) => row.when.startsWith("cancel only")).map((row) => row.tag)
    expect(marked.sort()).toEqual(Object.keys(cancelOnly).sort())
    for (const row of errorRows) {
      expect(row.retried.startsWith("no"), row.tag).toBe(!BybitError.isRetryable({ _tag: row.tag }))
    }
  })
})
