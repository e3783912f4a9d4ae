import { defineConfig } from "vitest/config"

// Workspace packages resolve to their TypeScript sources through the same export condition that
// tsc (customConditions) and tsx (--conditions) use, so nothing has to be built before a test.
const conditions = ["@effect-bybit/source"]

const project = (name: string, root: string) => ({
  extends: true as const,
  test: {
    name,
    root,
    include: ["test/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts"] }
  }
})

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      project("signing", "packages/signing"),
      project("client", "packages/client"),
      project("mock-exchange", "mocks"),
      project("examples", "examples")
    ]
  }
})
