/**
 * `@effect-bybit/mock-exchange`: a mock Bybit V5 exchange as MSW handlers, and a standalone loopback server.
 *
 * @since 0.1.0
 */

export * from "./core.js"
export { type MockExchange, makeMockExchange } from "./MockExchange.js"
export { type MockServer, type MockServerOptions, startMockServer } from "./server.js"
