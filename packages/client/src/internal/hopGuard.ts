/**
 * What the transport runs under, for each request: only the request the client built leaves, and
 * the spans the transport makes keep no server-chosen header (`internal/httpSpan.ts`).
 *
 * The client never follows a redirect, but an `HttpClient` wrapper of the caller's (Effect's
 * `HttpClient.followRedirects`) would re-send the signed request, API key and signature included, to
 * whatever a 3xx's `Location` names, before the client sees any answer. Every platform transport is
 * made with `HttpClient.make`, which asks the fiber's `currentTracerDisabledWhen` predicate about
 * each request before sending it; the client puts a predicate there (and the tracer on, so that it
 * is asked) that stops any request other than its own. Stopping is a throw, the only way out of a
 * predicate: `guard` turns it back into a value, never a defect. A wrapper that installs a predicate
 * of its own below the client's goes unguarded; the answer check of `request.ts` still refuses what
 * comes back for another address.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { withSafeTracer } from "./httpSpan.js"

/** Thrown by the predicate when a request other than the client's own was about to be sent. */
class ForeignHop {
  constructor(readonly url: string) {}
}

/** The same query parameters, in the same order (usually both empty, or the very same array). */
const sameParams = (a: UrlParams.UrlParams, b: UrlParams.UrlParams): boolean => {
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
 * is never sent, and `execute` ends with `onForeign(itsUrl)` instead. With `traced`, the transport's
 * `http.client` span is made through the header-safe tracer, and kept or dropped as the program asked
 * (tracer on or off, its own `currentTracerDisabledWhen`); without, it is dropped.
 *
 * The three fiber settings are made, and undone, in one change of the fiber's `FiberRefs` each way,
 * in an uninterruptible step (`Effect.locally` per setting costs a dozen operations and a copy of
 * every `FiberRef`, each, on every request; `bench/ops.ts` counts them).
 */
export const guard = <A, E, R, B>(
  execute: Effect.Effect<A, E, R>,
  sent: HttpClientRequest.HttpClientRequest,
  traced: boolean,
  onForeign: (url: string) => B
): Effect.Effect<A | B, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A | B, E, R>((fiber) => {
      const tracerEnabled = fiber.getFiberRef(FiberRef.currentTracerEnabled)
      const disabledWhen = fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)
      const services = fiber.getFiberRef(DefaultServices.currentServices)
      const untraced = !traced || !tracerEnabled
      const predicate = (request: HttpClientRequest.HttpClientRequest): boolean => {
        if (!sameTarget(request, sent)) throw new ForeignHop(request.url)
        return untraced || disabledWhen(request)
      }
      const settings = (
        enabled: boolean,
        when: (request: HttpClientRequest.HttpClientRequest) => boolean,
        tracerServices: typeof services
      ) =>
        Effect.updateFiberRefs((id, refs) =>
          FiberRefs.updateManyAs(refs, {
            entries: [
              [FiberRef.currentTracerEnabled, [[id, enabled]]],
              [HttpClient.currentTracerDisabledWhen, [[id, when]]],
              [DefaultServices.currentServices, [[id, tracerServices]]]
            ]
          })
        )
      return Effect.zipRight(
        settings(true, predicate, untraced ? services : withSafeTracer(services)),
        Effect.matchCauseEffect(restore(execute), {
          onSuccess: (value) => Effect.as(settings(tracerEnabled, disabledWhen, services), value as A | B),
          onFailure: (cause) => {
            const defect = Cause.dieOption(cause)
            return Effect.zipRight(
              settings(tracerEnabled, disabledWhen, services),
              defect._tag === "Some" && defect.value instanceof ForeignHop
                ? Exit.succeed(onForeign(defect.value.url))
                : Exit.failCause(cause)
            )
          }
        })
      )
    })
  )
