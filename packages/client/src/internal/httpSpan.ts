/**
 * The platform's `http.client` span, made safe for what a server sends. `@effect/platform` records
 * every request and response header as an attribute `http.request.header.<name>` /
 * `http.response.header.<name>` and redacts values by name only (`Headers.currentRedactedNames`).
 * A server chooses the names and the values of the headers it answers with, so either could carry
 * what it was sent: the signature, or a secret. The span is kept (its URL, method, status, timing),
 * made through a tracer that lets a header attribute through only for a name of `KNOWN_HEADERS`, and
 * only with the value `<redacted>`. Every other attribute passes as it is. What the headers would
 * tell is on the attempt's own span, from values the client made or checked (`internal/observe.ts`).
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import type * as DefaultServices from "effect/DefaultServices"
import * as Exit from "effect/Exit"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { MAX_SCAN } from "./scrub.js"

/** Header names whose attribute is kept (with its value redacted): the client's and HTTP's usual ones. */
const KNOWN_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
  "server",
  "cache-control",
  "vary",
  "retry-after",
  "set-cookie",
  "user-agent",
  "x-bapi-api-key",
  "x-bapi-sign",
  "x-bapi-timestamp",
  "x-bapi-recv-window",
  "x-bapi-limit",
  "x-bapi-limit-status",
  "x-bapi-limit-reset-timestamp",
  "traceparent",
  "tracestate",
  "b3"
])

/** A span that keeps header attributes of known names only, each with the value `<redacted>`. */
class HeaderSafeSpan implements Tracer.Span {
  readonly _tag = "Span"
  constructor(
    private readonly span: Tracer.Span,
    private readonly scrub: (text: string, limit?: number) => string
  ) {}
  get name() {
    return this.span.name
  }
  get spanId() {
    return this.span.spanId
  }
  get traceId() {
    return this.span.traceId
  }
  get parent() {
    return this.span.parent
  }
  get context() {
    return this.span.context
  }
  get status() {
    return this.span.status
  }
  get attributes() {
    return this.span.attributes
  }
  get links() {
    return this.span.links
  }
  get sampled() {
    return this.span.sampled
  }
  get kind() {
    return this.span.kind
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.span.end(endTime, scrubbed(exit, this.scrub))
  }
  attribute(key: string, value: unknown): void {
    // `http.request.header.` and `http.response.header.` are 20 and 21 characters long.
    const at = key.startsWith("http.request.header.") ? 20 : key.startsWith("http.response.header.") ? 21 : 0
    if (at === 0) this.span.attribute(key, value)
    else if (KNOWN_HEADERS.has(key.slice(at))) this.span.attribute(key, "<redacted>")
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.event(name, startTime, attributes)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.span.addLinks(links)
  }
}

/** The error a failed transport span is recorded with: the failure's text, and nothing else of it. */
class HttpClientFailure extends Error {
  override readonly name = "HttpClientFailure"
}

/** What a failure is recorded as when its text cannot be read. */
const UNREADABLE = Exit.die(
  new HttpClientFailure("the transport failed; its error could not be read, and is not recorded")
)

/**
 * A failed exit as it is recorded: a defect whose message is the failure's text (every error's
 * `cause` rendered, as `@effect/opentelemetry` renders it), read once and scrubbed. Never the
 * failure itself: an exporter would read it again and record what the check did not see (a `code`
 * it turns into `exception.type`, a getter that answers differently the second time).
 */
const scrubbed = (
  exit: Exit.Exit<unknown, unknown>,
  scrub: (text: string, limit?: number) => string
): Exit.Exit<unknown, unknown> => {
  if (Exit.isSuccess(exit)) return exit
  try {
    return Exit.die(new HttpClientFailure(scrub(Cause.pretty(exit.cause, { renderErrorCause: true }), MAX_SCAN)))
  } catch {
    return UNREADABLE
  }
}

/**
 * The fiber's default services (`DefaultServices.currentServices`) with the tracer replaced by one
 * whose spans keep no server-chosen header and record a failure only with `scrub`'s secrets out of
 * it: what the transport runs with (`internal/hopGuard.ts`). Made per request: `scrub` knows the
 * request's signature (a tracer is not told which fiber or request a span is for).
 */
export const withSafeTracer = (
  services: Context.Context<DefaultServices.DefaultServices>,
  scrub: (text: string, limit?: number) => string
): Context.Context<DefaultServices.DefaultServices> => {
  const tracer = Context.get(services, Tracer.Tracer)
  return Context.add(
    services,
    Tracer.Tracer,
    Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) =>
        new HeaderSafeSpan(tracer.span(name, parent, context, links, startTime, kind, options), scrub),
      context: (f, fiber) => tracer.context(f, fiber)
    })
  )
}

/** A span that records nothing and is not sampled: what a program with its tracer off would get. */
const silentSpan = (
  name: string,
  parent: Option.Option<Tracer.AnySpan>,
  context: Context.Context<never>,
  links: ReadonlyArray<Tracer.SpanLink>,
  startTime: bigint,
  kind: Tracer.SpanKind
): Tracer.Span => ({
  _tag: "Span",
  name,
  spanId: "silent",
  traceId: "silent",
  parent,
  context,
  status: { _tag: "Started", startTime },
  attributes: new Map(),
  links,
  sampled: false,
  kind,
  end: () => {},
  attribute: () => {},
  event: () => {},
  addLinks: () => {}
})

const silentTracer = Tracer.make({ span: silentSpan, context: (f) => f() })

let lastLoud: Context.Context<DefaultServices.DefaultServices> | undefined
let lastSilent: Context.Context<DefaultServices.DefaultServices> | undefined
/**
 * The fiber's default services with a tracer that records nothing: the client turns the tracer on
 * around the transport (`internal/hopGuard.ts`) even when the program has it off, and spans made
 * there must stay unrecorded as the program asked.
 */
export const withSilentTracer = (
  services: Context.Context<DefaultServices.DefaultServices>
): Context.Context<DefaultServices.DefaultServices> => {
  if (services !== lastLoud || lastSilent === undefined) {
    lastLoud = services
    lastSilent = Context.add(services, Tracer.Tracer, silentTracer)
  }
  return lastSilent
}
