// Issue 14, point 5: public types in public modules, one import path per symbol, the default retry
// schedule exported, `BybitError` the union of every error class with an `isBybitError` guard.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, Schema } from "effect"
import { HttpClientError, HttpClientRequest } from "effect/http"
import * as Index from "../src/index.js"
import { BybitConfig, BybitError, Withdrawals } from "../src/index.js"
import { resolve } from "../src/internal/config.js"

const src = join(import.meta.dirname, "..", "src")

/** One instance of every error class the module exports (each with its required fields). */
const instances: ReadonlyArray<BybitError.BybitError> = [
  new BybitError.AccessForbidden({ httpStatus: 403 }),
  new BybitError.AuthenticationFailed({ retCode: 10003 }),
  new BybitError.CancelFailed({ id: "1" }),
  new BybitError.CancelOutcomeUnknown({ id: "1", detail: "the lookup failed" }),
  new BybitError.ExchangeUnavailable({ retCode: 10016 }),
  new BybitError.InvalidRequest({ reason: "bad" }),
  new BybitError.PermissionDenied({ retCode: 10005 }),
  new BybitError.RateLimitExceeded({ retCode: 10006 }),
  new BybitError.RedirectRefused({ httpStatus: 302 }),
  new BybitError.TimestampOutsideWindow({ retCode: 10002 }),
  new BybitError.TransportError({ reason: "Network" }),
  new BybitError.UnknownApiError({ retCode: 1 }),
  new BybitError.UnreadableResponse({ reason: "NotJson" }),
  new BybitError.WithdrawalNotCancellable({ id: "1" }),
  new BybitError.WithdrawalNotFound({ id: "1" })
]

describe("one import path per symbol", () => {
  it("the package's entry is only namespaces, one per public module", () => {
    expect(Object.keys(Index).sort()).toEqual(["BybitClient", "BybitConfig", "BybitError", "Withdrawals"])
    const entry = readFileSync(join(src, "index.ts"), "utf8")
    const exports = entry.split("\n").filter((line) => line.startsWith("export"))
    expect(exports.every((line) => /^export \* as (\w+) from "\.\/\1\.js"$/.test(line))).toBe(true)
  })

  it("no public module re-exports from internal/ (public types are declared in public modules)", () => {
    for (const file of readdirSync(src).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(src, file), "utf8")
      expect(text, file).not.toMatch(/export\s*(\*|\{[^}]*\}|type\s*\{[^}]*\})\s*from\s*"\.\/internal\//)
      expect(text, file).not.toMatch(/export (type|interface) \w+(<[^>]*>)? (=|extends) Internal\./)
    }
  })

  it("internal modules declare none of the public models", () => {
    for (const file of readdirSync(join(src, "internal"))) {
      const text = readFileSync(join(src, "internal", file), "utf8")
      for (const name of [
        "RateLimitStatus",
        "ServerTime",
        "WithdrawalRecord",
        "MalformedRecord",
        "WithdrawalPage",
        "ListQuery",
        "CancelResult",
        "Credentials",
        "Options"
      ]) {
        expect(text, `${file} declares ${name}`).not.toMatch(new RegExp(`(interface|type|class|const) ${name}\\b`))
      }
    }
  })

  it("the public models that are schemas are values: WithdrawalId (branded), Environment", () => {
    expect(Schema.decodeUnknownSync(Withdrawals.WithdrawalId)("10197")).toBe("10197")
    expect(Schema.is(Withdrawals.WithdrawalId)("10197 ")).toBe(false)
    expect(Schema.is(Withdrawals.WithdrawalId)("1".repeat(21))).toBe(false)
    expect(Schema.decodeUnknownSync(BybitConfig.Environment)("testnet")).toBe("testnet")
    expect(Schema.is(BybitConfig.Environment)("moon")).toBe(false)
  })
})

describe("BybitConfig.defaultRetrySchedule", () => {
  it.effect("is exported and is the retry option's default", () =>
    Effect.gen(function* () {
      const resolved = yield* resolve({
        credentials: BybitConfig.hmac({ apiKey: "key", apiSecret: Redacted.make("secret") })
      })
      expect(resolved.retry).toBe(BybitConfig.defaultRetrySchedule)
    })
  )
})

describe("BybitError.isBybitError", () => {
  it("is true for an instance of every error class, and every class is in the union", () => {
    const classes = (Object.values(BybitError) as ReadonlyArray<unknown>).filter(
      (value): value is abstract new (...args: never) => unknown =>
        typeof value === "function" && value.prototype instanceof Error
    )
    expect(classes.length).toBe(instances.length)
    for (const Class of classes) {
      const instance = instances.find((error) => error instanceof Class)
      expect(instance, Class.name).toBeDefined()
      expect(BybitError.isBybitError(instance)).toBe(true)
    }
  })

  it("is false for anything else, including look-alikes", () => {
    const request = HttpClientRequest.get("https://example.test")
    for (const other of [
      new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request }) }),
      new Error("TransportError"),
      { _tag: "TransportError", reason: "Network" },
      "TransportError",
      null,
      undefined,
      42
    ]) {
      expect(BybitError.isBybitError(other)).toBe(false)
    }
  })

  it("the mark is not data: encoding and JSON are unchanged", () => {
    const error = new BybitError.TransportError({ reason: "Timeout", path: "/v5/market/time" })
    expect(Schema.encodeSync(BybitError.TransportError)(error)).toEqual({
      _tag: "TransportError",
      reason: "Timeout",
      path: "/v5/market/time"
    })
    expect(JSON.stringify(error)).not.toContain("effect-bybit")
    expect(Object.getOwnPropertySymbols(error)).not.toContain(BybitError.TypeId)
  })

  it.effect("narrows an unknown failure in a catch", () =>
    Effect.gen(function* () {
      const caught = yield* Effect.fail(new BybitError.WithdrawalNotFound({ id: "7" }) as unknown).pipe(
        Effect.catch((error) => Effect.succeed(BybitError.isBybitError(error) ? error._tag : "other"))
      )
      expect(caught).toBe("WithdrawalNotFound")
    })
  )
})

describe("effect/http stays at the edge", () => {
  it("only internal/http.ts and the test layer import effect/http as values; public modules only its types", () => {
    const importers: Array<string> = []
    for (const file of [...readdirSync(src), ...readdirSync(join(src, "internal")).map((f) => `internal/${f}`)]) {
      if (!file.endsWith(".ts")) continue
      const text = readFileSync(join(src, file), "utf8")
      if (/^import \* as \w+ from "effect\/http\//m.test(text)) importers.push(file)
    }
    expect(importers.sort()).toEqual(["internal/http.ts", "internal/testResponse.ts", "testing.ts"])
  })

  it("public modules hold no implementation: their values come from internal/ or are schemas and accessors", () => {
    for (const file of ["BybitClient.ts", "BybitConfig.ts", "Withdrawals.ts"]) {
      const text = readFileSync(join(src, file), "utf8")
      expect(text, file).not.toMatch(/Effect\.gen\(|Effect\.fn\(|yield\*/)
    }
  })
})
