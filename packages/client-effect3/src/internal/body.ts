import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** A body read up to the cap: its text, or the fact that it was larger (and reading stopped). */
export type Body = { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "TooLarge" }

const TOO_LARGE: Body = { _tag: "TooLarge" }
const EMPTY: Body = { _tag: "Text", text: "" }

/**
 * No body at all (fetch's `Response.body` is `null` for 204, 205 and 304) is an empty body, as the
 * other transports read it: the status decides what it means (`classify`), not the transport.
 */
const emptyWhenNone = <E extends HttpClientError.ResponseError>(error: E): Effect.Effect<Body, E> =>
  error.reason === "EmptyBody" ? Effect.succeed(EMPTY) : Effect.fail(error)

/**
 * Reads a body, at most `maxBytes` of it. A `Content-Length` within the cap (and no
 * `Content-Encoding`, which fetch would decompress past it) lets the transport read the exact
 * length at once; otherwise the body is streamed and counted, and reading stops past the cap.
 */
export const read = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Readonly<Record<string, string | undefined>>,
  maxBytes: number
): Effect.Effect<Body, HttpClientError.ResponseError> => {
  const length = headers["content-length"]
  const encoding = headers["content-encoding"]
  if (length !== undefined && /^\d{1,15}$/.test(length) && (encoding === undefined || encoding === "identity")) {
    // Too large by its own length: open the body and cancel it at once (frees the connection).
    if (Number(length) > maxBytes) {
      return response.stream.pipe(
        Stream.runForEachWhile(() => Effect.succeed(false)),
        Effect.ignore,
        Effect.as(TOO_LARGE)
      )
    }
    return Effect.catchAll(
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
    Effect.catchAll(emptyWhenNone)
  )
}

/** Opens a body and cancels it at once (frees the connection), never reading it. */
export const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  response.stream.pipe(
    Stream.runForEachWhile(() => Effect.succeed(false)),
    Effect.ignore
  )
