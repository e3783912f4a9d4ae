/** `retCode` must be a safe integer: anything else is an envelope that cannot be read. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Withdrawals } from "../src/index.js"
import { scriptedClient, scriptedLayer } from "./scripted.js"

describe("retCode is a safe integer", () => {
  for (const code of ["1e400", "-1e400", "1.5", "9007199254740993", "1e300"]) {
    it.effect(`retCode ${code} is UnreadableResponse InvalidEnvelope`, () =>
      Effect.gen(function* () {
        const { layer } = scriptedClient(() => ({ status: 200, body: `{"retCode":${code},"retMsg":"x"}` }))
        const error = yield* Effect.flip(
          Withdrawals.list({}).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
        )
        expect(error._tag).toBe("UnreadableResponse")
        expect(error).toMatchObject({ reason: "InvalidEnvelope" })
        expect(error).not.toHaveProperty("retCode")
      })
    )
  }
})
