/**
 * The `HttpClientResponse` of the test layer: the exchange's status, headers and body text, in
 * memory. Reading it costs no stream and no promise, unlike a fetch `Response` through
 * `HttpClientResponse.fromWeb` (measured 1.3x slower per call through the client).
 */
import type { MockResponse } from "@effect-bybit/mock-exchange/core"
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import { pipeArguments } from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

const encoder = new TextEncoder()

class InMemoryResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly headers: Headers.Headers
  readonly remoteAddress = Option.none<string>()

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly url: string,
    readonly status: number,
    headers: Readonly<Record<string, string>>,
    private readonly body: string
  ) {
    super()
    this.headers = Headers.fromInput(headers)
  }

  private decodeError = (cause: unknown) =>
    new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })

  get cookies(): Cookies.Cookies {
    const setCookie = this.headers["set-cookie"]
    return setCookie === undefined ? Cookies.empty : Cookies.fromSetCookie(setCookie)
  }

  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    return Effect.succeed(this.body)
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.try({ try: () => (this.body === "" ? null : JSON.parse(this.body)), catch: this.decodeError })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(this.body)), catch: this.decodeError })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    return Effect.sync(() => encoder.encode(this.body).buffer as ArrayBuffer)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return Stream.sync(() => encoder.encode(this.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.tryPromise({
      try: () => new Response(this.body, { headers: this.headers }).formData(),
      catch: this.decodeError
    })
  }

  get upgrade(): HttpClientResponse.HttpClientResponse["upgrade"] {
    const description = "the mock exchange never upgrades a connection"
    const reason = new HttpClientError.StatusCodeError({ request: this.request, response: this, description })
    return Effect.fail(new HttpClientError.HttpClientError({ reason }))
  }

  pipe() {
    // biome-ignore lint/complexity/noArguments: the Pipeable protocol takes its arguments as they come
    return pipeArguments(this, arguments)
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

/** The exchange's response as an `HttpClientResponse` to `request` (sent to `url`). */
export const toClientResponse = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  response: MockResponse
): HttpClientResponse.HttpClientResponse =>
  new InMemoryResponse(request, url.href, response.status, response.headers, response.body)
