import { createPublicKey } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { rsaSigner, rsaVerifier } from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { MOCK_RSA_PRIVATE_KEY_PATH, MOCK_RSA_PUBLIC_KEY_PEM, mockRsaPrivateKeyPem } from "../src/index.js"
import { MOCKS_DIR, run, TSX_LOADER } from "./process.js"

describe("package", () => {
  it("loads its index in Node without side effects: prints nothing itself and exits on its own", async () => {
    const res = await run(process.execPath, [
      "--import",
      TSX_LOADER,
      "--conditions=@effect-bybit/source",
      "test/fixtures/import-index.ts"
    ])
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
  }, 180_000)

  // Every bare import reachable from a source entry, following relative imports (static analysis of src/).
  const bareImports = (entry: string): Set<string> => {
    const seen = new Set<string>()
    const bare = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const text = readFileSync(file, "utf8")
      for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^"']*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!
        if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")))
        else bare.add(spec)
      }
    }
    visit(`${MOCKS_DIR}${entry}`)
    return bare
  }
  const isEffect = (spec: string) => spec === "effect" || spec.startsWith("effect/") || spec.startsWith("@effect/")

  it("no entry loads effect: the main one adds msw, the server and bin add neither", () => {
    const main = [...bareImports("src/index.ts")]
    expect(main).toContain("msw")
    expect(main.filter(isEffect)).toEqual([])
    expect([...bareImports("src/bin.ts")].filter((s) => isEffect(s) || s === "msw")).toEqual([])
  })

  it("the core knows nothing of MSW, node:http or Effect: it imports no package but the signing one", () => {
    expect([...bareImports("src/internal/core.ts")]).toEqual(["@effect-bybit/signing"])
  })

  it("the /core entry (what the client lines' test layers use) loads neither msw, node:http nor effect", () => {
    const core = [...bareImports("src/core.ts")]
    expect(core).toContain("@effect-bybit/signing")
    expect(core.filter((s) => isEffect(s) || s === "msw" || s.startsWith("msw/") || s === "node:http")).toEqual([])
  })

  it("has no Effect peer at all, msw 2 or 3 as its one peer, and the mock-exchange bin", () => {
    const pkg = JSON.parse(readFileSync(`${MOCKS_DIR}package.json`, "utf8"))
    expect(pkg.peerDependencies).toEqual({ msw: "^2.15.0 || ^3.0.0" })
    expect(pkg.peerDependenciesMeta).toBeUndefined()
    expect(Object.keys(pkg.dependencies ?? {}).filter(isEffect)).toEqual([])
    // A committed shim that exists before the build, so the workspace's install can link it.
    expect(pkg.bin).toEqual({ "mock-exchange": "./bin/mock-exchange.js" })
    expect(pkg.files).toContain("bin")
    const shim = readFileSync(`${MOCKS_DIR}bin/mock-exchange.js`, "utf8")
    expect(shim.startsWith("#!/usr/bin/env node\n")).toBe(true)
    expect(shim).toMatch(/^import "\.\.\/dist\/bin\.js"$/m)
    expect(pkg.exports["./core"]).toMatchObject({ default: "./dist/core.js", types: "./dist/core.d.ts" })
    expect(pkg.exports["./effect"]).toBeUndefined()
    expect(readFileSync(`${MOCKS_DIR}src/bin.ts`, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
  })

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
