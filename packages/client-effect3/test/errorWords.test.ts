/**
 * Issue 19, point 10: errors say what happened.
 * - An invalid list filter names its own field (not `timestamp`) and the rule it breaks.
 * - A legacy-format answer (`ret_code` / `ret_msg`, HTTP 200) keeps its code and text in a typed
 *   error; permission words make it `PermissionDenied`.
 * - A failure before any cancel was sent (the server-time request of time sync) never says a
 *   cancel's outcome is unknown, and no cancel reaches the exchange.
 */
import { describe, expect, it } from "@effect/vitest"
import { MockExchange } from "@effect-bybit/client-effect3/testing"
import { Effect, Exit } from "effect"
import { Withdrawals } from "../src/index.js"
import { CANCEL, pending, QUERY, runVirtual, type Script, TIME, testLayer } from "./issue19.js"
import { scriptedClient, scriptedLayer } from "./scripted.js"

const ID = "730001"

/** What every error is read through: its tag and the fields these tests look at. */
interface Seen {
  readonly _tag: string
  readonly field?: string
  readonly reason?: string
  readonly retCode?: number
  readonly retMsg?: string
  readonly message: string
}

const failureOf = <A, E>(exit: Exit.Exit<A, E>): Seen => {
  expect(Exit.isFailure(exit)).toBe(true)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  expect(failure).toBeDefined()
  return failure as unknown as Seen
}

describe("point 10: an invalid list filter names its own field and the rule", () => {
  for (const field of ["txID", "cursor"] as const) {
    for (const [what, value] of [
      ["a lone high surrogate", "\uD800"],
      ["a lone low surrogate inside text", "ab\uDC00cd"]
    ] as const) {
      it.effect(`${field}: ${what} fails with InvalidRequest on ${field}, nothing sent`, () =>
        Effect.gen(function* () {
          const exchange = yield* MockExchange
          const error = failureOf(yield* runVirtual(Withdrawals.list({ [field]: value })))
          expect(error._tag).toBe("InvalidRequest")
          expect(error.field).toBe(field)
          expect(error.field).not.toBe("timestamp")
          // The rule: a string that is not well-formed UTF-16 (a lone surrogate) cannot be sent.
          expect(error.reason).toMatch(/surrogate|UTF-?16|well-formed|unicode/i)
          expect(error.message).toContain(field)
          expect(exchange.requests().filter((r) => r.path === QUERY)).toEqual([])
        }).pipe(Effect.provide(testLayer()))
      )
    }
  }
})

const legacy = (retCode: number, retMsg: string) =>
  scriptedClient(() => ({
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      ret_code: retCode,
      ret_msg: retMsg,
      result: null,
      ext_code: "",
      ext_info: "",
      time_now: "1672531200.000000"
    })
  }))

describe("point 10: a legacy envelope keeps its code and text in a typed error", () => {
  const permission = legacy(912000014, "permission denied")
  it.effect("cancel: ret_code 912000014 'permission denied' => PermissionDenied, code and text kept", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Withdrawals.cancel({ id: ID })))
      expect(error._tag).toBe("PermissionDenied")
      expect(error.retCode).toBe(912000014)
      expect(error.retMsg).toBe("permission denied")
      expect(error.message).toContain("912000014")
      expect(error.message).toContain("permission denied")
    }).pipe(Effect.provide(scriptedLayer(permission.layer)))
  )

  const listPermission = legacy(912000014, "permission denied")
  it.effect("list: the same answer => PermissionDenied, code and text kept", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Withdrawals.list()))
      expect(error._tag).toBe("PermissionDenied")
      expect(error.retCode).toBe(912000014)
      expect(error.retMsg).toBe("permission denied")
    }).pipe(Effect.provide(scriptedLayer(listPermission.layer)))
  )

  const other = legacy(912000001, "something else went wrong")
  it.effect("list: a legacy answer without permission words is still a typed error with its code and text", () =>
    Effect.gen(function* () {
      const error = failureOf(yield* Effect.exit(Withdrawals.list()))
      expect(error._tag).not.toBe("UnreadableResponse")
      expect(error._tag).not.toBe("PermissionDenied")
      expect(error.retCode).toBe(912000001)
      expect(error.retMsg).toBe("something else went wrong")
    }).pipe(Effect.provide(scriptedLayer(other.layer)))
  )
})

describe("point 10: a failure before any cancel was sent never says a cancel's outcome is unknown", () => {
  const check = (error: Seen) => {
    expect(error._tag).not.toBe("CancelOutcomeUnknown")
    expect(error.message).not.toMatch(/outcome[^.]*unknown|unknown[^.]*outcome/i)
  }

  let cancelsSent = 0
  const tls: Script = ({ path }) => {
    if (path === CANCEL) cancelsSent++
    return path === TIME
      ? { mode: "fail", description: "Client network socket disconnected before secure TLS connection was established" }
      : { mode: "pass" }
  }
  it.effect("the server-time request fails its TLS handshake (every attempt): no cancel sent", () =>
    Effect.gen(function* () {
      const exchange = yield* MockExchange
      const exit = yield* runVirtual(Withdrawals.cancel({ id: ID }))
      check(failureOf(exit))
      expect(cancelsSent).toBe(0)
      expect(exchange.requests().filter((r) => r.path === CANCEL)).toEqual([])
      expect(exchange.withdrawal(ID)?.status).toBe("Pending")
    }).pipe(Effect.provide(testLayer({}, { withdrawals: [pending(ID)] }, tls)))
  )
})

describe("server text never carries the credentials", () => {
  it.effect("Bybit's 10004 text, which quotes the signed string with the API key, is scrubbed of the key", () =>
    Effect.gen(function* () {
      const retMsg = 'error sign! origin_string[1796311116200test-key5000{"id":"10202"}]'
      const { layer } = scriptedClient(() => ({
        status: 200,
        body: JSON.stringify({ retCode: 10004, retMsg, result: {}, time: 1 })
      }))
      const error = yield* Effect.flip(
        Withdrawals.cancel({ id: "10202" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false })))
      )
      expect(error._tag).toBe("AuthenticationFailed")
      expect(JSON.stringify(error)).not.toContain("test-key")
      expect(error.message).not.toContain("test-key")
      expect(error.message).toContain("origin_string")
    })
  )
})
