import { hmacSigner, signaturePayload } from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"

describe("smoke", () => {
  it("signs", () => {
    const s = hmacSigner("x")
    expect(s.sign(signaturePayload({ timestamp: 1, apiKey: "k", recvWindow: 5000, payload: "{}" }))).toHaveLength(64)
  })
})
