/**
 * The client's one contact with `effect/http` (all of it `@stability unstable` in Effect 4): the
 * caller's `HttpClient` taken once, requests built, the credential headers redacted, redirects
 * refused at the transport, the capped body read. What an answer means is decided elsewhere
 * (`client.ts`, by `@effect-bybit/core`); this file hands over status, headers and text.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Headers from "effect/http/Headers"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"

/** A body read up to the cap: its text, or the fact that it was larger (and reading stopped). */
export type Body = { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "TooLarge" }

/** One request as the client builds it: the URL is final (query included), the body is JSON text. */
export interface Outgoing {
  readonly method: "GET" | "POST"
  readonly url: string
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
}

/** What came back: an answer to our URL, or an answer for another URL (a wrapper followed a redirect). */
export type Received =
  | {
      readonly _tag: "Answer"
      readonly status: number
      readonly headers: Readonly<Record<string, string | undefined>>
      readonly body: Body
    }
  | { readonly _tag: "ForeignUrl" }

/** No answer: the transport's own words (unscrubbed; the caller scrubs them). */
export interface NoAnswer {
  readonly _tag: "NoAnswer"
  readonly detail: string
}

export interface Transport {
  readonly send: (request: Outgoing) => Effect.Effect<Received, NoAnswer>
}

/** Every header but these is recorded as `<redacted>` in the platform's spans. */
const SHOWN_HEADERS =
  /^(?!(?:content-type|content-length|date|retry-after|x-bapi-timestamp|x-bapi-recv-window|x-bapi-limit|x-bapi-limit-status|x-bapi-limit-reset-timestamp|traceparent|b3)$)/i

const REDACTED: ReadonlyArray<string | RegExp> = ["x-bapi-api-key", "x-bapi-sign", SHOWN_HEADERS]

const TOO_LARGE: Body = { _tag: "TooLarge" }
const EMPTY: Body = { _tag: "Text", text: "" }

/**
 * No body at all (fetch's `Response.body` is `null` for 204, 205 and 304) is an empty body, as the
 * other transports read it: the status decides what it means, not the transport.
 */
const emptyWhenNone = (error: HttpClientError.HttpClientError): Effect.Effect<Body, HttpClientError.HttpClientError> =>
  error.reason._tag === "EmptyBodyError" ? Effect.succeed(EMPTY) : Effect.fail(error)

/** Opens a body and cancels it at once (frees the connection), never reading it. */
const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Effect.ignore(Stream.runForEachWhile(response.stream, () => Effect.succeed(false)))

/**
 * Reads a body, at most `maxBytes` of it. A `Content-Length` within the cap (and no
 * `Content-Encoding`, which fetch would decompress past it) lets the transport read the exact
 * length at once; otherwise the body is streamed and counted, and reading stops past the cap.
 */
const read = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Readonly<Record<string, string | undefined>>,
  maxBytes: number
): Effect.Effect<Body, HttpClientError.HttpClientError> => {
  const length = headers["content-length"]
  const encoding = headers["content-encoding"]
  if (length !== undefined && /^\d{1,15}$/.test(length) && (encoding === undefined || encoding === "identity")) {
    // Too large by its own length: open the body and cancel it at once (frees the connection).
    if (Number(length) > maxBytes) return Effect.as(discard(response), TOO_LARGE)
    return Effect.catch(
      Effect.map(response.text, (text): Body => ({ _tag: "Text", text })),
      emptyWhenNone
    )
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  return response.stream.pipe(
    Stream.runForEachWhile((chunk) => {
      size += chunk.length
      if (size > maxBytes) return Effect.succeed(false)
      chunks.push(chunk)
      return Effect.succeed(true)
    }),
    Effect.map((): Body => {
      if (size > maxBytes) return TOO_LARGE
      const bytes = new Uint8Array(size)
      let at = 0
      for (const chunk of chunks) {
        bytes.set(chunk, at)
        at += chunk.length
      }
      return { _tag: "Text", text: new TextDecoder().decode(bytes) }
    }),
    Effect.catch(emptyWhenNone)
  )
}

/** The transport's own words: the innermost errno code (`ECONNREFUSED`, `ERR_TLS_...`), else message. */
const transportDetail = (error: HttpClientError.HttpClientError): string => {
  let cause: unknown = error.reason.cause
  let code: string | undefined
  let message: string | undefined
  for (let depth = 0; depth < 6 && typeof cause === "object" && cause !== null; depth++) {
    const c = cause as { readonly code?: unknown; readonly message?: unknown; readonly cause?: unknown }
    if (typeof c.code === "string" && /^[A-Z][A-Z0-9_]{1,60}$/.test(c.code)) code = c.code
    if (typeof c.message === "string" && c.message !== "") message = c.message
    cause = c.cause
  }
  return code ?? message ?? error.reason.description ?? error.reason._tag
}

/** Marks the refusal of a request to another origin (see `make`). */
const FOREIGN = "@effect-bybit/client: a request to another origin than the configured base URL is never sent"

const always = () => true

/** The path of an absolute URL (the client's own: `scheme://host[:port]/path[?query]`). */
const pathOf = (url: string): string => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  if (start === -1) return "/"
  const query = url.indexOf("?", start)
  return query === -1 ? url.slice(start) : url.slice(start, query)
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

const toRequest = (out: Outgoing): HttpClientRequest.HttpClientRequest =>
  out.method === "POST"
    ? HttpClientRequest.post(out.url, {
        headers: out.headers,
        body: HttpBody.text(out.body ?? "", "application/json")
      })
    : HttpClientRequest.get(out.url, { headers: out.headers })

/**
 * Takes the `HttpClient` once (adjusted by `transformClient`) and returns the transport every
 * attempt goes through.
 */
export const make = (options: {
  readonly baseUrl: string
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  readonly maxResponseBytes: number
}): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const given = yield* HttpClient.HttpClient
    // Every request leaves through `given` only for the configured origin. A `transformClient` that
    // follows redirects (`HttpClient.followRedirects`) sends its second request through here too:
    // it is refused before anything is sent, so the signed headers never reach another host.
    const origin = new URL(options.baseUrl).origin
    const guarded = HttpClient.makeWith(
      (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
        Effect.flatMap(request, (request) =>
          originOf(request.url) === origin
            ? given.execute(request)
            : Effect.fail(
                new HttpClientError.HttpClientError({
                  reason: new HttpClientError.InvalidUrlError({ request, description: FOREIGN })
                })
              )
        ),
      Effect.succeed
    )
    const httpClient = options.transformClient === undefined ? guarded : options.transformClient(guarded)
    const { maxResponseBytes } = options
    // fetch follows redirects unless told not to; the other transports never do. The fetch the
    // client calls says so on every request; the caller's `RequestInit` (a proxy `dispatcher`)
    // still reaches it, and so does a `Fetch` of the caller's provided where the client is built.
    // The default `Fetch` is looked up on each call, so a fetch patched later (MSW) is the one used.
    const builtWith = yield* FetchHttpClient.Fetch
    const callerFetch = builtWith === globalThis.fetch ? undefined : builtWith
    const manualFetch: typeof globalThis.fetch = (input, init) =>
      (callerFetch ?? globalThis.fetch)(input, { ...init, redirect: "manual" })

    // One context change per request: the fetch above, and the credential headers redacted in every
    // span and log of the platform, as Effect's own clients do. Every other header is redacted too,
    // but those that say what happened: an answer's headers (a redirect's Location included) are
    // the server's text, and may echo what it was sent. The caller's own names are kept.
    let seenNames: ReadonlyArray<string | RegExp> | undefined
    let names: ReadonlyArray<string | RegExp> = REDACTED
    const shaped = (context: Context.Context<never>): Context.Context<never> => {
      const current = Context.get(context, Headers.CurrentRedactedNames)
      if (current !== seenNames) {
        seenNames = current
        names = [...current, ...REDACTED]
      }
      return Context.add(
        Context.add(Context.add(context, FetchHttpClient.Fetch, manualFetch), Headers.CurrentRedactedNames, names),
        HttpClient.TracerDisabledWhen,
        always
      )
    }

    const execute = (out: Outgoing): Effect.Effect<Received, NoAnswer> => {
      const request = toRequest(out)
      return httpClient.execute(request).pipe(
        Effect.flatMap((response): Effect.Effect<Received, HttpClientError.HttpClientError> => {
          // An answer for another URL than ours (a wrapper followed a redirect) is never a success.
          if (response.request.url !== request.url) {
            return Effect.as(discard(response), { _tag: "ForeignUrl" } as const)
          }
          const headers = response.headers
          return Effect.map(
            read(response, headers, maxResponseBytes),
            (body): Received => ({ _tag: "Answer", status: response.status, headers, body })
          )
        }),
        Effect.updateContext(shaped),
        Effect.catch((error) =>
          error.reason._tag === "InvalidUrlError" && error.reason.description === FOREIGN
            ? Effect.succeed<Received>({ _tag: "ForeignUrl" })
            : Effect.fail<NoAnswer>({ _tag: "NoAnswer", detail: transportDetail(error) })
        )
      )
    }

    // The platform's `http.client` span is turned off for these requests (TracerDisabledWhen above):
    // its end status holds the request, headers included, and a tracer that prints it later does
    // so outside this fiber, with Effect's default redacted names, which know nothing of Bybit's
    // X-BAPI-API-KEY and X-BAPI-SIGN. This span says the same (method, URL, status) and ends with
    // nothing but that: the answer is handed over outside it.
    const send = (out: Outgoing): Effect.Effect<Received, NoAnswer> => {
      let outcome: Exit.Exit<Received, NoAnswer> | undefined
      return execute(out).pipe(
        Effect.exit,
        Effect.flatMap((exit) => {
          outcome = exit
          if (exit._tag === "Failure") return Effect.annotateCurrentSpan("error.type", "NoAnswer")
          return exit.value._tag === "Answer"
            ? Effect.annotateCurrentSpan("http.response.status_code", exit.value.status)
            : Effect.annotateCurrentSpan("error.type", "RedirectRefused")
        }),
        Effect.withSpan(
          out.method,
          {
            kind: "client",
            attributes: { "http.request.method": out.method, "url.full": out.url, "url.path": pathOf(out.url) }
          },
          { captureStackTrace: false }
        ),
        Effect.flatMap(() => outcome!)
      )
    }
    return { send }
  })
