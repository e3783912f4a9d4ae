import { type ChildProcess, spawn } from "node:child_process"
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import { dirname, join } from "node:path"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { type MockServer, startMockServer } from "@effect-bybit/mock-exchange"
import { Effect, Layer, type Scope } from "effect"
import { createProxy } from "proxy"
import { EnvHttpProxyAgent, ProxyAgent } from "undici"
import { BybitClient, Withdrawals } from "../src/index.js"
import { hmacCredentials } from "./support.js"

// Real processes on 127.0.0.1 only: the standalone mock exchange, a forward proxy (`proxy`, the
// server `https-proxy-agent`'s own tests use) and a reverse proxy with a path prefix.

const listen = (server: Server): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<string>((resume) => {
      server.listen(0, "127.0.0.1", () => {
        resume(Effect.succeed(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
      })
    }),
    () =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const mockServer: Effect.Effect<MockServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => startMockServer()),
  (server) => Effect.promise(() => server.close())
)

/** A forward proxy on 127.0.0.1 that records what it is asked to reach (CONNECT or absolute URL). */
const forwardProxy = (options: { readonly credentials?: string } = {}) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    const server = createProxy(createServer())
    server.on("request", (req: IncomingMessage) => seen.push(`${req.method} ${req.url}`))
    server.on("connect", (req: IncomingMessage) => seen.push(`CONNECT ${req.url}`))
    if (options.credentials !== undefined) {
      const expected = `Basic ${Buffer.from(options.credentials).toString("base64")}`
      server.authenticate = (req) => req.headers["proxy-authorization"] === expected
    }
    const url = yield* listen(server)
    return { url, seen }
  })

/** The README's recipe ("Proxies"): undici with a dispatcher made (and closed) by the layer. */
const proxiedHttpClient = (makeAgent: () => ProxyAgent | EnvHttpProxyAgent) =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(
      Layer.scoped(
        NodeHttpClient.Dispatcher,
        Effect.acquireRelease(Effect.sync(makeAgent), (agent) => Effect.promise(() => agent.close()))
      )
    )
  )

/** The client against `baseUrl`, every request through the agent `makeAgent` gives. */
const throughProxy = (baseUrl: string, makeAgent: () => ProxyAgent | EnvHttpProxyAgent) =>
  BybitClient.layer({ credentials: hmacCredentials(), baseUrl, retry: false }).pipe(
    Layer.provide(proxiedHttpClient(makeAgent))
  )

/**
 * The `proxy` package's own command (`proxy --port 0`) as a separate OS process, with its debug
 * log on, which names every request it proxies.
 */
const proxyProcess = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly log: () => string; readonly child: ChildProcess }, Error>((resume) => {
    const bin = join(dirname(createRequire(import.meta.url).resolve("proxy")), "bin", "proxy.js")
    const child = spawn(process.execPath, [bin, "--port", "0"], {
      env: { ...process.env, DEBUG: "proxy*", DEBUG_COLORS: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const port = /listening on port (\d+)/.exec(out)?.[1]
      if (port !== undefined) resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, log: () => err, child }))
    })
    child.once("exit", (code) => resume(Effect.fail(new Error(`proxy exited (${code}): ${out}${err}`))))
  }),
  ({ child }) =>
    Effect.async<void>((resume) => {
      child.once("exit", () => resume(Effect.void))
      child.kill("SIGTERM")
    })
)

describe("forward proxy (undici ProxyAgent)", () => {
  it.scopedLive("cancels through a real HTTP proxy process, which proxies every request", () =>
    Effect.gen(function* () {
      const mock = yield* mockServer
      const proxy = yield* proxyProcess
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(throughProxy(mock.url, () => new ProxyAgent(proxy.url)))
      )
      expect(result.id).toBe("10197")
      expect(mock.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      // The proxy's log: a tunnel to the mock (undici tunnels with CONNECT by default).
      expect(proxy.log()).toContain(`CONNECT ${new URL(mock.url).host}`)
      expect(mock.exchange.requests().map((r) => r.path)).toEqual(["/v5/market/time", Withdrawals.cancelPath])
    })
  )

  it.scopedLive("cancels through a proxy in this process, which sees every request", () =>
    Effect.gen(function* () {
      const mock = yield* mockServer
      const proxy = yield* forwardProxy()
      const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(throughProxy(mock.url, () => new ProxyAgent(proxy.url)))
      )
      expect(result.id).toBe("10197")
      expect(mock.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      // The proxy was asked to reach the mock (a tunnel, or the absolute URL of each request).
      const host = new URL(mock.url).host
      expect(proxy.seen.length).toBeGreaterThan(0)
      for (const line of proxy.seen) expect(line).toMatch(new RegExp(`^(CONNECT ${host}|\\w+ ${mock.url}/)`))
      // And the mock got both requests (server time, then the signed cancel) from the proxy.
      expect(mock.exchange.requests().map((r) => r.path)).toEqual(["/v5/market/time", Withdrawals.cancelPath])
    })
  )

  it.scopedLive(
    "FetchHttpClient: a RequestInit dispatcher given to FetchHttpClient.layer is kept (every request proxied)",
    () =>
      Effect.gen(function* () {
        const mock = yield* mockServer
        const proxy = yield* forwardProxy()
        const agent = new ProxyAgent(proxy.url)
        yield* Effect.addFinalizer(() => Effect.promise(() => agent.close()))
        // The usual Effect way: the init is provided to the transport's layer, not to the program.
        const transport = FetchHttpClient.layer.pipe(
          Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { dispatcher: agent } as unknown as RequestInit))
        )
        const result = yield* Withdrawals.cancel({ id: "10197" }).pipe(
          Effect.provide(BybitClient.layer({ credentials: hmacCredentials(), baseUrl: mock.url, retry: false })),
          Effect.provide(transport)
        )
        expect(result.id).toBe("10197")
        const host = new URL(mock.url).host
        expect(proxy.seen.length).toBeGreaterThan(0)
        for (const line of proxy.seen) expect(line).toMatch(new RegExp(`^(CONNECT ${host}|\\w+ ${mock.url}/)`))
        expect(mock.exchange.requests().map((r) => r.path)).toEqual(["/v5/market/time", Withdrawals.cancelPath])
      })
  )

  it.scopedLive("authenticates to the proxy (Proxy-Authorization), and a refusal is a TransportError", () =>
    Effect.gen(function* () {
      const mock = yield* mockServer
      const proxy = yield* forwardProxy({ credentials: "user:proxy-pass" })
      const withToken = () =>
        new ProxyAgent({ uri: proxy.url, token: `Basic ${Buffer.from("user:proxy-pass").toString("base64")}` })
      yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(throughProxy(mock.url, withToken)))
      expect(mock.exchange.withdrawal("10197")?.status).toBe("CancelByUser")

      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10198" }).pipe(
          Effect.provide(throughProxy(mock.url, () => new ProxyAgent(proxy.url)))
        )
      )
      expect(error._tag).toBe("TransportError")
      expect(mock.exchange.withdrawal("10198")?.status).toBe("Pending")
      expect(JSON.stringify(error)).not.toContain("proxy-pass")
    })
  )

  it.scopedLive("EnvHttpProxyAgent takes the proxy from HTTP_PROXY-style settings", () =>
    Effect.gen(function* () {
      const mock = yield* mockServer
      const proxy = yield* forwardProxy()
      // The same as HTTP_PROXY / HTTPS_PROXY / NO_PROXY in the environment, given explicitly here.
      const agent = () => new EnvHttpProxyAgent({ httpProxy: proxy.url, noProxy: "" })
      yield* Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(throughProxy(mock.url, agent)))
      expect(mock.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
      expect(proxy.seen.length).toBeGreaterThan(0)
    })
  )
})

describe("reverse proxy with a path prefix in the base URL", () => {
  /** Serves `/bybit/*` by forwarding it, prefix removed, to `target`; anything else is a 404. */
  const reverseProxy = (target: string) =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`)
        if (!req.url?.startsWith("/bybit/")) {
          res.writeHead(404, { "content-type": "text/plain" }).end("not here")
          return
        }
        const upstream = httpRequest(
          `${target}${req.url.slice("/bybit".length)}`,
          { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        upstream.on("error", () => res.destroy())
        req.pipe(upstream)
      })
      const url = yield* listen(server)
      return { url, seen }
    })

  for (const [name, transport] of [
    ["fetch", FetchHttpClient.layer],
    ["undici", NodeHttpClient.layerUndici]
  ] as const) {
    it.scopedLive(`keeps the prefix on every path, signed POST and GET alike (${name})`, () =>
      Effect.gen(function* () {
        const mock = yield* mockServer
        const gateway = yield* reverseProxy(mock.url)
        const client = BybitClient.layer({ credentials: hmacCredentials(), baseUrl: `${gateway.url}/bybit` }).pipe(
          Layer.provide(transport)
        )
        const page = yield* Effect.gen(function* () {
          yield* Withdrawals.cancel({ id: "10197" })
          return yield* Withdrawals.list({ withdrawID: "10197", withdrawType: 2 })
        }).pipe(Effect.provide(client))
        expect(page.rows.map((row) => row.status)).toEqual(["CancelByUser"])
        expect(gateway.seen).toEqual([
          "GET /bybit/v5/market/time",
          `POST /bybit${Withdrawals.cancelPath}`,
          `GET /bybit${Withdrawals.listPath}?withdrawID=10197&withdrawType=2`
        ])
        // The mock verified both signatures on the paths without the prefix.
        expect(mock.exchange.requests().map((r) => [r.path, r.retCode])).toEqual([
          ["/v5/market/time", 0],
          [Withdrawals.cancelPath, 0],
          [Withdrawals.listPath, 0]
        ])
      })
    )
  }

  it.scopedLive("a trailing slash on the prefixed base URL changes nothing", () =>
    Effect.gen(function* () {
      const mock = yield* mockServer
      const gateway = yield* reverseProxy(mock.url)
      yield* Withdrawals.cancel({ id: "10197" }).pipe(
        Effect.provide(
          BybitClient.layer({ credentials: hmacCredentials(), baseUrl: `${gateway.url}/bybit/` }).pipe(
            Layer.provide(FetchHttpClient.layer)
          )
        )
      )
      expect(gateway.seen).toContain(`POST /bybit${Withdrawals.cancelPath}`)
      expect(mock.exchange.withdrawal("10197")?.status).toBe("CancelByUser")
    })
  )
})
