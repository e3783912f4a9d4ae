/**
 * The standalone mock exchange: the same MSW handlers served over node:http on 127.0.0.1.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { getResponse, type RequestHandler } from "msw"
import { type MockExchange, makeMockExchange } from "./MockExchange.js"

/**
 * Options of `startMockServer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockServerOptions {
  /** The port on 127.0.0.1; `0` (the default) picks a free one. */
  readonly port?: number
  /** The exchange to serve; default `makeMockExchange()` (the default seed, a clock following `Date.now()`). */
  readonly exchange?: MockExchange
}

/**
 * A running standalone mock exchange.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string
  readonly port: number
  readonly exchange: MockExchange
  /** Stops listening and closes every open connection. */
  readonly close: () => Promise<void>
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const toHeaders = (req: IncomingMessage): Headers => {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  return headers
}

/** A network failure from a handler (`HttpResponse.error()`): reset the connection, send nothing. */
const reset = (res: ServerResponse): void => {
  const socket = res.socket
  if (socket === null) return
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy()
  else socket.destroy()
}

const serve = async (
  handlers: Array<RequestHandler>,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> => {
  const method = req.method ?? "GET"
  const body = await readBody(req)
  const target = req.url ?? "/"
  const url = /^https?:\/\//i.test(target) ? target : `${origin}${target.startsWith("/") ? "" : "/"}${target}`
  const request = new Request(url, {
    method,
    headers: toHeaders(req),
    ...(method === "GET" || method === "HEAD" ? {} : { body })
  })
  const response = await getResponse(handlers, request)
  if (response === undefined) {
    res.writeHead(404, { "content-type": "text/plain" }).end("no handler")
    return
  }
  if (response.type === "error") {
    reset(res)
    return
  }
  const payload = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers["content-length"] = String(payload.length)
  res.writeHead(response.status, headers).end(payload)
}

/**
 * Starts the standalone mock exchange on 127.0.0.1 (loopback only) and resolves once it listens.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ port: 0 })
 * await fetch(`${server.url}/v5/market/time`)
 * await server.close()
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const startMockServer = async (options: MockServerOptions = {}): Promise<MockServer> => {
  const exchange = options.exchange ?? makeMockExchange()
  const handlers: Array<RequestHandler> = [...exchange.handlers, exchange.catchAllHandler]
  let origin = "http://127.0.0.1"
  const server = createServer((req, res) => {
    serve(handlers, origin, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        reset(res)
        return
      }
      res.writeHead(500, { "content-type": "text/plain" }).end(`mock exchange error: ${String(error)}`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`
  let closing: Promise<void> | undefined
  return {
    url: origin,
    port,
    exchange,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
      return closing
    }
  }
}
