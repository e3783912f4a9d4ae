/**
 * What the transport runs under, for each attempt: a request carrying the client's credentials
 * leaves once, to the address the client built, as far as the two checks below can see (what they
 * cannot: the client README, "Redirects are never followed"); the spans the transport makes keep no
 * server-chosen header (`internal/httpSpan.ts`).
 *
 * The client never follows a redirect, but an `HttpClient` wrapper of the caller's (Effect's
 * `HttpClient.followRedirects`, a URL rewrite, a retry) would send the signed request, API key and
 * signature included, again or elsewhere, before the client sees any answer. Two checks stop such a
 * request before it is sent, with the same rule (`Gate`):
 * - every platform transport is made with `HttpClient.make`, which asks the fiber's
 *   `currentTracerDisabledWhen` predicate about each request before sending it: the client puts its
 *   predicate there, and the tracer on so that it is asked. A wrapper inside the client's that sets
 *   either back (`withTracerDisabledWhen`, `Effect.withTracerEnabled(false)`) silences this check;
 * - `FetchHttpClient` takes its `fetch` from the fiber's context on each request: the client's
 *   checks the URL and headers it is handed, whatever the tracer settings (a `fetch` a wrapper puts
 *   in its place is not checked).
 * Neither is there for a request a wrapper runs outside the calling fiber (another runtime).
 * Stopping is a throw (from the predicate) or a rejected `fetch`; `guard` hands back `Stopped`
 * instead of a response. Any other defect of the transport (e.g. `followRedirects` reading a
 * `Location` the URL parser refuses) becomes a `RequestError`, never a defect of the program.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import { setting, withFiberRefs } from "./fiberRefs.js"
import { withSafeTracer, withSilentTracer } from "./httpSpan.js"

/** Why a request was stopped: where it was going (again, or elsewhere). */
class ForeignHop {
  constructor(readonly url: string) {}
}

/** A `fetch` followed a redirect itself (whatever it was told): its answer is from `url`. */
class FollowedHop {
  constructor(
    readonly url: string,
    readonly status: number
  ) {}
}

/** The `cause` of the `RequestError` a defect of the transport becomes (`request.ts` reads it). */
export class TransportDefect {
  constructor(readonly cause: unknown) {}
}

/**
 * What `guard` hands back instead of a response: a request it stopped before it was sent, or (with
 * `httpStatus`) an answer a `fetch` got by following a redirect itself, its body never read.
 */
export interface Stopped {
  readonly _tag: "Stopped"
  /**
   * Where the request was going (a URL the server or a wrapper chose: name its origin only);
   * `undefined` for a redirect a browser's `fetch` left unfollowed and unreadable (an ordinary 3xx).
   */
  readonly url: string | undefined
  /** The status of the answer a `fetch` followed a redirect to (the request was sent there). */
  readonly httpStatus: number | undefined
}

/** The same query parameters, in the same order (usually both empty, or the very same array). */
const sameParams = (a: UrlParams.UrlParams, b: UrlParams.UrlParams): boolean => {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false
  return true
}

/** Whether `request` goes where `sent` goes: the same URL, query parameters and fragment. */
export const sameTarget = (request: HttpClientRequest.HttpClientRequest, sent: HttpClientRequest.HttpClientRequest) =>
  request.url === sent.url &&
  sameParams(request.urlParams, sent.urlParams) &&
  Option.getOrUndefined(request.hash) === Option.getOrUndefined(sent.hash)

/** The full URL a request is sent to, as the platform builds it. */
const hrefOf = (request: HttpClientRequest.HttpClientRequest): string =>
  Either.match(UrlParams.makeUrl(request.url, request.urlParams, request.hash), {
    onLeft: () => request.url,
    onRight: (url) => url.href
  })

/** A header's value in a record whatever the case of its name (the platform's are lower-case). */
const headerIn = (record: Readonly<Record<string, string>>, name: string): string | undefined => {
  const exact = record[name]
  if (exact !== undefined) return exact
  for (const key in record) if (key.toLowerCase() === name) return record[key]
  return undefined
}

/** A header's value in any form `fetch` takes headers in. */
const headerOf = (headers: RequestInit["headers"], name: string): string | undefined => {
  if (headers === undefined) return undefined
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  if (Array.isArray(headers)) return headers.find((entry) => entry[0]?.toLowerCase() === name)?.[1]
  return headerIn(headers as Record<string, string>, name)
}

/**
 * The rule for one attempt, asked once per request by each check (`hook` 0: the predicate, 1: the
 * `fetch`): a request that carries the client's API key or signature (header names and the
 * signature's letters in any case) goes only once, and only to the address the client built. Any
 * other request passes: a wrapper's own (e.g. fetching a proxy token), or an unsigned request of the
 * client's (the server time), which carry nothing to protect; an answer for another address is
 * refused after (`request.ts`).
 */
class Gate {
  /** Whether the `fetch` check has let the client's request through already. */
  private fetched = false
  /** The requests the predicate has let through, and their headers objects. */
  private readonly passed: Array<HttpClientRequest.HttpClientRequest> = []
  private readonly passedHeaders: Array<unknown> = []
  private sentHref: string | undefined
  private readonly apiKey: string | undefined
  private readonly signature: string | undefined
  constructor(private readonly sent: HttpClientRequest.HttpClientRequest) {
    this.apiKey = sent.headers["x-bapi-api-key"]
    this.signature = sent.headers["x-bapi-sign"]?.toLowerCase()
  }
  private carriesCredentials(header: (name: string) => string | undefined): boolean {
    if (this.apiKey === undefined) return false
    return header("x-bapi-api-key") === this.apiKey || header("x-bapi-sign")?.toLowerCase() === this.signature
  }
  /** The full URL of the client's request, built once (only the `fetch` check needs it). */
  private sentTarget(): string {
    if (this.sentHref === undefined) this.sentHref = hrefOf(this.sent)
    return this.sentHref
  }
  /**
   * The predicate may be asked more than once about one send: each `HttpClient.make` on the way
   * asks (a pass-through middleware made with `make` is two), about the very request, or about a
   * copy with the trace headers added (new headers). A request sent again is a new request with the
   * very headers of one let through (`followRedirects` and `setUrl` keep them).
   */
  predicate(request: HttpClientRequest.HttpClientRequest): void {
    if (!this.carriesCredentials((name) => headerIn(request.headers, name))) return
    const again = !this.passed.includes(request) && this.passedHeaders.includes(request.headers)
    if (again || !sameTarget(request, this.sent)) throw new ForeignHop(hrefOf(request))
    this.passed.push(request)
    this.passedHeaders.push(request.headers)
  }
  /** `fetch` is called once per request sent: a second call with the credentials sends it again. */
  fetch(input: string | URL | Request, init: RequestInit | undefined): void {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
    const headers = init?.headers ?? (input instanceof Request ? input.headers : undefined)
    if (!this.carriesCredentials((name) => headerOf(headers, name))) return
    if (this.fetched || href !== this.sentTarget()) throw new ForeignHop(href)
    this.fetched = true
  }
}

/**
 * The context the transport runs with: for `FetchHttpClient`, which reads its `fetch` from the
 * context on each request, the client's: checked
 * (`Gate`), never following a redirect, calling the `fetch` of the request's context if it has one
 * (as the transport would), else the one where the client was built, else the global one. (Not a
 * `RequestInit`: the transport merges the context its layer was built with under the request's, so
 * one set here would hide the caller's, e.g. a proxy `dispatcher` given to `FetchHttpClient.layer`.)
 */
const transportContext = (
  context: Context.Context<never>,
  gate: Gate,
  options: { readonly fetch: typeof globalThis.fetch | undefined }
): Context.Context<never> => {
  const send = manualFetch(Context.getOrElse(context, FetchHttpClient.Fetch, () => options.fetch ?? globalThis.fetch))
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    try {
      gate.fetch(input, init)
    } catch (stop) {
      return Promise.reject(stop)
    }
    return send(input, init)
  }) as typeof globalThis.fetch
  return Context.add(context, FetchHttpClient.Fetch, fetch)
}

/** The stop behind a failure, if it is one (what a wrapper failed with may throw when read: not one). */
const stoppedBy = (cause: Cause.Cause<HttpClientError.HttpClientError>): Stopped | undefined => {
  try {
    const defect = Cause.dieOption(cause)
    const failure = Cause.failureOption(cause)
    const stop = defect._tag === "Some" ? defect.value : failure._tag === "Some" ? failure.value.cause : undefined
    if (stop instanceof ForeignHop) return { _tag: "Stopped", url: stop.url, httpStatus: undefined }
    if (stop instanceof FollowedHop) return { _tag: "Stopped", url: stop.url, httpStatus: stop.status }
    if (stop instanceof OpaqueRedirect) return { _tag: "Stopped", url: undefined, httpStatus: undefined }
    return undefined
  } catch {
    return undefined
  }
}

/** A browser's answer to `redirect: "manual"`: a redirect it did not follow (status 0, no headers). */
class OpaqueRedirect {}

/**
 * `fetch` as the client calls it: never following a redirect itself (`redirect: "manual"`). An
 * answer from elsewhere all the same (a `fetch` that ignores that, or hands back another URL's
 * answer) is refused, its body cancelled; an answer that cannot be read as a `Response` is a defect
 * of the transport (`TransportDefect`: not retried, as a network failure would be).
 */
const manualFetch =
  (fetch: typeof globalThis.fetch) =>
  (input: string | URL | Request, init: RequestInit | undefined): Promise<Response> => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
    return fetch(input, { ...init, redirect: "manual" }).then((response) => {
      let followed: FollowedHop | undefined
      try {
        if (response.type === "opaqueredirect") throw new OpaqueRedirect()
        const url = typeof response.url === "string" ? response.url : ""
        if (response.redirected || (url !== "" && url !== href && new URL(url).href !== new URL(href).href)) {
          followed = new FollowedHop(url, response.status)
        }
      } catch (error) {
        throw error instanceof OpaqueRedirect ? error : new TransportDefect(error)
      }
      if (followed === undefined) return response
      try {
        void response.body?.cancel().catch(() => undefined)
      } catch {
        // A body that cannot be cancelled is left to the collector: the answer is refused either way.
      }
      throw followed
    })
  }

/**
 * Runs `execute` (an `HttpClient.execute` of `sent`) under the checks above: a request they stop
 * is never sent, and `execute` ends with `Stopped` instead. `fetch` is what `FetchHttpClient` sends
 * with (never following a redirect itself). With `traced`, the `http.client` span is made through
 * the header-safe tracer, and kept or dropped as the program asked (tracer on or off, its own
 * `currentTracerDisabledWhen`); without, it is dropped. With the program's tracer off, the tracer
 * is on only for the predicate to be asked: spans made inside `execute` go to a silent tracer.
 */
export const guard = (
  execute: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>,
  sent: HttpClientRequest.HttpClientRequest,
  options: {
    readonly traced: boolean
    /** The `fetch` in the context where the client was built, if any (else the request's, else the global one). */
    readonly fetch: typeof globalThis.fetch | undefined
    /** Scrubs a text of the request's secrets (the signature included), cut to `limit` characters. */
    readonly scrub: (text: string, limit?: number) => string
  }
): Effect.Effect<HttpClientResponse.HttpClientResponse | Stopped, HttpClientError.HttpClientError> => {
  const gate = new Gate(sent)
  const traced = options.traced
  return withFiberRefs(
    Effect.matchCauseEffect(execute, {
      onSuccess: Exit.succeed,
      onFailure: (cause) => {
        const stop = stoppedBy(cause)
        if (stop !== undefined) return Exit.succeed(stop)
        // Not this fiber's own interruption (that skips this handler: it runs interruptible), so an
        // interruption here is the transport's or a wrapper's, and as much a fault as a defect.
        const defect = Cause.dieOption(cause)
        if (defect._tag === "None" && !Cause.isInterrupted(cause)) return Exit.failCause(cause)
        return Exit.fail(
          new HttpClientError.RequestError({
            request: sent,
            reason: "Transport",
            cause: new TransportDefect(
              defect._tag === "Some" ? defect.value : new Error("the HttpClient interrupted its own request")
            )
          })
        )
      }
    }),
    (fiber) => {
      const tracerEnabled = fiber.getFiberRef(FiberRef.currentTracerEnabled)
      const disabledWhen = fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)
      const services = fiber.getFiberRef(DefaultServices.currentServices)
      const untraced = !traced || !tracerEnabled
      return [
        setting(FiberRef.currentTracerEnabled, true),
        setting(HttpClient.currentTracerDisabledWhen, (request: HttpClientRequest.HttpClientRequest) => {
          gate.predicate(request)
          return untraced || disabledWhen(request)
        }),
        setting(
          DefaultServices.currentServices,
          !tracerEnabled ? withSilentTracer(services) : traced ? withSafeTracer(services, options.scrub) : services
        ),
        setting(FiberRef.currentContext, transportContext(fiber.getFiberRef(FiberRef.currentContext), gate, options))
      ]
    }
  )
}
