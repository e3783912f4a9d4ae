import {
  hmacSigner,
  rsaSigner,
  rsaVerifier,
  type SignedGet,
  type SignedPost,
  serializeQuery,
  signaturePayload,
  signRequest,
  verifyHmacSha256
} from "@effect-bybit/signing"
import { describe, expect, it } from "vitest"
import { keys } from "./fixtures.js"
import {
  hmacVectors,
  LONG_BODY,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  SEED_BODY_SPACED,
  SEED_RECV_WINDOW,
  SEED_TIMESTAMP
} from "./vectors.js"

const base = {
  signer: hmacSigner(MOCK_API_SECRET),
  apiKey: MOCK_API_KEY,
  timestamp: SEED_TIMESTAMP,
  recvWindow: SEED_RECV_WINDOW
} as const

/** What the exchange does: rebuild the signed string from the headers and the payload received. */
const exchangeAccepts = (signed: SignedPost | SignedGet, secret = MOCK_API_SECRET): boolean =>
  verifyHmacSha256(
    secret,
    signaturePayload({
      timestamp: signed.headers["X-BAPI-TIMESTAMP"],
      apiKey: signed.headers["X-BAPI-API-KEY"],
      recvWindow: signed.headers["X-BAPI-RECV-WINDOW"],
      payload: signed.method === "POST" ? signed.body : signed.queryString
    }),
    signed.headers["X-BAPI-SIGN"]
  )

describe("signRequest: POST", () => {
  it("serializes the body with JSON.stringify and signs the seed request to the openssl vector", () => {
    const signed = signRequest({ ...base, method: "POST", body: { id: "10197" } })
    expect(signed).toEqual({
      method: "POST",
      body: '{"id":"10197"}',
      headers: {
        "X-BAPI-API-KEY": "mock-api-key",
        "X-BAPI-TIMESTAMP": "1672197227732",
        "X-BAPI-SIGN": hmacVectors.seedCompact.signature,
        "X-BAPI-RECV-WINDOW": "5000"
      }
    })
  })

  it("returns the exact body it signed: the headers verify against the returned body", () => {
    const signed = signRequest({ ...base, method: "POST", body: { id: "10197", note: "отмена 🚀", n: 1.5 } })
    expect(exchangeAccepts(signed)).toBe(true)
    expect(exchangeAccepts({ ...signed, body: `${signed.body} ` })).toBe(false)
  })

  it("serializes the body once, so a body that changes between serializations cannot desynchronize", () => {
    let calls = 0
    const body = {
      toJSON: () => {
        calls++
        return { id: String(calls) }
      }
    }
    const signed = signRequest({ ...base, method: "POST", body })
    expect(calls).toBe(1)
    expect(signed.body).toBe('{"id":"1"}')
    expect(exchangeAccepts(signed)).toBe(true)
  })

  it("signs a pre-serialized string body as is: the seed's spaced form", () => {
    const signed = signRequest({ ...base, method: "POST", body: SEED_BODY_SPACED })
    expect(signed.body).toBe('{"id": "10197"}')
    expect(signed.headers["X-BAPI-SIGN"]).toBe(hmacVectors.seedSpaced.signature)
  })

  it("signs a 10 KB body to the openssl vector", () => {
    const signed = signRequest({ ...base, method: "POST", body: LONG_BODY })
    expect(signed.headers["X-BAPI-SIGN"]).toBe(hmacVectors.longBody.signature)
  })

  it("signs with an RSA signer: the exchange verifies with the public key", () => {
    const signed = signRequest({ ...base, signer: rsaSigner(keys.rsaPrivatePkcs1), method: "POST", body: { id: "1" } })
    const message = signaturePayload({ ...base, payload: signed.body })
    expect(rsaVerifier(keys.rsaPublicSpki).verify(message, signed.headers["X-BAPI-SIGN"])).toBe(true)
  })

  it("throws TypeError for a body JSON cannot represent", () => {
    expect(() => signRequest({ ...base, method: "POST", body: undefined })).toThrow(TypeError)
    expect(() => signRequest({ ...base, method: "POST", body: () => 1 })).toThrow(TypeError)
    expect(() => signRequest({ ...base, method: "POST", body: { n: 1n } })).toThrow(TypeError)
  })
})

describe("signRequest: GET", () => {
  it("serializes query parameters in the order given and signs them to the openssl vector", () => {
    const signed = signRequest({ ...base, method: "GET", query: { coin: "USDT", withdrawType: 2, limit: 50 } })
    expect(signed.queryString).toBe("coin=USDT&withdrawType=2&limit=50")
    expect(signed.headers["X-BAPI-SIGN"]).toBe(hmacVectors.getQuery.signature)
    expect(exchangeAccepts(signed)).toBe(true)
  })

  it("signs a pre-serialized query string as is", () => {
    const signed = signRequest({ ...base, method: "GET", query: "coin=USDT&withdrawType=2&limit=50" })
    expect(signed.queryString).toBe("coin=USDT&withdrawType=2&limit=50")
    expect(signed.headers["X-BAPI-SIGN"]).toBe(hmacVectors.getQuery.signature)
  })

  it("signs an empty payload when there is no query", () => {
    for (const query of [undefined, {}, "", { a: undefined }]) {
      const signed = signRequest({ ...base, method: "GET", query })
      expect(signed.queryString).toBe("")
      expect(signed.headers["X-BAPI-SIGN"]).toBe(hmacVectors.getEmptyQuery.signature)
    }
    expect(signRequest({ ...base, method: "GET" }).headers["X-BAPI-SIGN"]).toBe(hmacVectors.getEmptyQuery.signature)
  })

  it("percent-encodes keys and values and the signature covers the encoded form", () => {
    const signed = signRequest({ ...base, method: "GET", query: { "a b": "x&y=z/é", cursor: "abc%3D=" } })
    expect(signed.queryString).toBe("a%20b=x%26y%3Dz%2F%C3%A9&cursor=abc%253D%3D")
    expect(exchangeAccepts(signed)).toBe(true)
  })
})

describe("serializeQuery", () => {
  it("keeps insertion order instead of sorting", () => {
    expect(serializeQuery({ symbol: "BTCUSDT", category: "spot", limit: 1 })).toBe(
      "symbol=BTCUSDT&category=spot&limit=1"
    )
  })

  it("leaves out undefined values but keeps empty strings, false and 0", () => {
    expect(serializeQuery({ a: undefined, b: "", c: false, d: 0, e: undefined })).toBe("b=&c=false&d=0")
  })

  it("ignores inherited properties", () => {
    const query = Object.assign(Object.create({ inherited: "x" }) as Record<string, string>, { own: "y" })
    expect(serializeQuery(query)).toBe("own=y")
  })

  it("encodes unicode as UTF-8 percent escapes", () => {
    expect(serializeQuery({ note: "取消 ✓" })).toBe("note=%E5%8F%96%E6%B6%88%20%E2%9C%93")
  })
})

describe("signRequest: header values", () => {
  const bad = [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, 2 ** 53]

  it.each(bad)("throws RangeError for the timestamp %s", (timestamp) => {
    expect(() => signRequest({ ...base, timestamp, method: "POST", body: {} })).toThrow(RangeError)
    expect(() => signRequest({ ...base, timestamp, method: "GET" })).toThrow(/timestamp/)
  })

  it.each([...bad, 0])("throws RangeError for the receive window %s", (recvWindow) => {
    expect(() => signRequest({ ...base, recvWindow, method: "POST", body: {} })).toThrow(RangeError)
    expect(() => signRequest({ ...base, recvWindow, method: "GET" })).toThrow(/recvWindow/)
  })

  it("writes timestamp and receive window as decimal integers", () => {
    const signed = signRequest({ ...base, timestamp: 1_700_000_000_000, recvWindow: 20_000, method: "GET" })
    expect(signed.headers["X-BAPI-TIMESTAMP"]).toBe("1700000000000")
    expect(signed.headers["X-BAPI-RECV-WINDOW"]).toBe("20000")
  })
})
