/** Bybit's response envelope and the rendering of an answer into a response: the mock's only envelope writer. */
import type { MockResponse } from "../models.js"

/**
 * Bybit's response envelope. `result` and `retExtInfo` are objects, except on the answers Bybit
 * sends with `null` (missing auth headers: see the conformance table in the README).
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope {
  readonly retCode: number
  readonly retMsg: string
  readonly result: object | null
  readonly retExtInfo: object | null
  readonly time: number
}

/**
 * What a route decided: the HTTP status, the envelope and any extra headers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Outcome {
  readonly status: number
  readonly envelope: Envelope
  readonly headers: Readonly<Record<string, string>>
}

/**
 * The parts of an envelope beyond `retCode`/`retMsg`/`time`: `result` (default `{}`) and
 * `retExtInfo` (default `{}`); `null` where Bybit sends `null`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvelopeBody {
  readonly result?: object | null
  readonly retExtInfo?: object | null
}

/**
 * Builds an envelope (`result` and `retExtInfo` default to `{}`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const envelope = (time: number, retCode: number, retMsg: string, body: EnvelopeBody = {}): Envelope => ({
  retCode,
  retMsg,
  result: body.result === undefined ? {} : body.result,
  retExtInfo: body.retExtInfo === undefined ? {} : body.retExtInfo,
  time
})

/**
 * Builds an outcome (HTTP 200, no extra headers, `result: {}` and `retExtInfo: {}` unless given).
 *
 * @since 0.1.0
 * @category constructors
 */
export const outcome = (
  time: number,
  retCode: number,
  retMsg: string,
  options: EnvelopeBody & { readonly status?: number; readonly headers?: Record<string, string> } = {}
): Outcome => ({
  status: options.status ?? 200,
  envelope: envelope(time, retCode, retMsg, options),
  headers: options.headers ?? {}
})

/**
 * The content type of every envelope.
 *
 * @since 0.1.0
 * @category constants
 */
export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const

/**
 * Renders any JSON value (an envelope, or a deliberately broken one) as a JSON response.
 *
 * @since 0.1.0
 * @category rendering
 */
export const jsonResponse = (
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = {}
): MockResponse => ({
  _tag: "Response",
  status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body)
})

/**
 * Renders an outcome as a response.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (o: Outcome): MockResponse => jsonResponse(o.envelope, o.status, o.headers)
