/** Scripted faults: a queue consumed request by request, and the answers they produce. */
import type { Fault, FaultOptions, MockNetworkError, MockResponse, PendingFault } from "../models.js"
import { Codes, DEFAULT_MESSAGES, Messages } from "./codes.js"
import { envelope, jsonResponse, outcome, render } from "./envelope.js"
import { CapacityError, FAULT_TEXT_LIMITS, MAX_LATENCY_MS, MAX_PENDING_FAULTS } from "./limits.js"

/**
 * A request as fault matching sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultTarget {
  readonly method: string
  readonly path: string
  /** Whether the path is a private (signed) route: a fault without `path` applies to those only. */
  readonly private: boolean
  readonly query: string
  /** The body's JSON object, read only when a fault has a `match`. */
  readonly json: () => Record<string, unknown> | undefined
}

/**
 * The injected faults, consumed request by request.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultQueue {
  /** Queues a fault and answers its id. */
  readonly inject: (fault: Fault, options?: FaultOptions) => number
  readonly clear: () => void
  readonly list: () => ReadonlyArray<PendingFault>
  /** Drops one pending fault; false when no pending fault has this id. */
  readonly remove: (id: number) => boolean
  /** The first injected fault that applies to this request, using up one of its times. */
  readonly take: (target: FaultTarget) => Fault | undefined
}

/** Size checks of a fault's texts: every fault is kept in memory until used. */
const checkSizes = (fault: Fault, options: FaultOptions): void => {
  const L = FAULT_TEXT_LIMITS
  if (fault._tag === "RetCode" && fault.retMsg !== undefined && fault.retMsg.length > L.retMsg) {
    throw new RangeError(`faults.inject: retMsg is over ${L.retMsg} characters`)
  }
  if (fault._tag === "RetCode") {
    for (const part of [fault.result, fault.retExtInfo]) {
      if (part !== undefined && part !== null && JSON.stringify(part).length > L.bodyJson) {
        throw new RangeError(`faults.inject: result and retExtInfo are at most ${L.bodyJson} characters of JSON`)
      }
    }
  }
  if (options.path !== undefined && options.path.length > L.path) {
    throw new RangeError(`faults.inject: path is over ${L.path} characters`)
  }
  if (options.method !== undefined && !/^[A-Za-z]{1,16}$/.test(options.method)) {
    throw new RangeError("faults.inject: method must be an HTTP method such as GET or POST")
  }
  if (options.match !== undefined) {
    const entries = Object.entries(options.match)
    if (entries.length === 0 || entries.length > L.matchNames) {
      throw new RangeError(`faults.inject: match takes 1 to ${L.matchNames} names`)
    }
    for (const [name, value] of entries) {
      if (typeof value !== "string" || name.length > L.match || value.length > L.match) {
        throw new RangeError(`faults.inject: match names and values are strings of at most ${L.match} characters`)
      }
    }
  }
}

const matches = (
  entry: {
    readonly path?: string | undefined
    readonly method?: string | undefined
    readonly match?: Readonly<Record<string, string>> | undefined
  },
  t: FaultTarget
): boolean => {
  if (entry.path === undefined ? !t.private : entry.path !== t.path) return false
  if (entry.method !== undefined && entry.method !== t.method) return false
  if (entry.match === undefined) return true
  const params = new URLSearchParams(t.query)
  const json = t.json()
  for (const [name, value] of Object.entries(entry.match)) {
    const field = json?.[name]
    const fromBody =
      typeof field === "string" || typeof field === "number" || typeof field === "boolean" ? String(field) : undefined
    if (params.get(name) !== value && fromBody !== value) return false
  }
  return true
}

/**
 * An empty fault queue.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeFaultQueue = (): FaultQueue => {
  let entries: Array<PendingFault & { times: number }> = []
  let nextId = 1
  return {
    inject: (fault, options = {}) => {
      const times = options.times ?? 1
      if (!Number.isInteger(times) || times < 1) throw new RangeError("faults.inject: times must be a positive integer")
      if (
        fault._tag === "Latency" &&
        !(Number.isSafeInteger(fault.ms) && fault.ms >= 0 && fault.ms <= MAX_LATENCY_MS)
      ) {
        throw new RangeError(`faults.inject: Latency ms must be an integer from 0 to ${MAX_LATENCY_MS}`)
      }
      if (
        fault._tag === "ServerErrorHtml" &&
        fault.status !== undefined &&
        !(fault.status >= 500 && fault.status <= 599)
      ) {
        throw new RangeError("faults.inject: ServerErrorHtml status must be 500-599")
      }
      checkSizes(fault, options)
      if (entries.length >= MAX_PENDING_FAULTS) {
        throw new CapacityError(`faults.inject: ${MAX_PENDING_FAULTS} faults are pending already; clear or remove some`)
      }
      const id = nextId++
      entries.push({
        id,
        fault,
        times,
        path: options.path,
        method: options.method?.toUpperCase(),
        match: options.match === undefined ? undefined : { ...options.match }
      })
      return id
    },
    clear: () => {
      entries = []
    },
    list: () => entries.map((e) => ({ ...e })),
    remove: (id) => {
      const before = entries.length
      entries = entries.filter((e) => e.id !== id)
      return entries.length < before
    },
    take: (target) => {
      if (entries.length === 0) return undefined
      const entry = entries.find((e) => matches(e, target))
      if (entry === undefined) return undefined
      entry.times -= 1
      if (entry.times <= 0) entries = entries.filter((e) => e !== entry)
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
    case "MissingFields": {
      // A real envelope with retCode and result taken out.
      const { retCode: _retCode, result: _result, ...rest } = envelope(time, Codes.ok, Messages.ok)
      return { response: jsonResponse(rest), retCode: undefined }
    }
    case "CancelStatusZero":
      return {
        response: render(outcome(time, Codes.ok, Messages.success, { result: { status: 0 } })),
        retCode: Codes.ok
      }
    case "RetCode":
      return {
        response: render(
          outcome(time, fault.retCode, fault.retMsg ?? DEFAULT_MESSAGES[fault.retCode] ?? "error", {
            ...(fault.result === undefined ? {} : { result: fault.result }),
            ...(fault.retExtInfo === undefined ? {} : { retExtInfo: fault.retExtInfo })
          })
        ),
        retCode: fault.retCode
      }
    case "DropConnection":
      return { response: { _tag: "NetworkError" }, retCode: undefined }
    default:
      return undefined
  }
}

/**
 * The real answer cut off mid-way (always invalid JSON).
 *
 * @since 0.1.0
 * @category rendering
 */
export const truncate = (body: string): string => body.slice(0, Math.max(1, Math.floor(body.length / 2)))
