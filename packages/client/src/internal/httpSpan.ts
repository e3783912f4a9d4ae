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
import { MAX_SCAN, redactedFrom } from "./scrub.js"

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

/**
 * Everything an exporter may record of a failure: its pretty text with every error's `cause`
 * (`@effect/opentelemetry` renders them) and each error's own string properties down the cause
 * chain (a `code` becomes `exception.type`).
 */
const recordedText = (cause: Cause.Cause<unknown>): string => {
  const parts = [Cause.pretty(cause, { renderErrorCause: true })]
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || typeof value !== "object" || value === null) return
    for (const key of Object.getOwnPropertyNames(value)) {
      const property = (value as Record<string, unknown>)[key]
      if (typeof property === "string") parts.push(property)
    }
    visit((value as { readonly cause?: unknown }).cause, depth + 1)
  }
  for (const value of [...Cause.defects(cause), ...Cause.failures(cause)]) visit(value, 0)
  return parts.join("\n")
}

/** What a failure is recorded as when its own text cannot be: nothing of it but this. */
const UNREADABLE = Exit.die(
  new Error("the transport failed; its error is not recorded (it could not be checked for secrets)")
)

/**
 * A failed exit as it may be recorded: itself, or, when its text holds a secret (or is too long,
 * or too odd, to be checked whole), a defect whose message is the scrubbed pretty text (the cause
 * itself cannot be cleaned in place: any value may hold it).
 */
const scrubbed = (
  exit: Exit.Exit<unknown, unknown>,
  scrub: (text: string, limit?: number) => string
): Exit.Exit<unknown, unknown> => {
  if (Exit.isSuccess(exit)) return exit
  try {
    const text = recordedText(exit.cause)
    // Scrubbed whole (uncut), so that a secret past the usual length is found, not cut off.
    if (text.length <= MAX_SCAN && !redactedFrom(text, scrub(text, MAX_SCAN))) return exit
    return Exit.die(new Error(scrub(Cause.pretty(exit.cause))))
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
