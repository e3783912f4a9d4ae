/**
 * The core of the mock exchange: one raw request in, one answer out. It knows nothing of MSW,
 * `node:http` or Effect; each of those is a thin adapter that turns its own request into a
 * `MockRequest` and writes the `MockAnswer` back.
 */
import type {
  Fault,
  MockAnswer,
  MockClock,
  MockNetworkError,
  MockRequest,
  MockResponse,
  PrivateEndpoint,
  RecordedRequest
} from "../models.js"
import { type AccountEntry, authenticate } from "./auth.js"
import { Codes, Messages } from "./codes.js"
import { type Outcome, outcome, render } from "./envelope.js"
import { type FaultQueue, renderStandalone, truncate } from "./faults.js"
import { type Journal, journalHeaders } from "./journal.js"
import { isJsonContentType, parseJsonObject } from "./params.js"
import { type RateLimiter, rateLimitHeaders } from "./rateLimit.js"
import { ROUTES, type Route, type RouteAnswer } from "./routes.js"
import type { Store } from "./state.js"

/**
 * What the core works on.
 *
 * @since 0.1.0
 * @category models
 */
export interface CoreDeps {
  readonly accounts: ReadonlyMap<string, AccountEntry>
  /**
   * The withdrawals and rate-limit windows. Read when a request is decided, never captured: a reset
   * during a `Latency` delay replaces them, and the delayed request must see the new ones.
   */
  readonly state: { readonly store: Store; readonly limiter: RateLimiter }
  readonly clock: MockClock
  readonly faults: FaultQueue
  readonly clientIp: string
  readonly journal: Journal
  /** Bodies larger than this many bytes get HTTP 413. */
  readonly maxBodyBytes: number
}

const ROUTE_TABLE = new Map<string, Route>(ROUTES.map((r) => [`${r.method} ${r.path}`, r]))
const KNOWN_PATHS = new Set(ROUTES.map((r) => r.path))
const NETWORK_ERROR: MockNetworkError = { _tag: "NetworkError" }

const byteLength = (body: Uint8Array | string): number =>
  typeof body === "string" ? Buffer.byteLength(body) : body.length

/**
 * The pipeline every adapter shares: body cap, faults, auth, rate limit, parameters, state, journal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCore = (deps: CoreDeps): ((request: MockRequest) => MockAnswer) => {
  const { clock, state } = deps

  const unknownRoute = (method: string, path: string, now: number): Outcome =>
    KNOWN_PATHS.has(path)
      ? outcome(now, Codes.routeNotFound, `${Messages.routeNotFound}: ${method} is not allowed on ${path}`, {
          status: 400
        })
      : outcome(now, Codes.routeNotFound, Messages.routeNotFound, { status: 404 })

  const privateHeaders = (entry: AccountEntry | undefined, endpoint: PrivateEndpoint, now: number) =>
    entry === undefined ? {} : rateLimitHeaders(state.limiter.peek(entry.account.uid, endpoint, now))

  const answer = (route: Route, request: MockRequest, body: string, now: number): Outcome => {
    const from = (a: RouteAnswer, headers: Record<string, string>): Outcome =>
      outcome(now, a.retCode, a.retMsg, { result: a.result ?? {}, status: a.status ?? 200, headers })
    const run = (uid: string, headers: Record<string, string>): Outcome => {
      let json: Record<string, unknown> = {}
      if (route.method === "POST") {
        if (!isJsonContentType(request.headers.get("content-type") ?? null)) {
          return outcome(now, Codes.paramError, "Content-Type must be application/json", { headers })
        }
        const parsed = parseJsonObject(body)
        if (!parsed.ok) return outcome(now, Codes.paramError, parsed.message, { headers })
        json = parsed.value
      }
      return from(route.run({ now, uid, json, query: request.query, store: state.store }), headers)
    }
    const endpoint = route.endpoint
    if (endpoint === undefined) return run("", {})
    const auth = authenticate(deps.accounts, {
      headers: request.headers,
      payload: route.method === "POST" ? body : request.query,
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
    const decision = state.limiter.take(auth.entry.account.uid, endpoint, now)
    const headers = rateLimitHeaders(decision)
    if (!decision.allowed) return outcome(now, Codes.tooManyVisits, Messages.tooManyVisits, { headers })
    return run(auth.entry.account.uid, headers)
  }

  return (request) => {
    const { method, path, query } = request
    const apiKey = request.headers.get("x-bapi-api-key") ?? undefined
    const arrived = clock.now()
    const bodyBytes = request.bodyBytes ?? byteLength(request.body)
    const headers = journalHeaders(request.headers)
    const record = (
      entry: Pick<RecordedRequest, "retCode" | "httpStatus" | "fault" | "body">,
      response: MockResponse | MockNetworkError
    ): void =>
      deps.journal.push({
        method,
        path,
        query,
        queryLength: query.length,
        apiKey,
        headers,
        bodyBytes,
        time: arrived,
        responseBody: response._tag === "Response" ? response.body : "",
        ...entry
      })

    // A body over the cap is neither parsed nor kept (nginx answers 413 before the upstream sees it).
    if (bodyBytes > deps.maxBodyBytes) {
      const tooLarge = outcome(
        arrived,
        Codes.paramError,
        `request body too large: ${bodyBytes} bytes, the limit is ${deps.maxBodyBytes}`,
        { status: 413 }
      )
      const response = render(tooLarge)
      record({ retCode: tooLarge.envelope.retCode, httpStatus: 413, fault: undefined, body: "" }, response)
      return response
    }
    const body =
      method === "GET" || method === "HEAD"
        ? ""
        : typeof request.body === "string"
          ? request.body
          : // Buffer's decoder: several times cheaper than TextDecoder on bodies this small.
            Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString("utf8")
    const route = ROUTE_TABLE.get(`${method} ${path}`)
    let json: Record<string, unknown> | null | undefined = null
    const fault: Fault | undefined = deps.faults.take({
      method,
      path,
      private: route?.endpoint !== undefined,
      query,
      json: () => {
        if (json === null) {
          const parsed = body === "" ? undefined : parseJsonObject(body)
          json = parsed?.ok === true ? parsed.value : undefined
        }
        return json
      }
    })

    // A faulted envelope on a private route carries the rate-limit headers a real answer of that
    // path would (the state is peeked, not counted: a faulted request is not handled).
    const withLimitHeaders = (response: MockResponse | MockNetworkError, f: Fault): MockResponse | MockNetworkError => {
      const envelopeFault = f._tag === "RetCode" || f._tag === "CancelStatusZero" || f._tag === "MissingFields"
      const entry = apiKey === undefined ? undefined : deps.accounts.get(apiKey)
      if (response._tag !== "Response" || !envelopeFault || route?.endpoint === undefined || entry === undefined) {
        return response
      }
      return { ...response, headers: { ...response.headers, ...privateHeaders(entry, route.endpoint, clock.now()) } }
    }

    const handle = (): MockResponse | MockNetworkError => {
      if (fault !== undefined) {
        const standalone = renderStandalone(fault, clock.now())
        if (standalone !== undefined) {
          const response = withLimitHeaders(standalone.response, fault)
          record(
            {
              retCode: standalone.retCode,
              httpStatus: response._tag === "Response" ? response.status : 0,
              fault: fault._tag,
              body
            },
            response
          )
          return response
        }
      }
      const now = clock.now()
      const result = route === undefined ? unknownRoute(method, path, now) : answer(route, request, body, now)
      const rendered = render(result)
      if (fault?._tag === "LoseResponse") {
        // The answer the client never got is journaled as it was decided.
        record({ retCode: result.envelope.retCode, httpStatus: 0, fault: fault._tag, body }, rendered)
        return NETWORK_ERROR
      }
      const response = fault?._tag === "TruncatedBody" ? { ...rendered, body: truncate(rendered.body) } : rendered
      record({ retCode: result.envelope.retCode, httpStatus: result.status, fault: fault?._tag, body }, response)
      return response
    }

    return fault?._tag === "Latency" ? { _tag: "Delay", ms: fault.ms, resume: handle } : handle()
  }
}
