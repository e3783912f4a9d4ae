/** Bybit's response envelope and the rendering of an answer into a `Response`. */

/**
 * Bybit's response envelope.
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope {
  readonly retCode: number
  readonly retMsg: string
  readonly result: object
  readonly retExtInfo: object
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
 * Builds an envelope with `retExtInfo: {}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const envelope = (time: number, retCode: number, retMsg: string, result: object = {}): Envelope => ({
  retCode,
  retMsg,
  result,
  retExtInfo: {},
  time
})

/**
 * Builds an outcome (HTTP 200, no extra headers, `result: {}` unless given).
 *
 * @since 0.1.0
 * @category constructors
 */
export const outcome = (
  time: number,
  retCode: number,
  retMsg: string,
  options: { readonly result?: object; readonly status?: number; readonly headers?: Record<string, string> } = {}
): Outcome => ({
  status: options.status ?? 200,
  envelope: envelope(time, retCode, retMsg, options.result ?? {}),
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
 * Renders an outcome as a `Response`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const toResponse = (o: Outcome): Response =>
  new Response(JSON.stringify(o.envelope), { status: o.status, headers: { ...JSON_HEADERS, ...o.headers } })
