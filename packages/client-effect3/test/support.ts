import { createServer } from "node:net"
import { FetchHttpClient } from "@effect/platform"
import { MOCK_API_KEY, MOCK_API_SECRET, type MockExchange, makeMockExchange } from "@effect-bybit/mock-exchange"
import { Chunk, Effect, Exit, Fiber, Layer, Redacted, TestClock, TestContext } from "effect"
import { setupServer } from "msw/node"
import { afterAll, afterEach, beforeAll } from "vitest"
import { BybitClient, BybitConfig } from "../src/index.js"

/** The mock exchange's frozen "now" in the tests: 2023-01-01T00:00:00Z. */
export const NOW = 1672531200000

/** An MSW server whose handlers are swapped per test (`server.use(...exchange.handlers)`). */
export const server = setupServer()

/** Starts MSW for the file (unhandled requests fail the test) and resets handlers after each test. */
export const useMsw = (): void => {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
}

/** A fresh mock exchange, frozen at `NOW`, whose handlers serve this test. */
export const freshExchange = (options: Parameters<typeof makeMockExchange>[0] = {}): MockExchange => {
  const exchange = makeMockExchange({ now: NOW, ...options })
  server.resetHandlers(...exchange.handlers)
  return exchange
}

/** The base URL the tests call (MSW matches any host). */
export const BASE_URL = "https://api-testnet.bybit.com"

/** HMAC credentials of the mock's default key. */
export const hmacCredentials = (apiKey = MOCK_API_KEY, secret = MOCK_API_SECRET) =>
  BybitConfig.hmac({ apiKey, apiSecret: Redacted.make(secret) })

/**
 * Sets the TestClock (when the test has one) to the mock exchange's `NOW`: the client refuses a
 * server time more than 24 hours from its own clock, and the TestClock starts at 1970, or where the
 * worker's last test left it (`Effect.provide` memoizes `@effect/vitest`'s test layer, so the tests
 * of a worker share one). Fresh: built again for every test, never memoized with it.
 */
export const alignTestClock = Layer.fresh(
  Layer.effectDiscard(Effect.catchAllDefect(TestClock.setTime(NOW), () => Effect.void))
)

/** The client on FetchHttpClient (intercepted by MSW), with the given options. */
export const clientLayer = (options: Partial<BybitConfig.Options> = {}) =>
  BybitClient.layer({ credentials: hmacCredentials(), baseUrl: BASE_URL, ...options }).pipe(
    Layer.provide(Layer.merge(FetchHttpClient.layer, alignTestClock))
  )

/** Lets pending I/O (MSW answers) settle without moving any clock. */
export const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Runs `effect` in a fiber and, whenever it waits on the TestClock, moves the TestClock and the mock
 * exchange's clock together to the earliest pending wake-up. Returns the exit and every wait (ms).
 * A wake-up beyond `horizon` (10 minutes) is never reached: it would be a stuck test, not a wait the
 * client chose. (Request timeouts are wall-clock timers, not on the TestClock.)
 */
export const runMovingClocks = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  exchange: Pick<MockExchange, "clock">,
  options: { readonly horizon?: number; readonly maxSteps?: number } = {}
) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    const waits: Array<number> = []
    const horizon = options.horizon ?? 10 * 60_000
    for (let step = 0; step < (options.maxSteps ?? 100_000); step++) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return { exit: done.value, waits }
      const sleeps = yield* TestClock.sleeps()
      if (Chunk.isEmpty(sleeps)) {
        yield* settle
        continue
      }
      // Every fiber waits on the TestClock, or an answer is still on its way: let pending I/O
      // settle, and move the clock only when the waits are the same after a few turns.
      let stable = 0
      for (let turn = 0; turn < 50 && stable < 3; turn++) {
        yield* settle
        const again = yield* TestClock.sleeps()
        stable = Chunk.size(again) === Chunk.size(sleeps) ? stable + 1 : 0
        if (stable === 0) break
      }
      if (stable < 3) continue
      const now = yield* TestClock.currentTimeMillis
      const next = Math.min(...Chunk.toReadonlyArray(sleeps))
      const delta = Math.max(0, Math.ceil(next - now))
      if (delta >= horizon) {
        // Nothing the client would wait for: let pending I/O answer instead.
        yield* settle
        continue
      }
      waits.push(delta)
      exchange.clock.advance(delta)
      yield* TestClock.adjust(delta)
    }
    yield* Fiber.interrupt(fiber)
    return { exit: Exit.die("runMovingClocks: too many steps") as Exit.Exit<A, E>, waits }
  })

/** A loopback port nothing listens on (bound, then closed). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/**
 * The client for `runMovingClocks`: a generous request timeout, so a slow CI never times out a
 * call, and a TestClock of the test's own. `runMovingClocks` moves the clock to the earliest sleep
 * it finds: on the TestClock a worker's tests share (@effect/vitest memoizes its TestEnv), that can
 * be a fiber another file left asleep, and a wait of 60 s would be seen as 40.
 */
export const movingClockLayer = (options: Partial<BybitConfig.Options> = {}) =>
  clientLayer({ timeout: "1 hour", ...options }).pipe(Layer.provideMerge(Layer.fresh(TestContext.TestContext)))
