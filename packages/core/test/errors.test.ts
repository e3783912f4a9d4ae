// The messages both lines put on their errors: codes and the exchange's text where given, and a
// message for every tag (an unknown tag is named, never an empty message).
import { describe, expect, it } from "vitest"
import * as Errors from "../src/Errors.js"

describe("messageOf", () => {
  it("names the codes and quotes retMsg", () => {
    expect(Errors.messageOf({ _tag: "PermissionDenied", retCode: 10005, retMsg: "no permission" })).toMatch(
      /^Bybit denied the request \(retCode 10005\): "no permission"\./
    )
    expect(Errors.messageOf({ _tag: "ExchangeUnavailable", retCode: 10016, httpStatus: 503 })).toMatch(
      /\(retCode 10016, HTTP 503\)/
    )
  })

  it("tells the rate-limit cases apart", () => {
    expect(Errors.messageOf({ _tag: "RateLimitExceeded", httpStatus: 403 })).toMatch(/banned this IP/)
    expect(Errors.messageOf({ _tag: "RateLimitExceeded", httpStatus: 429 })).toMatch(/system protection/)
    expect(Errors.messageOf({ _tag: "RateLimitExceeded", path: "/p", detail: "not sent", resetAt: 0 })).toBe(
      "Bybit's rate limit for /p would be exceeded; not sent. The limit resets at 1970-01-01T00:00:00.000Z."
    )
    expect(Errors.messageOf({ _tag: "RateLimitExceeded", resetAt: Number.MAX_VALUE })).toMatch(/resets at .* ms\./)
  })

  it("names the field of an invalid request", () => {
    expect(Errors.messageOf({ _tag: "InvalidRequest", field: "id", reason: "must be 1 to 20 digits" })).toBe(
      'Invalid request field "id": must be 1 to 20 digits'
    )
  })

  it("has a message for every tag", () => {
    for (const tag of [
      "AuthenticationFailed",
      "PermissionDenied",
      "TimestampOutsideWindow",
      "RateLimitExceeded",
      "InvalidRequest",
      "WithdrawalNotFound",
      "WithdrawalNotCancellable",
      "CancelFailed",
      "ExchangeUnavailable",
      "TransportError",
      "UnreadableResponse",
      "RedirectRefused",
      "AccessForbidden",
      "UnknownApiError",
      "CancelOutcomeUnknown"
    ]) {
      expect(Errors.messageOf({ _tag: tag }).length).toBeGreaterThan(tag.length)
    }
    expect(Errors.messageOf({ _tag: "Other" })).toBe("Other")
  })

  it("retries transport, outage, rate limit and time window only", () => {
    expect(
      ["TransportError", "ExchangeUnavailable", "RateLimitExceeded", "TimestampOutsideWindow"].map(
        Errors.isRetryableTag
      )
    ).toEqual([true, true, true, true])
    expect(Errors.isRetryableTag("InvalidRequest")).toBe(false)
  })
})
