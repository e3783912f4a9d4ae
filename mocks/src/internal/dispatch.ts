/** The request pipeline shared by every handler: faults, auth, rate limit, parameters, state, recording. */
import { HttpResponse } from "msw"
import type { Fault, MockClock, PrivateEndpoint, RecordedRequest } from "../models.js"
import { type AccountEntry, authenticate } from "./auth.js"
import { Codes, Messages } from "./codes.js"
import { type Outcome, outcome, toResponse } from "./envelope.js"
import { type FaultQueue, renderStandalone, sleep, truncate } from "./faults.js"
import { isJsonContentType, parseJsonObject } from "./params.js"
import { type RateLimiter, rateLimitHeaders } from "./rateLimit.js"
import { ROUTES, type Route, type RouteAnswer } from "./routes.js"
import type { Store } from "./state.js"

/**
 * What the request pipeline works on.
 *
 * @since 0.1.0
 * @category models
 */
export interface DispatchDeps {
  readonly accounts: ReadonlyMap<string, AccountEntry>
  readonly store: Store
  readonly clock: MockClock
  readonly limiter: RateLimiter
  readonly faults: FaultQueue
  readonly clientIp: string
  readonly log: Array<RecordedRequest>
}

/**
 * Answers a request matched to a route (`undefined`: unknown route).
 *
 * @since 0.1.0
 * @category models
 */
export type Dispatch = (request: Request, route: Route | undefined) => Promise<Response>

const KNOWN_PATHS = new Set(ROUTES.map((r) => r.path))

/**
 * The pipeline every handler shares: faults, auth, rate limit, parameters, state, recording.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDispatch = (deps: DispatchDeps): Dispatch => {
  const { clock, limiter, store } = deps

  const unknownRoute = (method: string, path: string, now: number): Outcome =>
    KNOWN_PATHS.has(path)
      ? outcome(now, Codes.routeNotFound, `${Messages.routeNotFound}: ${method} is not allowed on ${path}`, {
          status: 400
        })
      : outcome(now, Codes.routeNotFound, Messages.routeNotFound, { status: 404 })

  const privateHeaders = (entry: AccountEntry | undefined, endpoint: PrivateEndpoint, now: number) =>
    entry === undefined ? {} : rateLimitHeaders(limiter.peek(entry.account.uid, endpoint, now))

  const answer = (route: Route, request: Request, query: string, body: string, now: number): Outcome => {
    const from = (a: RouteAnswer, headers: Record<string, string>): Outcome =>
      outcome(now, a.retCode, a.retMsg, { result: a.result ?? {}, status: a.status ?? 200, headers })
    const run = (uid: string, headers: Record<string, string>): Outcome => {
      let json: Record<string, unknown> = {}
      if (route.method === "POST") {
        if (!isJsonContentType(request.headers.get("content-type"))) {
          return outcome(now, Codes.paramError, "Content-Type must be application/json", { headers })
        }
        const parsed = parseJsonObject(body)
        if (!parsed.ok) return outcome(now, Codes.paramError, parsed.message, { headers })
        json = parsed.value
      }
      return from(route.run({ now, uid, json, query, store }), headers)
    }
    const endpoint = route.endpoint
    if (endpoint === undefined) return run("", {})
    const auth = authenticate(deps.accounts, {
      headers: request.headers,
      payload: route.method === "POST" ? body : query,
      now,
      clientIp: deps.clientIp,
      requireWithdraw: route.requireWithdraw
    })
    if (auth._tag === "Rejected") {
      return outcome(now, auth.retCode, auth.retMsg, {
        status: auth.status,
        headers: privateHeaders(auth.entry, endpoint, now),
        ...(auth.nullBody ? { result: null, retExtInfo: null } : {})
      })
    }
    const decision = limiter.take(auth.entry.account.uid, endpoint, now)
    const headers = rateLimitHeaders(decision)
    if (!decision.allowed) return outcome(now, Codes.tooManyVisits, Messages.tooManyVisits, { headers })
    return run(auth.entry.account.uid, headers)
  }

  return async (request, route) => {
    const url = new URL(request.url)
    const path = url.pathname
    const query = url.search.startsWith("?") ? url.search.slice(1) : ""
    const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text()
    const apiKey = request.headers.get("x-bapi-api-key") ?? undefined
    const arrived = clock.now()
    const fault: Fault | undefined = deps.faults.take(path)
    const record = (retCode: number | undefined, httpStatus: number): void => {
      deps.log.push({
        method: request.method,
        path,
        query,
        body,
        apiKey,
        retCode,
        httpStatus,
        fault: fault?._tag,
        time: arrived
      })
    }
    if (fault !== undefined) {
      if (fault._tag === "Latency") await sleep(fault.ms)
      const standalone = renderStandalone(fault, clock.now())
      if (standalone !== undefined) {
        record(standalone.retCode, standalone.response.type === "error" ? 0 : standalone.response.status)
        return standalone.response.type === "error" ? HttpResponse.error() : standalone.response
      }
    }
    const now = clock.now()
    const result =
      route === undefined ? unknownRoute(request.method, path, now) : answer(route, request, query, body, now)
    if (fault?._tag === "LoseResponse") {
      record(result.envelope.retCode, 0)
      return HttpResponse.error()
    }
    record(result.envelope.retCode, result.status)
    const response = toResponse(result)
    if (fault?._tag === "TruncatedBody") {
      return new Response(truncate(JSON.stringify(result.envelope)), {
        status: result.status,
        headers: response.headers
      })
    }
    return response
  }
}
