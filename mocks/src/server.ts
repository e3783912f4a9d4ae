/**
 * The standalone mock exchange: the core served over node:http on 127.0.0.1, with the admin API
 * under `/__admin/`.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Exchange } from "./Exchange.js"
import { handleAdmin, isAdminPath } from "./internal/admin.js"
import { Codes } from "./internal/codes.js"
import { envelope, jsonResponse } from "./internal/envelope.js"
import { makeExchange } from "./internal/exchange.js"
import { ADMIN_MAX_BODY_BYTES } from "./internal/limits.js"
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
  /**
   * The most connections served at once. A connection over it gets HTTP 503 with a Bybit envelope
   * (`retCode 10016`, `Retry-After: 1`) to its first request, then is closed; past it by
   * `CONNECTION_OVERFLOW` more, a connection is closed as it arrives (nothing can be answered
   * without holding memory). Default 10,000: far above what a test suite opens (undici opens one
   * connection per concurrent request).
   */
  readonly maxConnections?: number
  /**
   * The most request-body bytes held at once, all requests together (each also capped by the
   * exchange's `maxBodyBytes`). A request whose body would go over it gets HTTP 503 with a Bybit
   * envelope (`retCode 10016`) at once, its body read and dropped. Default 67,108,864 (64 MiB).
   */
  readonly maxInflightBodyBytes?: number
  /**
   * Milliseconds a client has to send a request's head (request line and headers), from its first
   * byte; later, node:http answers HTTP 408 and closes the connection. Default 10,000.
   */
  readonly headersTimeout?: number
  /**
   * Milliseconds a client has to send a whole request (head and body); later, HTTP 408 and the
   * connection closed. Default 30,000; at least `headersTimeout`.
   */
  readonly requestTimeout?: number
  /**
   * Milliseconds an idle keep-alive connection stays open. Default 65,000: above the idle timeout
   * of common clients (undici/fetch 4 s, Python `requests` none, Go 90 s is the exception), so the
   * client, not the server, closes an idle connection, and a client never reuses a connection the
   * server is closing at that moment (EPIPE, "other side closed").
   */
  readonly keepAliveTimeout?: number
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
  /** Stops listening and closes every open connection; requests held by a `Latency` get no answer. */
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
  },
  forEach: (callback) => {
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) callback(Array.isArray(value) ? value.join(", ") : value, name)
    }
  }
})

/**
 * The `Latency` timers of one server: `close()` clears them (the delayed requests are answered
 * nothing, their connections closed), so no timer holds the process after it.
 */
interface Delays {
  readonly timers: Set<ReturnType<typeof setTimeout>>
  closed: boolean
}

const send = (res: ServerResponse, answer: MockAnswer, delays: Delays): void => {
  if (answer._tag === "Delay") {
    if (delays.closed) return
    const timer = setTimeout(() => {
      delays.timers.delete(timer)
      send(res, answer.resume(), delays)
    }, answer.ms)
    delays.timers.add(timer)
    return
  }
  if (answer._tag === "NetworkError") {
    reset(res)
    return
  }
  const body = Buffer.from(answer.body, "utf8")
  res.writeHead(answer.status, { ...answer.headers, "content-length": body.length }).end(body)
}

/**
 * The default of `maxConnections`.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000

/**
 * Connections accepted past `maxConnections` to be answered 503; past that they are closed at once.
 *
 * @since 0.1.0
 * @category constants
 */
export const CONNECTION_OVERFLOW = 1_000

/** The HTTP 503 of a request the server will not serve now (too many connections, or bodies in flight). */
const busy = (exchange: Exchange, why: string): MockAnswer =>
  jsonResponse(
    envelope(exchange.clock.now(), Codes.serverError, `server busy: ${why}; retry later`),
    503,
    // Closed after the answer: the body is not read (the budget bounds what is read, not only what is kept).
    { "retry-after": "1", connection: "close" }
  )

/** The declared `content-length`, when it is a plain integer. */
const declaredLength = (req: IncomingMessage): number | undefined => {
  const raw = req.headers["content-length"]
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
}

/** Bytes of request bodies held right now, by all the requests of one server. */
interface Budget {
  readonly limit: number
  held: number
}

/** The connections open, and those accepted over the limit (answered 503, then closed). */
interface Connections {
  readonly limit: number
  open: number
  readonly over: WeakSet<object>
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

/**
 * The node:http adapter: reads the raw request (the body up to the cap, within the server's
 * in-flight budget), asks the core, writes the answer.
 */
const serve = (
  exchange: Exchange,
  budget: Budget,
  connections: Connections,
  delays: Delays,
  req: IncomingMessage,
  res: ServerResponse
): void => {
  if (connections.over.has(req.socket)) {
    req.resume()
    send(res, busy(exchange, `${connections.open} connections open, the limit is ${connections.limit}`), delays)
    return
  }
  const method = req.method ?? "GET"
  const { path, query } = splitTarget(req.url ?? "/")
  const admin = isAdminPath(path)
  // Admin requests have their own cap: the API's (`--max-body-bytes`) must not lock the admin out.
  const cap = admin ? ADMIN_MAX_BODY_BYTES : exchange.limits.maxBodyBytes
  const declared = declaredLength(req)
  const answer = (body: Buffer, size: number): void => {
    try {
      if (admin) {
        send(res, handleAdmin(exchange, method, path, query, size > cap ? undefined : body.toString("utf8")), delays)
        return
      }
      send(res, exchange.handle({ method, path, query, headers: headerReader(req), body, bodyBytes: size }), delays)
    } catch (error) {
      if (res.headersSent) reset(res)
      else res.writeHead(500, { "content-type": "text/plain" }).end(`mock exchange error: ${String(error)}`)
    }
  }
  // Over the cap by its own word: answered at once, the body never read into memory (node:http
  // reads and drops it once the answer is sent, so the client still gets its answer).
  if (declared !== undefined && declared > cap) {
    answer(Buffer.alloc(0), declared)
    return
  }
  // What this request holds of the budget: its declared length up front, else each chunk as it comes.
  let held = 0
  const take = (bytes: number): boolean => {
    if (budget.held + bytes > budget.limit) return false
    budget.held += bytes
    held += bytes
    return true
  }
  const release = (): void => {
    budget.held -= held
    held = 0
  }
  let done = false
  const refuse = (): void => {
    done = true
    release()
    req.removeAllListeners("data")
    // The rest of the body is not read (node:http would read and drop it): the connection ends
    // with the answer.
    req.socket.pause()
    res.once("finish", () => res.socket?.destroy())
    send(res, busy(exchange, `request bodies in flight would exceed ${budget.limit} bytes`), delays)
  }
  if (declared !== undefined && declared > 0 && !take(declared)) {
    refuse()
    return
  }
  // A known length is copied into one buffer as it arrives (no list of chunks and a concatenated copy).
  const whole = declared !== undefined && declared > 0 ? Buffer.allocUnsafe(declared) : undefined
  const chunks: Array<Buffer> = []
  let size = 0
  req.on("data", (chunk: Buffer) => {
    if (done) return
    const before = size
    size += chunk.length
    // Past the cap nothing more is kept: the rest is read and dropped, so the client still gets its 413.
    if (size > cap) {
      chunks.length = 0
      release()
      return
    }
    if (whole !== undefined) {
      // More than declared: node:http ends the request at content-length, so this cannot happen.
      if (size > whole.length) return
      chunk.copy(whole, before)
      return
    }
    if (!take(chunk.length)) {
      chunks.length = 0
      refuse()
      return
    }
    chunks.push(chunk)
  })
  // A client that goes away mid-body: nothing to answer, and nothing may crash the server.
  req.on("error", () => {
    chunks.length = 0
    release()
  })
  req.on("close", release)
  req.on("end", () => {
    if (done) return
    done = true
    const body =
      size > cap
        ? Buffer.alloc(0)
        : whole !== undefined
          ? whole.subarray(0, size)
          : chunks.length === 1
            ? chunks[0]!
            : Buffer.concat(chunks)
    chunks.length = 0
    release()
    answer(body, size)
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
  for (const name of [
    "port",
    "maxHeaderBytes",
    "maxConnections",
    "maxInflightBodyBytes",
    "headersTimeout",
    "requestTimeout",
    "keepAliveTimeout"
  ] as const) {
    const value = options[name]
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new TypeError(`startMockServer: ${name} must be a non-negative integer, got ${value}`)
    }
  }
  const exchange = options.exchange ?? makeExchange()
  const budget: Budget = { limit: options.maxInflightBodyBytes ?? 64 * 1024 * 1024, held: 0 }
  const delays: Delays = { timers: new Set(), closed: false }
  const headersTimeout = options.headersTimeout ?? 10_000
  const requestTimeout = options.requestTimeout ?? 30_000
  if (headersTimeout > requestTimeout) {
    throw new TypeError(
      `startMockServer: headersTimeout (${headersTimeout}) must not exceed requestTimeout (${requestTimeout})`
    )
  }
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderBytes ?? 16_384,
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: options.keepAliveTimeout ?? 65_000,
      // node:http checks the two timeouts on this interval (default 30 s): often enough to hold them.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4)))
    },
    (req, res) => serve(exchange, budget, connections, delays, req, res)
  )
  const connections: Connections = {
    limit: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    open: 0,
    over: new WeakSet()
  }
  server.maxConnections = connections.limit + CONNECTION_OVERFLOW
  server.on("connection", (socket) => {
    connections.open += 1
    if (connections.open > connections.limit) connections.over.add(socket)
    socket.once("close", () => {
      connections.open -= 1
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
  let closing: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    exchange,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        delays.closed = true
        for (const timer of delays.timers) clearTimeout(timer)
        delays.timers.clear()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
      return closing
    }
  }
}
