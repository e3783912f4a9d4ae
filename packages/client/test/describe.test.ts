// What a malformed answer's description says: the path, the rule and the shape of what was sent,
// never the value itself, so that a huge value costs nothing to describe (Schema's own message
// quoted it whole: a 50,000-key retMsg became a 1 MB string, built and then cut to 300 characters).
import { expect, describe as group, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Withdrawals } from "../src/index.js"
import { decodeEnvelope, describe } from "../src/internal/envelope.js"
import { scriptedClient, scriptedLayer } from "./scripted.js"

const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v".repeat(10)]))

group("describing a malformed envelope", () => {
  for (const [label, value, path] of [
    ["retMsg as a 50,000-key object", { retCode: 0, retMsg: wide(50_000), result: {} }, /retMsg/],
    ["retCode as a 1 MB string", { retCode: "9".repeat(1_000_000), retMsg: "", result: {} }, /retCode/],
    ["retCode as a 100,000-item array", { retCode: Array.from({ length: 100_000 }, () => 1), retMsg: "" }, /retCode/]
  ] as const) {
    it(`${label}: a short description with the path and the shape, not the value`, () => {
      const decoded = decodeEnvelope(value)
      expect(Either.isLeft(decoded)).toBe(true)
      if (Either.isRight(decoded)) return
      const text = describe(decoded.left)
      expect(text.length).toBeLessThan(200)
      expect(text).toMatch(path)
      expect(text).not.toContain("vvvvvvvvvv")
      expect(text).not.toContain("99999999")
    })
  }

  it.effect("end to end: the cancel's error names the field and keeps nothing of the value", () =>
    Effect.gen(function* () {
      const body = JSON.stringify({ retCode: 0, retMsg: "OK", result: { status: wide(20_000) } })
      const { layer } = scriptedClient(() => ({ status: 200, body }))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      expect(error).toMatchObject({ _tag: "UnreadableResponse", reason: "InvalidResult" })
      expect(String(error)).toMatch(/status/)
      expect(String(error)).not.toContain("vvvvvvvvvv")
    })
  )
})
