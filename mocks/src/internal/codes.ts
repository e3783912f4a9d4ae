/**
 * The retCodes the mock answers with.
 *
 * @since 0.1.0
 * @category constants
 */
export const Codes = {
  ok: 0,
  paramError: 10001,
  timeWindow: 10002,
  invalidKey: 10003,
  signError: 10004,
  permissionDenied: 10005,
  tooManyVisits: 10006,
  unmatchedIp: 10010,
  routeNotFound: 10017,
  assetParamError: 131002,
  repeatedRequest: 131082,
  notCancellable: 131099
} as const

/**
 * The retMsgs of the mock's fixed answers.
 *
 * @since 0.1.0
 * @category constants
 */
export const Messages = {
  invalidKey: "API key is invalid.",
  permissionDenied: "Permission denied, please check your API key permissions.",
  unmatchedIp: "Unmatched IP, please check your API key's bound IP addresses.",
  tooManyVisits: "Too many visits!",
  routeNotFound: "Route not found",
  withdrawalNotFound: "Withdraw order not found",
  notCancellable: "Withdrawal status does not allow cancelling",
  repeatedRequest: "Do not repeat the request: requestId was used with other parameters"
} as const
