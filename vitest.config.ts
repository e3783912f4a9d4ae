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
    env: { MSW_MAJOR: "2" },
    benchmark: { include: ["bench/**/*.bench.ts"] }
  }
})

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // The suite's time goes to loading modules (effect, msw) and to waiting on child processes.
    // Files share their worker's loaded modules (no test file relies on module state another file
    // leaves behind: each MSW server is closed in afterAll, each exchange is fresh), and two
    // workers let the files that wait on processes overlap the others, also on a 2-core machine
    // (vitest's default there is one worker).
    isolate: false,
    maxWorkers: 2,
    minWorkers: 1,
    // A timeout is there to catch a hang, never a slow machine: on a shared 2-core machine with
    // other work running, a CPU-bound test (fast-check properties, 300 signed requests) or one that
    // starts a process (node + tsx, npx, pnpm) takes many times its usual second
    // (scripts/test-under-load.sh runs the suite beside four CPU burners).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      project("signing", "packages/signing"),
      project("core", "packages/core"),
      project("client", "packages/client"),
      project("cli", "packages/cli"),
      project("mock-exchange", "mocks"),
      // The MSW handlers again under msw 3 (the peer range is ^2 || ^3): the files that go through
      // MSW, with "msw" resolved to the msw 3 the mock has as a devDependency.
      {
        extends: true as const,
        resolve: { alias: [{ find: /^msw(\/.*)?$/, replacement: "msw3$1" }] },
        test: {
          name: "mock-exchange-msw3",
          root: "mocks",
          include: ["test/{adapters,auth,cancel,conformance,endpoints,faults,market,msw,rateLimit}.test.ts"],
          env: { MSW_MAJOR: "3" },
          // Its own module graph: mocks/src/MockExchange.ts must import msw 3 here, never a copy
          // loaded with msw 2 by another project's file in the same worker.
          isolate: true
        }
      },
      // The examples start MSW in process and patch `globalThis.fetch` (tracing adds OpenTelemetry's
      // global providers): each file in its own module graph, none inheriting another project's state.
      { ...project("examples", "examples"), test: { ...project("examples", "examples").test, isolate: true } }
    ]
  }
})
