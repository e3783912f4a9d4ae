import { defineConfig } from "vitest/config"

// The Effect 3 line runs on its own vitest (3, the one @effect/vitest 0.30 supports), from this
// folder; the workspace's root vitest (5) runs the rest. Same choices as the root config.
const conditions = ["@effect-bybit/source"]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    benchmark: { include: ["bench/**/*.bench.ts"] },
    isolate: false,
    maxWorkers: 2,
    minWorkers: 1,
    // A timeout catches a hang, never a slow machine (see the root vitest.config.ts).
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
