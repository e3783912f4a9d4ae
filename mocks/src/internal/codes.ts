/**
 * The retCodes and fixed retMsgs the mock answers with. Each message's source (a Bybit page, a
 * captured answer, or our choice) is in the conformance table of the README.
 */

/**
 * The retCodes the mock answers with.
 *
 * @since 0.1.0
 * @category constants
 */
export const Codes = {
  ok: 0,
  serverTimeout: 10000,
  paramError: 10001,
  timeWindow: 10002,
  invalidKey: 10003,
  signError: 10004,
  permissionDenied: 10005,
  tooManyVisits: 10006,
  unmatchedIp: 10010,
  serverError: 10016,
  routeNotFound: 10017,
  assetServiceError: 131001,
  assetParamError: 131002,
  assetInternalError: 131003,
  repeatedRequest: 131082,
  notCancellable: 131099,
  serviceError: 131200,
  internalError: 131201,
  systemBusy: 131230
} as const

/**
 * The retMsgs of the mock's fixed answers.
 *
 * @since 0.1.0
 * @category constants
 */
export const Messages = {
  /** Success on the market routes (`/v5/market/*`). */
  ok: "OK",
  /** Success on the asset routes (`/v5/asset/withdraw/*`). */
  success: "success",
  /** Success on `/v5/asset/coin/query-info` (Bybit's example answer has an empty retMsg). */
  empty: "",
  invalidKey: "API key is invalid.",
  permissionDenied: "Permission denied, please check your API key permissions.",
  unmatchedIp: "Unmatched IP, please check your API key's bound IP addresses.",
  tooManyVisits: "Too many visits!",
  routeNotFound: "Route not found",
  withdrawalNotFound: "Withdraw order not found",
  /** Bybit's error page wording for 131099 (its meaning: the withdrawal can no longer be cancelled). */
  notCancellable: "Hot wallet status can cancel the withdraw",
  /** 131001 on create: a chain the coin does not have (captured: pybit issue #311). */
  openapiSvcError: "openapi svc error",
  /** 131002 on create: an address not of the chain's shape (captured: pybit issue #122). */
  invalidAddress: "withdraw address is invalid",
  /** 131002 on create: a tag the chain does not take (Bybit's error page). */
  chainOrTagMismatch: "Withdraw address chain or destination tag are not equal",
  repeatedRequest: "Do not repeat the request: requestId was used with other parameters",
  intervalIncorrect: "The interval between the startTime and endTime is incorrect",
  /** The mock's own bound (`MAX_WITHDRAWALS`), not Bybit's: a create past it. */
  storeFull: "mock exchange: the withdrawal store is full; POST /__admin/reset"
} as const

/**
 * The 10001 message for missing auth headers, as Bybit words it (the values echo what was sent).
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyAuthMessage = (timestamp: string, apiKey: string, sign: string): string =>
  `empty value: apiTimestamp[${timestamp}] apiKey[${apiKey}] apiSignature[${sign}]: openapi sign params error!`

/**
 * The 10001 message for an auth header that is present but malformed (a timestamp or recv window
 * that is not an integer of ms): worded like the missing-header answer, which it sits beside.
 *
 * @since 0.1.0
 * @category constants
 */
export const badAuthParamMessage = (header: string, value: string): string =>
  `invalid value: ${header}[${value}]: openapi sign params error!`

/**
 * The 10004 message, as Bybit words it today, with the string the mock verified.
 *
 * @since 0.1.0
 * @category constants
 */
export const signErrorMessage = (origin: string): string =>
  `Error sign, please check your signature generation algorithm: origin_string[${origin}]`

/**
 * The 10002 message, with the values the mock compared.
 *
 * @since 0.1.0
 * @category constants
 */
export const timeWindowMessage = (timestamp: number, serverTime: number, recvWindow: number): string =>
  `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${serverTime}],recv_window[${recvWindow}]`

/**
 * The message of a `RetCode` fault injected without one.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  [Codes.serverTimeout]: "Server Timeout",
  [Codes.serverError]: "System error. Please try again later.",
  [Codes.assetServiceError]: "openapi svc error",
  [Codes.assetInternalError]: "Internal error",
  [Codes.serviceError]: "Service error",
  [Codes.internalError]: "Internal error",
  [Codes.systemBusy]: "The system is busy, please try again later"
}
