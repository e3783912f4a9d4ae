/**
 * The standalone mock exchange: the core served over node:http on 127.0.0.1, with the admin API
 * under `/__admin/`.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { handleAdmin, isAdminPath } from "./internal/admin.js"
import { makeExchange } from "./internal/exchange.js"
import type { Exchange } from "./MockExchange.js"
import type { HeaderReader, MockAnswer } from "./models.js"

/**
 * Options of `startMockServer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockServerOptions {
  /** The port on 127.0.0.1; `0` (the default) picks a free one. */
  readonly port?: number
  /**
   * The exchange to serve (from `makeMockExchange`); default a fresh one with the default seed and a
   * clock following `Date.now()`. Its `limits.maxBodyBytes` caps request bodies.
   */
  readonly exchange?: Exchange
  /** The largest request head (request line and headers), in bytes; larger gets HTTP 431. Default 16,384. */
  readonly maxHeaderBytes?: number
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
  readonly exchange: Exchange
  /** Stops listening and closes every open connection. */
  readonly close: () => Promise<void>
}

/** A network failure from the core: reset the connection, send nothing. */
const reset = (res: ServerResponse): void => {
  const socket = res.socket
  if (socket === null) return
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy()
  else socket.destroy()
}

const headerReader = (req: IncomingMessage): HeaderReader => ({
  get: (name) => {
    const value = req.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(", ") : value
  }
})

const send = (res: ServerResponse, answer: MockAnswer): void => {
  if (answer._tag === "Delay") {
    setTimeout(() => send(res, answer.resume()), answer.ms)
    return
  }
  if (answer._tag === "NetworkError") {
    reset(res)
    return
  }
  const body = Buffer.from(answer.body, "utf8")
  res.writeHead(answer.status, { ...answer.headers, "content-length": body.length }).end(body)
}

/** `/path?query` (or an absolute-form `http://host/path?query`) split without decoding anything. */
const splitTarget = (target: string): { readonly path: string; readonly query: string } => {
  let start = 0
  if (!target.startsWith("/")) {
    const scheme = target.indexOf("://")
    start = scheme === -1 ? 0 : target.indexOf("/", scheme + 3)
    if (start === -1) return { path: "/", query: "" }
  }
  const q = target.indexOf("?", start)
  return q === -1
    ? { path: target.slice(start), query: "" }
    : { path: target.slice(start, q), query: target.slice(q + 1) }
}

/** The node:http adapter: reads the raw request (the body up to the cap), asks the core, writes the answer. */
const serve = (exchange: Exchange, req: IncomingMessage, res: ServerResponse): void => {
  const method = req.method ?? "GET"
  const { path, query } = splitTarget(req.url ?? "/")
  const cap = exchange.limits.maxBodyBytes
  const chunks: Array<Buffer> = []
  let size = 0
  req.on("data", (chunk: Buffer) => {
    size += chunk.length
    // Past the cap nothing more is kept: the rest is read and dropped, so the client still gets its 413.
    if (size <= cap) chunks.push(chunk)
    else chunks.length = 0
  })
  // A client that goes away mid-body: nothing to answer, and nothing may crash the server.
  req.on("error", () => {
    chunks.length = 0
  })
  req.on("end", () => {
    const body = size > cap ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    try {
      if (isAdminPath(path)) {
        const admin = handleAdmin(exchange, method, path, query, size > cap ? undefined : body.toString("utf8"))
        send(res, admin)
        return
      }
      send(res, exchange.handle({ method, path, query, headers: headerReader(req), body, bodyBytes: size }))
    } catch (error) {
      if (res.headersSent) reset(res)
      else res.writeHead(500, { "content-type": "text/plain" }).end(`mock exchange error: ${String(error)}`)
    }
  })
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
  const exchange = options.exchange ?? makeExchange()
  const server = createServer({ maxHeaderSize: options.maxHeaderBytes ?? 16_384 }, (req, res) =>
    serve(exchange, req, res)
  )
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
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
