/** Scripted faults: a queue consumed request by request, and the answers they produce. */
import type { Fault, FaultOptions, MockNetworkError, MockResponse } from "../models.js"
import { type Envelope, JSON_HEADERS } from "./envelope.js"

interface Entry {
  readonly fault: Fault
  readonly path: string | undefined
  remaining: number
}

/**
 * The injected faults, consumed request by request.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultQueue {
  readonly inject: (fault: Fault, options?: FaultOptions) => void
  readonly clear: () => void
  /** The first injected fault that applies to `path`, using up one of its times. */
  readonly take: (path: string) => Fault | undefined
}

/**
 * An empty fault queue.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFaultQueue = (): FaultQueue => {
  let entries: Array<Entry> = []
  return {
    inject: (fault, options = {}) => {
      const times = options.times ?? 1
      if (!Number.isInteger(times) || times < 1) throw new RangeError("faults.inject: times must be a positive integer")
      if (fault._tag === "Latency" && !(fault.ms >= 0)) throw new RangeError("faults.inject: Latency ms must be >= 0")
      if (
        fault._tag === "ServerErrorHtml" &&
        fault.status !== undefined &&
        !(fault.status >= 500 && fault.status <= 599)
      ) {
        throw new RangeError("faults.inject: ServerErrorHtml status must be 500-599")
      }
      entries.push({ fault, path: options.path, remaining: times })
    },
    clear: () => {
      entries = []
    },
    take: (path) => {
      const entry = entries.find((e) => e.path === undefined || e.path === path)
      if (entry === undefined) return undefined
      entry.remaining -= 1
      if (entry.remaining <= 0) entries = entries.filter((e) => e !== entry)
      return entry.fault
    }
  }
}

/**
 * A rendered fault answer, with the retCode to record.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultAnswer {
  readonly response: MockResponse | MockNetworkError
  readonly retCode: number | undefined
}

const gatewayPage = (status: number): string => {
  const title = `${status} ${STATUS_TEXT[status] ?? "Server Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out"
}

const text = (body: string, status: number, contentType: string): MockResponse => ({
  _tag: "Response",
  status,
  headers: { "content-type": contentType },
  body
})

const json = (body: object): MockResponse => ({
  _tag: "Response",
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify(body)
})

/**
 * The answer of a fault that does not touch the exchange (all but Latency, LoseResponse, TruncatedBody).
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderStandalone = (fault: Fault, time: number): FaultAnswer | undefined => {
  switch (fault._tag) {
    case "ServerErrorHtml": {
      const status = fault.status ?? 502
      return { response: text(gatewayPage(status), status, "text/html"), retCode: undefined }
    }
    case "IpBanned":
      return { response: text("access too frequent", 403, "text/plain; charset=utf-8"), retCode: undefined }
    case "TooManyRequests":
      return { response: text("Too Many Requests", 429, "text/plain; charset=utf-8"), retCode: undefined }
    case "NotJson":
      return {
        response: text("upstream returned an unexpected answer", 200, "text/plain; charset=utf-8"),
        retCode: undefined
      }
    case "MissingFields":
      return {
        response: json({ retMsg: "OK", retExtInfo: {}, time }),
        retCode: undefined
      }
    case "CancelStatusZero": {
      const body: Envelope = { retCode: 0, retMsg: "success", result: { status: 0 }, retExtInfo: {}, time }
      return { response: json(body), retCode: 0 }
    }
    case "RetCode": {
      const body: Envelope = {
        retCode: fault.retCode,
        retMsg: fault.retMsg ?? DEFAULT_MESSAGES[fault.retCode] ?? "error",
        result: {},
        retExtInfo: {},
        time
      }
      return { response: json(body), retCode: fault.retCode }
    }
    case "DropConnection":
      return { response: { _tag: "NetworkError" }, retCode: undefined }
    default:
      return undefined
  }
}

const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  10000: "Server Timeout",
  10016: "Server error",
  131001: "Asset service error",
  131003: "Internal error",
  131200: "Service error",
  131201: "Internal error",
  131230: "System busy, please try again later"
}

/**
 * The real answer cut off mid-way (always invalid JSON).
 *
 * @since 0.1.0
 * @category rendering
 */
export const truncate = (body: string): string => body.slice(0, Math.max(1, Math.floor(body.length / 2)))
