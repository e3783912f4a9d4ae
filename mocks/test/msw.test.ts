// The peer range is msw ^2 || ^3: the MSW test files run twice, once per major (vitest.config.ts),
// and this checks that each run really loads the major it names. msw 3 dropped `graphql` and added
// `isPassthroughResponse`.
import * as msw from "msw"
import { describe, expect, it } from "vitest"

describe("the msw these handlers run on", () => {
  it("is the major this project names", () => {
    const major = process.env.MSW_MAJOR
    expect(major === "2" || major === "3").toBe(true)
    expect("isPassthroughResponse" in msw).toBe(major === "3")
    expect("graphql" in msw).toBe(major === "2")
  })
})
