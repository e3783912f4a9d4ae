/**
 * The client's one contact with `effect/http` (`@stability unstable` in Effect 4): the caller's
 * `HttpClient` taken once, requests built, credential headers redacted, redirects refused, the
 * capped body read. What an answer means is decided by `@effect-bybit/core` (in `client.ts`).
 */
import type { Answer } from "@effect-bybit/core"
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

/** One request as the client builds it: the URL is final (query included), the body JSON text. */
export interface Outgoing {
  readonly method: "GET" | "POST"
  /** The endpoint's path (without the base URL's). */
  readonly path: string
  readonly url: string
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
}

/** An answer to our URL, or one for another URL (a wrapper followed a redirect). */
export type Received =
  | {
      readonly _tag: "Answer"
      readonly status: number
      readonly headers: Readonly<Record<string, string | undefined>>
      readonly body: Body
    }
  | { readonly _tag: "ForeignUrl" }

/** No answer: the transport's own words, unscrubbed. */
export interface NoAnswer {
  readonly _tag: "NoAnswer"
  readonly detail: string
}

/** Every header but these is `<redacted>` in the platform's spans and logs. */
const REDACTED: ReadonlyArray<string | RegExp> = [
  "x-bapi-api-key",
  "x-bapi-sign",
  /^(?!(?:content-type|content-length|date|retry-after|x-bapi-timestamp|x-bapi-recv-window|x-bapi-limit|x-bapi-limit-status|x-bapi-limit-reset-timestamp|traceparent|b3)$)/i
]

/** A body as read for `Answer.classify`: its text, or that it was over the cap. */
type Body = Answer.Answer["body"]

const TOO_LARGE: Body = { _tag: "TooLarge" }
const FOREIGN_URL: Received = { _tag: "ForeignUrl" }

/** No body at all (fetch's `null` body for 204, 205, 304) is an empty one: the status decides. */
const emptyWhenNone = (error: HttpClientError.HttpClientError) =>
  error.reason._tag === "EmptyBodyError" ? Effect.succeed("") : Effect.fail(error)

/** Opens a body and cancels it at once (frees the connection), never reading it. */
const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Effect.ignore(Stream.runForEachWhile(response.stream, () => Effect.succeed(false)))

/**
 * Reads at most `maxBytes` of a body. A `Content-Length` (without a `Content-Encoding`, which fetch
 * decompresses past it) lets the transport read it at once; otherwise it is streamed and counted.
 */
const read = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  maxBytes: number
): Effect.Effect<Body, HttpClientError.HttpClientError> => {
  const length = headers["content-length"]
  const encoding = headers["content-encoding"]
  if (length !== undefined && /^\d{1,15}$/.test(length) && (encoding === undefined || encoding === "identity")) {
    return Number(length) > maxBytes
      ? Effect.as(discard(response), TOO_LARGE)
      : Effect.catch(response.text, emptyWhenNone)
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  return response.stream.pipe(
    Stream.runForEachWhile((chunk) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
      return Effect.succeed(size <= maxBytes)
    }),
    Effect.map(() => (size > maxBytes ? TOO_LARGE : Buffer.concat(chunks).toString("utf8"))),
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

/** Takes the `HttpClient` once (adjusted by `transformClient`); every attempt is sent through `send`. */
export const make = (options: {
  readonly baseUrl: string
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  readonly maxResponseBytes: number
}) =>
  Effect.gen(function* () {
    const given = yield* HttpClient.HttpClient
    // Only the configured origin goes through: a `transformClient` that follows redirects sends its
    // second request through here too, refused before anything is sent, so no other host sees it.
    const { origin, pathname } = new URL(options.baseUrl)
    const basePath = pathname.replace(/\/+$/, "")
    const guarded = HttpClient.makeWith(
      (request: Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>) =>
        Effect.flatMap(request, (request) =>
          URL.parse(request.url)?.origin === origin
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
    // fetch follows redirects unless told not to (the other transports never do): every call says
    // `redirect: "manual"`, to the caller's `Fetch` if one is provided, else to the global fetch,
    // looked up per call so that one patched later (MSW) is used.
    const builtWith = yield* FetchHttpClient.Fetch
    const callerFetch = builtWith === globalThis.fetch ? undefined : builtWith
    const manualFetch: typeof globalThis.fetch = (input, init) =>
      (callerFetch ?? globalThis.fetch)(input, { ...init, redirect: "manual" })

    // The credential headers, and every header that does not say what happened (an answer's may
    // echo what it was sent), redacted in the platform's spans and logs; the caller's names kept.
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
      const request =
        out.method === "POST"
          ? HttpClientRequest.post(out.url, {
              headers: out.headers,
              body: HttpBody.text(out.body ?? "", "application/json")
            })
          : HttpClientRequest.get(out.url, { headers: out.headers })
      return httpClient.execute(request).pipe(
        Effect.flatMap((response) => {
          if (response.request.url !== request.url) return Effect.as(discard(response), FOREIGN_URL)
          // Read once: a transport may build its headers on every read.
          const headers = response.headers
          return Effect.map(
            read(response, headers, options.maxResponseBytes),
            (body): Received => ({ _tag: "Answer", status: response.status, headers, body })
          )
        }),
        Effect.updateContext(shaped),
        Effect.catch((error) =>
          error.reason._tag === "InvalidUrlError" && error.reason.description === FOREIGN
            ? Effect.succeed(FOREIGN_URL)
            : Effect.fail<NoAnswer>({ _tag: "NoAnswer", detail: transportDetail(error) })
        )
      )
    }

    // The platform's `http.client` span is off for these requests (TracerDisabledWhen): its end
    // status holds the request, headers included, and a tracer may print it later, outside this
    // fiber's redacted names. This span says the same (method, URL, status) and nothing more.
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
            attributes: { "http.request.method": out.method, "url.full": out.url, "url.path": basePath + out.path }
          },
          { captureStackTrace: false }
        ),
        Effect.flatMap(() => outcome!)
      )
    }
    return { send }
  })
