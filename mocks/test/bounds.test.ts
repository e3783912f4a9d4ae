// The standalone server as a hostile or unusual client meets it: raw query strings verified as
// received, bodies over the cap, a bounded journal, oversized headers, a flood of large bodies.
import { readFileSync } from "node:fs"
import { request } from "node:http"
import { connect } from "node:net"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { afterEach, describe, expect, it } from "vitest"
import {
  MOCK_API_KEY,
  MOCK_API_SECRET,
  type MockServer,
  makeMockExchange,
  SEED_WITHDRAWAL_ID,
  startMockServer
} from "../src/index.js"
import { spawnBin } from "./process.js"

const NOW = 1_700_000_000_000
const QUERY_PATH = "/v5/asset/withdraw/query-record"
const signer = hmacSigner(MOCK_API_SECRET)

const servers: Array<MockServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
const start = async (options: Parameters<typeof makeMockExchange>[0] = {}) => {
  const server = await startMockServer({ exchange: makeMockExchange({ now: NOW, ...options }) })
  servers.push(server)
  return server
}

interface RawReply {
  readonly status: number
  readonly body: string
}

/** A request through node:http with the target sent byte for byte (fetch would re-encode it). */
const raw = (
  url: string,
  options: {
    readonly method?: string
    readonly target: string
    readonly headers?: Record<string, string>
    readonly body?: string | Buffer
  }
): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = request(
      { hostname, port, method: options.method ?? "GET", path: options.target, headers: options.headers ?? {} },
      (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
      }
    )
    req.on("error", reject)
    req.end(options.body)
  })

const signedGetHeaders = (query: string, timestamp = NOW): Record<string, string> => ({
  ...signRequest({ method: "GET", signer, apiKey: MOCK_API_KEY, timestamp, recvWindow: 5000, query }).headers
})

const signedPost = (body: string, timestamp = NOW) => {
  const signed = signRequest({ method: "POST", signer, apiKey: MOCK_API_KEY, timestamp, recvWindow: 5000, body })
  return { ...signed.headers, "content-type": "application/json" }
}

describe("a GET is verified against the raw query string exactly as received", () => {
  // pybit and curl send these unencoded; fetch / WHATWG URL would turn ' into %27.
  for (const txID of ["'", "a'b'c", "(x)", "*", "!~", "%27", "%2C", "a,b"]) {
    it(`txID=${txID} signed and sent as is: verified (retCode 0)`, async () => {
      const server = await start()
      const query = `coin=USDT&txID=${txID}`
      const reply = await raw(server.url, { target: `${QUERY_PATH}?${query}`, headers: signedGetHeaders(query) })
      expect(reply.status).toBe(200)
      expect(JSON.parse(reply.body)).toMatchObject({ retCode: 0 })
      expect(server.exchange.requests()[0]?.query).toBe(query)
    })
  }

  it("a query signed with ' but sent re-encoded as %27 does not verify (10004): nothing is decoded", async () => {
    const server = await start()
    const reply = await raw(server.url, {
      target: `${QUERY_PATH}?coin=USDT&txID=%27`,
      headers: signedGetHeaders("coin=USDT&txID='")
    })
    expect(JSON.parse(reply.body)).toMatchObject({ retCode: 10004 })
  })
})

describe("request bodies over the cap", () => {
  it("get HTTP 413 with a Bybit envelope; the body is not kept and the state is untouched", async () => {
    const server = await start({ maxBodyBytes: 1024 })
    const body = JSON.stringify({ id: SEED_WITHDRAWAL_ID, pad: "x".repeat(1100) })
    const reply = await raw(server.url, {
      method: "POST",
      target: "/v5/asset/withdraw/cancel",
      headers: signedPost(body),
      body
    })
    expect(reply.status).toBe(413)
    const json = JSON.parse(reply.body)
    expect(json).toMatchObject({ retCode: 10001, result: {}, retExtInfo: {} })
    expect(json.retMsg).toContain("too large")
    expect(typeof json.time).toBe("number")
    expect(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status).toBe("Pending")
    expect(server.exchange.requests()).toEqual([
      expect.objectContaining({ httpStatus: 413, body: "", bodyBytes: Buffer.byteLength(body) })
    ])
  })

  it("a body of exactly the cap is read and handled", async () => {
    const body = JSON.stringify({ id: SEED_WITHDRAWAL_ID })
    const server = await start({ maxBodyBytes: Buffer.byteLength(body) })
    const reply = await raw(server.url, {
      method: "POST",
      target: "/v5/asset/withdraw/cancel",
      headers: signedPost(body),
      body
    })
    expect(JSON.parse(reply.body)).toMatchObject({ retCode: 0, result: { status: 1 } })
  })

  it("the defaults: 1 MiB bodies, 1,000 journal entries", () => {
    expect(makeMockExchange().limits).toEqual({ maxBodyBytes: 1_048_576, journalSize: 1000 })
    expect(() => makeMockExchange({ maxBodyBytes: 1.5 })).toThrow(/maxBodyBytes/)
    expect(() => makeMockExchange({ journalSize: -1 })).toThrow(/journalSize/)
  })
})

describe("the request journal", () => {
  it("keeps the last journalSize entries and says how many were dropped", async () => {
    const server = await start({ journalSize: 3 })
    for (let i = 0; i < 8; i++) await fetch(`${server.url}/v5/market/time?n=${i}`)
    const kept = server.exchange.requests()
    expect(kept.map((r) => r.query)).toEqual(["n=5", "n=6", "n=7"])
    expect(kept.dropped).toBe(5)
    server.exchange.clearRequests()
    expect(server.exchange.requests()).toHaveLength(0)
    expect(server.exchange.requests().dropped).toBe(0)
  })

  it("cuts kept bodies to 4,096 characters and records the full size", async () => {
    const server = await start()
    const body = JSON.stringify({ id: SEED_WITHDRAWAL_ID, pad: "y".repeat(10_000) })
    await raw(server.url, { method: "POST", target: "/v5/asset/withdraw/cancel", headers: signedPost(body), body })
    const [entry] = server.exchange.requests()
    expect(entry?.body).toBe(body.slice(0, 4096))
    expect(entry?.bodyBytes).toBe(Buffer.byteLength(body))
  })

  it.each([4_097, 10_000, 15_000])(
    "cuts a kept query of %i characters to 4,096 and records its full length",
    async (size) => {
      // Under the 16 KiB head cap: the server reads it, the journal keeps a bounded part.
      const server = await start()
      const query = `coin=USDT&pad=${"q".repeat(size - 14)}`
      expect(query.length).toBe(size)
      await raw(server.url, { target: `${QUERY_PATH}?${query}`, headers: signedGetHeaders(query) })
      const [entry] = server.exchange.requests()
      expect(entry?.query).toBe(query.slice(0, 4096))
      expect(entry?.queryLength).toBe(size)
      const [viaAdmin] = (
        (await (await fetch(`${server.url}/__admin/requests`)).json()) as { requests: Array<{ query: string }> }
      ).requests
      expect(viaAdmin?.query).toHaveLength(4096)
    }
  )

  it("keeps a short query whole, with its length", () => {
    const exchange = makeMockExchange({ now: NOW })
    exchange.handle({ method: "GET", path: "/v5/market/time", query: "a=1", headers: new Headers(), body: "" })
    expect(exchange.requests()[0]).toMatchObject({ query: "a=1", queryLength: 3 })
  })

  it("cuts a kept path to 4,096 characters and an API key to 256, like the headers", async () => {
    const server = await start()
    await fetch(`${server.url}/v5/${"p".repeat(7000)}`, { headers: { "x-bapi-api-key": "k".repeat(7000) } })
    const [entry] = server.exchange.requests()
    expect(entry?.path).toBe(`/v5/${"p".repeat(7000)}`.slice(0, 4096))
    expect(entry?.apiKey).toBe("k".repeat(256))
    expect(entry?.headers["x-bapi-api-key"]).toBe("k".repeat(256))
    const exchange = makeMockExchange({ now: NOW })
    exchange.handle({ method: "GET", path: "/v5/market/time", query: "", headers: new Headers(), body: "" })
    expect(exchange.requests()[0]).toMatchObject({ path: "/v5/market/time", apiKey: undefined })
  })

  it("is the same journal through the MSW handlers (one core)", () => {
    const exchange = makeMockExchange({ journalSize: 2 })
    for (let i = 0; i < 4; i++) {
      exchange.handle({ method: "GET", path: "/v5/market/time", query: `i=${i}`, headers: new Headers(), body: "" })
    }
    expect(exchange.requests().map((r) => r.query)).toEqual(["i=2", "i=3"])
    expect(exchange.requests().dropped).toBe(2)
  })
})

describe("header size", () => {
  it("a request head over maxHeaderBytes gets HTTP 431 and the server keeps serving", async () => {
    const server = await startMockServer({ exchange: makeMockExchange({ now: NOW }), maxHeaderBytes: 4096 })
    servers.push(server)
    const reply = await raw(server.url, { target: "/v5/market/time", headers: { "x-filler": "z".repeat(8192) } })
    expect(reply.status).toBe(431)
    expect((await fetch(`${server.url}/v5/market/time`)).status).toBe(200)
  })
})

/** Streams `bytes` of body in 256 KiB chunks, without ever holding them all. */
const postLarge = (url: string, bytes: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = request(
      {
        hostname,
        port,
        method: "POST",
        path: "/v5/asset/withdraw/cancel",
        headers: { "content-type": "application/json", "content-length": bytes }
      },
      (res) => {
        res.resume()
        res.on("end", () => resolve(res.statusCode ?? 0))
      }
    )
    req.on("error", reject)
    const chunk = Buffer.alloc(256 * 1024, 0x61)
    let sent = 0
    const write = (): void => {
      while (sent < bytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, bytes - sent))
        sent += piece.length
        if (!req.write(piece)) {
          req.once("drain", write)
          return
        }
      }
      req.end()
    }
    write()
  })

describe("clients that go away", () => {
  it("a client that sends half a body and resets the connection does not hurt the server", async () => {
    const server = await start()
    const { hostname, port } = new URL(server.url)
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const req = request({
          hostname,
          port,
          method: "POST",
          path: "/v5/asset/withdraw/cancel",
          headers: { "content-type": "application/json", "content-length": 1000 }
        })
        req.on("error", () => resolve())
        req.write("x".repeat(500), () => setTimeout(() => req.destroy(new Error("client gone")), 20))
        req.on("close", () => resolve())
      })
    }
    const body = JSON.stringify({ id: SEED_WITHDRAWAL_ID })
    const reply = await raw(server.url, {
      method: "POST",
      target: "/v5/asset/withdraw/cancel",
      headers: signedPost(body),
      body
    })
    expect(JSON.parse(reply.body)).toMatchObject({ retCode: 0 })
    expect(server.exchange.requests()).toHaveLength(1)
  })
})

describe("a flood of oversized bodies", () => {
  it("40 x 8 MiB POSTs to the bin with a 64 MB heap: every one gets 413, then a cancel succeeds", async () => {
    // Were the bodies kept (as the old request log did), 320 MB would not fit in this heap.
    const proc = await spawnBin(["--port", "0"], { nodeOptions: ["--max-old-space-size=64"] })
    try {
      const statuses: Array<number> = []
      for (let wave = 0; wave < 4; wave++) {
        statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => postLarge(proc.url, 8 * 1024 * 1024)))))
      }
      expect(statuses).toEqual(Array(40).fill(413))
      const body = JSON.stringify({ id: SEED_WITHDRAWAL_ID })
      const reply = await raw(proc.url, {
        method: "POST",
        target: "/v5/asset/withdraw/cancel",
        headers: signedPost(body, Date.now()),
        body
      })
      expect(JSON.parse(reply.body)).toMatchObject({ retCode: 0, result: { status: 1 } })
      const journal = (await (await fetch(`${proc.url}/__admin/requests`)).json()) as {
        requests: Array<{ body: string }>
      }
      expect(journal.requests).toHaveLength(41)
      expect(journal.requests.slice(0, 40).every((r) => r.body === "")).toBe(true)
      expect(proc.child.exitCode).toBeNull()
    } finally {
      await proc.stop()
    }
  }, 180_000)
})

/** The resident set of a process, in bytes (Linux `/proc`): `VmRSS` now, `VmHWM` its peak. */
const residentBytes = (pid: number, field: "VmRSS" | "VmHWM"): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  if (m === null) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(m[1]) * 1024
}

/** Opens a POST declaring `bytes` of body and sends all but its last byte: a body held open. */
const holdBody = (url: string, body: Buffer): { readonly status: Promise<number>; readonly abort: () => void } => {
  const { hostname, port } = new URL(url)
  const req = request({
    hostname,
    port,
    agent: false,
    method: "POST",
    path: "/v5/asset/withdraw/cancel",
    headers: { "content-type": "application/json", "content-length": String(body.length) }
  })
  const status = new Promise<number>((resolve) => {
    req.on("response", (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    // Closed by the server (over maxConnections) or aborted by the test.
    req.on("error", () => resolve(0))
    req.on("close", () => resolve(0))
  })
  req.write(body.subarray(0, body.length - 1))
  return { status, abort: () => req.destroy() }
}

describe("memory under a flood of concurrent bodies held open", () => {
  it("240 x 1 MiB bodies against a 4 MiB in-flight budget: the server's memory stays bounded, then a cancel succeeds", async () => {
    const cap = 1024 * 1024
    const budget = 4 * 1024 * 1024
    const proc = await spawnBin([
      "--port",
      "0",
      "--max-body-bytes",
      String(cap),
      "--max-inflight-body-bytes",
      String(budget)
    ])
    const pid = proc.child.pid!
    const flood: Array<ReturnType<typeof holdBody>> = []
    try {
      // Warm the server up (JIT, first allocations) before the baseline.
      for (let i = 0; i < 5; i++) await fetch(`${proc.url}/v5/market/time`).then((r) => r.arrayBuffer())
      const before = residentBytes(pid, "VmRSS")
      const body = Buffer.alloc(cap, "x")
      for (let i = 0; i < 240; i++) flood.push(holdBody(proc.url, body))
      // Those over the budget are answered 503 at once; the rest wait for their last byte.
      const answered = await Promise.race([
        Promise.all(flood.map((f) => f.status)),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000))
      ])
      expect(answered).toBeUndefined()
      const growth = residentBytes(pid, "VmHWM") - before
      // Held whole, the bodies alone are 240 MiB (measured before the budget: ~250 MB; with it ~40 MB,
      // mostly node:http's first read on each connection).
      expect(growth).toBeLessThan(96 * 1024 * 1024)
      for (const f of flood.splice(0)) f.abort()
      const cancelBody = JSON.stringify({ id: SEED_WITHDRAWAL_ID })
      const reply = await raw(proc.url, {
        method: "POST",
        target: "/v5/asset/withdraw/cancel",
        headers: signedPost(cancelBody, Date.now()),
        body: cancelBody
      })
      expect(JSON.parse(reply.body)).toMatchObject({ retCode: 0, result: { status: 1 } })
      expect(proc.child.exitCode).toBeNull()
    } finally {
      for (const f of flood) f.abort()
      await proc.stop()
    }
  }, 180_000)

  it("a body over the budget is answered 503 with a Bybit envelope, without being read", async () => {
    const server = await startMockServer({
      exchange: makeMockExchange({ now: NOW }),
      maxInflightBodyBytes: 1000
    })
    servers.push(server)
    const send = () =>
      raw(server.url, {
        method: "POST",
        target: "/v5/asset/withdraw/cancel",
        headers: { "content-type": "application/json" },
        body: Buffer.alloc(500, "y")
      })
    const held = holdBody(server.url, Buffer.alloc(800, "x"))
    // No client-side signal says the server has read the held request's head: ask until it counts
    // (500 bytes alone fit the budget, so only the held body can make the answer 503).
    const reply = await until(send, (r) => r.status === 503)
    expect(JSON.parse(reply.body)).toMatchObject({ retCode: 10016, result: {}, retExtInfo: {} })
    expect(JSON.parse(reply.body).retMsg).toMatch(/in flight would exceed 1000 bytes/)
    // Once the held body is gone (the server sees the close when it gets to it), the budget is free again.
    held.abort()
    expect((await until(send, (r) => r.status !== 503)).status).not.toBe(503)
  }, 180_000)
})

/** A raw connection: what the server sent, and when it closed (resolves with everything received). */
const rawSocket = (url: string) => {
  const { port } = new URL(url)
  const socket = connect(Number(port), "127.0.0.1")
  let received = ""
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1")
  })
  socket.on("error", () => {})
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(received)))
  return { socket, closed, received: () => received }
}

/**
 * Runs `attempt` until `done` holds for its result, every 20 ms; fails after `boundMs` (generous: a
 * loaded machine makes this slower, not red).
 */
const until = async <A>(attempt: () => Promise<A>, done: (a: A) => boolean, boundMs = 60_000): Promise<A> => {
  const deadline = performance.now() + boundMs
  for (;;) {
    const result = await attempt()
    if (done(result)) return result
    if (performance.now() > deadline)
      throw new Error(`not reached within ${boundMs} ms; last: ${JSON.stringify(result)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** `closed`, or "still open" after `ms` of real time (a server without the timeout holds it for minutes). */
const closedWithin = (closed: Promise<string>, ms: number): Promise<string> =>
  Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve("still open"), ms))])

describe("slow clients (headersTimeout, requestTimeout; scaled down)", () => {
  const startTimed = async () => {
    const server = await startMockServer({
      exchange: makeMockExchange({ now: NOW }),
      headersTimeout: 300,
      requestTimeout: 600,
      keepAliveTimeout: 5_000
    })
    servers.push(server)
    return server
  }

  /** Sends `start`, then `chunk` every 50 ms: the server answers 408, closes, and keeps serving. */
  const trickledUntil408 = async (start: string, chunk: string) => {
    const server = await startTimed()
    const client = rawSocket(server.url)
    client.socket.write(start)
    const trickle = setInterval(() => client.socket.writable && client.socket.write(chunk), 50)
    try {
      // The server closes after 300/600 ms; 30 s leaves a loaded machine room, still far below minutes.
      expect(await closedWithin(client.closed, 30_000)).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      clearInterval(trickle)
    }
    expect((await raw(server.url, { target: "/v5/market/time" })).status).toBe(200)
  }

  it("a head trickled one header at a time is answered 408 and closed after headersTimeout", async () => {
    await trickledUntil408("GET /v5/market/time HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n")
  }, 60_000)

  it("a body trickled one byte at a time is answered 408 and closed after requestTimeout", async () => {
    await trickledUntil408(
      "POST /v5/asset/withdraw/cancel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
      " "
    )
  }, 60_000)

  it("an idle keep-alive connection outlives headersTimeout and serves its next request", async () => {
    const server = await startTimed()
    const client = rawSocket(server.url)
    const get = "GET /v5/market/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    const answers = () => client.received().match(/HTTP\/1\.1 200 [\s\S]*?\r\n\r\n[\s\S]*?\}/g)?.length ?? 0
    client.socket.write(get)
    await until(
      async () => answers(),
      (n) => n >= 1
    )
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /)
    expect(client.received()).toMatch(/keep-alive: timeout=5/i)
    // Idle past headersTimeout (300 ms): the time is what is tested, so it is waited in real time.
    await new Promise((resolve) => setTimeout(resolve, 900))
    client.socket.write(get)
    let closed = false
    void client.closed.then(() => {
      closed = true
    })
    await until(
      async () => answers(),
      (n) => n >= 2 || closed
    )
    expect(closed).toBe(false)
    expect(client.received().match(/HTTP\/1\.1 200 /g)).toHaveLength(2)
    client.socket.destroy()
  }, 180_000)

  it("the defaults: 10 s for the head, 30 s for the request, 65 s keep-alive", async () => {
    const server = await start()
    const client = rawSocket(server.url)
    client.socket.write("GET /v5/market/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await until(
      async () => client.received(),
      (text) => text.includes("\r\n\r\n")
    )
    expect(client.received()).toMatch(/keep-alive: timeout=65/i)
    client.socket.destroy()
    await expect(startMockServer({ headersTimeout: 2_000, requestTimeout: 1_000 })).rejects.toThrow(/must not exceed/)
  }, 180_000)
})
