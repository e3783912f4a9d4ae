/**
 * The mock exchange: in-memory state, a clock, scripted faults and the MSW handlers over them.
 *
 * @since 0.1.0
 */
import { type HttpHandler, HttpResponse, http } from "msw"
import { type Exchange, type MockExchangeOptions, makeExchange } from "./Exchange.js"
import type { MockAnswer } from "./models.js"

/**
 * A mock Bybit V5 exchange: its MSW handlers and its state to seed and inspect.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockExchange extends Exchange {
  /** The handlers for `setupServer(...exchange.handlers)`; they match any host (`*\/v5/...`). */
  readonly handlers: ReadonlyArray<HttpHandler>
  /** Answers any request the other handlers leave (Bybit's unknown-route 404). */
  readonly catchAllHandler: HttpHandler
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The MSW adapter: a fetch `Request` in, the core's answer out as a `Response`. */
const toResponse = async (answer: MockAnswer): Promise<Response> => {
  if (answer._tag === "Delay") {
    await delay(answer.ms)
    return toResponse(answer.resume())
  }
  if (answer._tag === "NetworkError") return HttpResponse.error()
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}

const adapt =
  (exchange: Exchange) =>
  async ({ request }: { readonly request: Request }): Promise<Response> => {
    const url = new URL(request.url)
    const method = request.method
    return toResponse(
      exchange.handle({
        method,
        path: url.pathname,
        query: url.search.startsWith("?") ? url.search.slice(1) : "",
        headers: request.headers,
        body: method === "GET" || method === "HEAD" ? "" : new Uint8Array(await request.arrayBuffer())
      })
    )
  }

/**
 * Builds a mock exchange with its own state; nothing is shared between exchanges.
 *
 * @example
 * ```ts
 * const exchange = makeMockExchange()
 * const server = setupServer(...exchange.handlers)
 * server.listen({ onUnhandledRequest: "error" })
 * exchange.faults.inject({ _tag: "LoseResponse" }, { path: "/v5/asset/withdraw/cancel" })
 * ```
 * @throws TypeError when an account has both or neither of `secret` and `rsaPublicKeyPem`, two accounts share a
 *   key, or both `now` and `clock` are given.
 * @since 0.1.0
 * @category constructors
 */
export const makeMockExchange = (options: MockExchangeOptions = {}): MockExchange => {
  const exchange = makeExchange(options)
  const resolver = adapt(exchange)
  return {
    ...exchange,
    // The core routes by itself; MSW only decides which requests are the exchange's.
    handlers: [http.all("*/v5/*", resolver)],
    catchAllHandler: http.all("*", resolver)
  }
}
