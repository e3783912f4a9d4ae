/**
 * Only the request the client built leaves it. The client never follows a redirect, but an
 * `HttpClient` wrapper of the caller's (Effect's `HttpClient.followRedirects`) would re-send the
 * signed request, API key and signature included, to whatever a 3xx's `Location` names, before the
 * client sees any answer. Every platform transport is made with `HttpClient.make`, which asks the
 * fiber's `currentTracerDisabledWhen` predicate about each request before sending it; the client
 * puts a predicate there (and the tracer on, so that it is asked) that stops any request other than
 * its own. Stopping is a throw, the only way out of a predicate: `guard` turns it back into a
 * `RedirectRefused` (`internal/request.ts`), never a defect. A wrapper that installs a predicate of
 * its own below the client's goes unguarded; the answer check of `request.ts` still refuses what comes
 * back from another address.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"

/** Thrown by the predicate when a request other than the client's own was about to be sent. */
export class ForeignHop {
  constructor(readonly url: string) {}
}

/** The same query parameters, in the same order (usually both empty, or the very same array). */
export const sameParams = (a: UrlParams.UrlParams, b: UrlParams.UrlParams): boolean => {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false
  return true
}

/** Whether `request` is `sent` as far as where it goes: the same URL and query parameters. */
export const sameTarget = (request: HttpClientRequest.HttpClientRequest, sent: HttpClientRequest.HttpClientRequest) =>
  request.url === sent.url && sameParams(request.urlParams, sent.urlParams)

/**
 * Runs `execute` (an `HttpClient.execute` of `sent`) so that no other request leaves: one that would
 * is never sent, and `execute` ends with `onForeign(itsUrl)` instead. The `http.client` span is kept
 * as the program asked (tracer on or off, the program's own `currentTracerDisabledWhen`), and dropped
 * when `traced` is false.
 */
export const guard = <A, E, R, B>(
  execute: Effect.Effect<A, E, R>,
  sent: HttpClientRequest.HttpClientRequest,
  traced: boolean,
  onForeign: (url: string) => B
): Effect.Effect<A | B, E, R> =>
  Effect.withFiberRuntime<A | B, E, R>((fiber) => {
    const tracerEnabled = fiber.getFiberRef(FiberRef.currentTracerEnabled)
    const disabledWhen = fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)
    const untraced = !traced || !tracerEnabled
    const predicate = (request: HttpClientRequest.HttpClientRequest): boolean => {
      if (!sameTarget(request, sent)) throw new ForeignHop(request.url)
      return untraced || disabledWhen(request)
    }
    return execute.pipe(
      Effect.locally(HttpClient.currentTracerDisabledWhen, predicate),
      Effect.locally(FiberRef.currentTracerEnabled, true),
      Effect.catchSomeDefect((defect) =>
        defect instanceof ForeignHop ? Option.some(Effect.succeed(onForeign(defect.url))) : Option.none()
      )
    )
  })
