/** Bybit's response envelope and the rendering of an answer into a `Response`. */

export interface Envelope {
  readonly retCode: number
  readonly retMsg: string
  readonly result: object
  readonly retExtInfo: object
  readonly time: number
}

/** What a route decided: the HTTP status, the envelope and any extra headers. */
export interface Outcome {
  readonly status: number
  readonly envelope: Envelope
  readonly headers: Readonly<Record<string, string>>
}

export const envelope = (time: number, retCode: number, retMsg: string, result: object = {}): Envelope => ({
  retCode,
  retMsg,
  result,
  retExtInfo: {},
  time
})

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

export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const

export const toResponse = (o: Outcome): Response =>
  new Response(JSON.stringify(o.envelope), { status: o.status, headers: { ...JSON_HEADERS, ...o.headers } })
