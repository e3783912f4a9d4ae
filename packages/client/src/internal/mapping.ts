import {
  AuthenticationFailed,
  ExchangeUnavailable,
  InvalidRequest,
  PermissionDenied,
  RateLimitExceeded,
  type RequestError,
  TimestampOutsideWindow,
  UnknownApiError
} from "../BybitError.js"

/** What is known about the request when a retCode comes back. */
export interface CodeContext {
  readonly path: string
  readonly httpStatus: number
  readonly resetAt: number | undefined
  readonly timestamp: number | undefined
  readonly recvWindow: number | undefined
}

const authentication = new Set([10003, 10004, 10007, 33004])
const permission = new Set([10005, 10010])
const invalidRequest = new Set([10001, 131002])
const unavailable = new Set([10000, 10016, 131001, 131003, 131200, 131201, 131230])

const api = (retCode: number, retMsg: string, httpStatus: number) =>
  httpStatus === 200 ? { retCode, retMsg } : { retCode, retMsg, httpStatus }

/** The typed error of a non-zero retCode that means the same on every endpoint. */
export const fromRetCode = (retCode: number, retMsg: string, ctx: CodeContext): RequestError => {
  const fields = api(retCode, retMsg, ctx.httpStatus)
  if (authentication.has(retCode)) return new AuthenticationFailed(fields)
  if (permission.has(retCode)) return new PermissionDenied(fields)
  if (retCode === 10002) {
    return new TimestampOutsideWindow({
      ...fields,
      ...(ctx.timestamp !== undefined ? { timestamp: ctx.timestamp } : {}),
      ...(ctx.recvWindow !== undefined ? { recvWindow: ctx.recvWindow } : {})
    })
  }
  if (retCode === 10006) {
    return new RateLimitExceeded({
      ...fields,
      path: ctx.path,
      ...(ctx.resetAt !== undefined ? { resetAt: ctx.resetAt } : {})
    })
  }
  if (invalidRequest.has(retCode))
    return new InvalidRequest({ ...fields, reason: retMsg || "the exchange rejected a parameter" })
  if (unavailable.has(retCode)) return new ExchangeUnavailable(fields)
  return new UnknownApiError(fields)
}
