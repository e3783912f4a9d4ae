// The `@since` check of `pnpm docs:check` (scripts/docs.mjs), on a fixture package: it starts from
// each entry point of `exports`, follows re-exports (internal modules included) and namespace
// exports into their members, and reports every symbol without a non-empty `@since`.
import { describe, expect, it } from "vitest"
import { PACKAGES, undocumented } from "../../scripts/docs.mjs"

describe("scripts/docs.mjs", () => {
  it("finds every exported symbol without @since, through namespaces, re-exports and each entry point", () => {
    expect([...undocumented("mocks/test/fixtures/docs-package")].sort()).toEqual([
      "docs-fixture/extra: emptySince",
      "docs-fixture: Things.bare",
      "docs-fixture: Things.noSince",
      "docs-fixture: hidden"
    ])
  }, 60_000)

  it("documents the public packages, each in its own folder of docs/api", () => {
    expect(PACKAGES.map((p) => p.out)).toEqual(["signing", "core", "client", "client-effect3", "mock-exchange"])
  })
})
