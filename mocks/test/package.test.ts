import { createPublicKey } from "node:crypto"
import { readFileSync } from "node:fs"
import { rsaSigner, rsaVerifier } from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { MOCK_RSA_PRIVATE_KEY_PATH, MOCK_RSA_PUBLIC_KEY_PEM, mockRsaPrivateKeyPem } from "../src/index.js"
import { MOCKS_DIR, run } from "./process.js"

describe("package", () => {
  it("loads its index in Node without side effects: prints nothing itself and exits on its own", async () => {
    const tsx = (await import("node:module")).createRequire(import.meta.url).resolve("tsx/cli")
    const res = await run(process.execPath, [tsx, "--conditions=@effect-bybit/source", "test/fixtures/import-index.ts"])
    expect(res.code).toBe(0)
    expect(res.stderr).toBe("")
    expect(res.stdout.trim().split(",")).toEqual(
      expect.arrayContaining([
        "makeMockExchange",
        "defaultSeed",
        "startMockServer",
        "MOCK_API_KEY",
        "SEED_WITHDRAWAL_ID"
      ])
    )
  }, 30_000)

  it("embeds the fixture's RSA public key, and the fixture pair matches", () => {
    const fixture = readFileSync(`${MOCKS_DIR}fixtures/mock-rsa-public.pem`, "utf8")
    expect(createPublicKey(MOCK_RSA_PUBLIC_KEY_PEM).export({ format: "der", type: "spki" })).toEqual(
      createPublicKey(fixture).export({ format: "der", type: "spki" })
    )
    expect(MOCK_RSA_PRIVATE_KEY_PATH).toBe(`${MOCKS_DIR}fixtures/mock-rsa-private.pem`)
    const signature = rsaSigner(mockRsaPrivateKeyPem()).sign("hello")
    expect(rsaVerifier(MOCK_RSA_PUBLIC_KEY_PEM).verify("hello", signature)).toBe(true)
  })

  it("says the fixtures are test-only", () => {
    expect(readFileSync(`${MOCKS_DIR}fixtures/README.md`, "utf8")).toMatch(/test-only/i)
  })
})
