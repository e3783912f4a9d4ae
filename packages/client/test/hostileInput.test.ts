/**
 * Anything the caller gives is inspected only inside a guard (a revoked `Proxy`, a throwing trap, an
 * object where a string belongs): `InvalidRequest` naming the field, no request, never a defect; and
 * after the input is read, only its own values are used (a polluted `Object.prototype` adds nothing).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Stream } from "effect"
import { Withdrawals } from "../src/index.js"
import { CANCEL_OK, type Scripted, scriptedClient, scriptedLayer } from "./scripted.js"

const revoked = () => {
  const r = Proxy.revocable({}, {})
  r.revoke()
  return r.proxy
}
const trapping = (trap: keyof ProxyHandler<object>) =>
  new Proxy(
    {},
    {
      [trap]: () => {
        throw new Error("trap")
      }
    }
  )

const expectRefused = (exit: Exit.Exit<unknown, unknown>, field: string) => {
  expect(Exit.isFailure(exit)).toBe(true)
  if (!Exit.isFailure(exit)) return
  expect(Cause.isDie(exit.cause)).toBe(false)
  expect(Cause.squash(exit.cause)).toMatchObject({ _tag: "InvalidRequest", field })
}

const EMPTY_PAGE: Scripted = {
  status: 200,
  body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { rows: [], nextPageCursor: "" } })
}

describe("hostile values fail with InvalidRequest, never a defect", () => {
  const cancels: ReadonlyArray<readonly [string, () => unknown, string]> = [
    ["a revoked Proxy as the input", revoked, "input"],
    ["a revoked Proxy as the id", () => ({ id: revoked() }), "id"],
    ["a Proxy with a throwing getPrototypeOf as the id", () => ({ id: trapping("getPrototypeOf") }), "id"],
    ["a Proxy with a throwing get as the id", () => ({ id: trapping("get") }), "id"],
    ["an object as the id", () => ({ id: { toString: () => "1" } }), "id"],
    ["a function as the id", () => ({ id: () => "1" }), "id"],
    ["a symbol as the id", () => ({ id: Symbol("1") }), "id"]
  ]
  for (const [label, make, field] of cancels) {
    it.effect(`cancel, ${label}`, () =>
      Effect.gen(function* () {
        const { seen, layer } = scriptedClient(() => CANCEL_OK)
        const exit = yield* Effect.exit(
          Withdrawals.cancel(make() as { id: string }).pipe(Effect.provide(scriptedLayer(layer)))
        )
        expectRefused(exit, field)
        expect(seen).toEqual([])
      })
    )
  }

  const lists: ReadonlyArray<readonly [string, () => unknown, string]> = [
    ["a revoked Proxy as the query", revoked, "query"],
    ["a Proxy with a throwing getPrototypeOf as coin", () => ({ coin: trapping("getPrototypeOf") }), "coin"],
    ["a revoked Proxy as limit", () => ({ limit: revoked() }), "limit"],
    ["an array as cursor", () => ({ cursor: ["a"] }), "cursor"]
  ]
  for (const [label, make, field] of lists) {
    it.effect(`list, ${label}`, () =>
      Effect.gen(function* () {
        const { seen, layer } = scriptedClient(() => EMPTY_PAGE)
        const exit = yield* Effect.exit(Withdrawals.list(make() as never).pipe(Effect.provide(scriptedLayer(layer))))
        expectRefused(exit, field)
        expect(seen).toEqual([])
      })
    )
    it.effect(`listAll, ${label}: lazy (no throw when called), fails when run`, () =>
      Effect.gen(function* () {
        const { seen, layer } = scriptedClient(() => EMPTY_PAGE)
        // Called outside any Effect: a synchronous throw here would fail the test itself.
        const stream = Withdrawals.listAll(make() as never)
        const exit = yield* Effect.exit(
          Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray), Effect.provide(scriptedLayer(layer)))
        )
        expectRefused(exit, field)
        expect(seen).toEqual([])
      })
    )
  }
})

describe("a polluted Object.prototype never reaches a request", () => {
  const polluted = <A, E>(effect: Effect.Effect<A, E>) => {
    const proto = Object.prototype as Record<string, unknown>
    const keys = { withdrawID: "777", coin: "BTC", cursor: "evil", txID: "0xdead", limit: 7 }
    return Effect.acquireUseRelease(
      Effect.sync(() => Object.assign(proto, keys)),
      () => effect,
      () =>
        Effect.sync(() => {
          for (const key of Object.keys(keys)) delete proto[key]
        })
    )
  }

  it.effect("list({}) sends no query", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient(() => EMPTY_PAGE)
      yield* polluted(Withdrawals.list({}).pipe(Effect.provide(scriptedLayer(layer))))
      expect(seen.map((s) => s.search)).toEqual([""])
    })
  )

  it.effect("list({ coin }) sends that coin only", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient(() => EMPTY_PAGE)
      yield* polluted(Withdrawals.list({ coin: "USDT" }).pipe(Effect.provide(scriptedLayer(layer))))
      expect(seen.map((s) => s.search)).toEqual(["?coin=USDT"])
    })
  )

  it.effect("listAll({}) sends nothing of the prototype on any page", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient((_, n) =>
        n === 0
          ? {
              status: 200,
              body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { rows: [], nextPageCursor: "next" } })
            }
          : EMPTY_PAGE
      )
      yield* polluted(Stream.runDrain(Withdrawals.listAll({})).pipe(Effect.provide(scriptedLayer(layer))))
      expect(seen.map((s) => s.search)).toEqual(["", "?cursor=next"])
    })
  )

  it.effect("cancel's lookup after 131002 asks for the id and type only", () =>
    Effect.gen(function* () {
      const { seen, layer } = scriptedClient((request) =>
        request.path.endsWith("/cancel")
          ? { status: 200, body: JSON.stringify({ retCode: 131002, retMsg: "Parameter error", result: {} }) }
          : EMPTY_PAGE
      )
      const exit = yield* polluted(
        Effect.exit(Withdrawals.cancel({ id: "10197" }).pipe(Effect.provide(scriptedLayer(layer, { retry: false }))))
      )
      expect(Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined).toMatchObject({ _tag: "WithdrawalNotFound" })
      expect(seen.map((s) => s.search)).toEqual(["", "?withdrawID=10197&withdrawType=2"])
    })
  )
})
