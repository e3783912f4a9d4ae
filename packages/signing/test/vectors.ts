/**
 * Test vectors for Bybit V5 signing. Every expected signature was produced OUTSIDE this project,
 * by the command written next to it (OpenSSL 3.0 and Python 3.11 `hmac`, both run on 2026-11-24 and
 * agreeing for every HMAC vector). Re-run a command to check a vector: its output is the value.
 *
 * Shell helper used in the commands below (bash, UTF-8 locale):
 *
 *   hmac() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1"; }          # prints SHA2-256(stdin)= <hex>
 *   pyhmac() { python3 -c 'import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode("utf-8"),
 *     sys.argv[2].encode("utf-8"), hashlib.sha256).hexdigest())' "$1" "$2"; }
 */

/** One HMAC vector: the inputs of `signaturePayload`, the secret, and the signature computed outside. */
export interface HmacVector {
  readonly name: string
  readonly secret: string
  readonly apiKey: string
  readonly timestamp: number
  readonly recvWindow: number
  readonly payload: string
  /** The exact string signed: `timestamp + apiKey + recvWindow + payload`. */
  readonly message: string
  /** Lowercase hex HMAC-SHA256, from the command in the comment above the vector. */
  readonly signature: string
}

const vector = (v: Omit<HmacVector, "message">): HmacVector => ({
  ...v,
  message: `${v.timestamp}${v.apiKey}${v.recvWindow}${v.payload}`
})

/** The seed page's request: `POST /v5/asset/withdraw/cancel` at 1672197227732 with a 5000 ms window. */
export const SEED_TIMESTAMP = 1672197227732
export const SEED_RECV_WINDOW = 5000
export const MOCK_API_KEY = "mock-api-key"
export const MOCK_API_SECRET = "mock-api-secret"
/** The body as `JSON.stringify({ id: "10197" })` writes it. */
export const SEED_BODY_COMPACT = '{"id":"10197"}'
/** The body as the seed's Python sample writes it (`json.dumps(data)` puts a space after `:`). */
export const SEED_BODY_SPACED = '{"id": "10197"}'
/** A 10 KB body: `{"pad":"0123456789abcdef" x 640}` (10,250 characters). */
export const LONG_BODY = `{"pad":"${"0123456789abcdef".repeat(640)}"}`

export const hmacVectors = {
  // hmac mock-api-secret '1672197227732mock-api-key5000{"id":"10197"}'
  // pyhmac mock-api-secret '1672197227732mock-api-key5000{"id":"10197"}'
  seedCompact: vector({
    name: "seed request, compact JSON body",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: SEED_BODY_COMPACT,
    signature: "bea700e40caaed1172c8ba1d6da27b756b56ec53d6ee264f2cde1fdff56ff8dc"
  }),
  // hmac mock-api-secret '1672197227732mock-api-key5000{"id": "10197"}'
  // python3 -c 'import hmac,hashlib,json; print(hmac.new(b"mock-api-secret",
  //   ("1672197227732" + "mock-api-key" + "5000" + json.dumps({"id": "10197"})).encode("utf-8"),
  //   hashlib.sha256).hexdigest())'
  seedSpaced: vector({
    name: "seed request, spaced JSON body (Python json.dumps)",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: SEED_BODY_SPACED,
    signature: "3f05cec6f492454a72f1d61964c5a881d6fe17cbe8010fff0318f53929c1b3c8"
  }),
  // The seed's Python sample run as written, with its placeholder key and secret, the timestamp
  // fixed and `secret_key` read as `api_secret` (the sample's undefined name):
  //   param_str = "1672197227732" + "<api_key от биржи bybit>" + "5000" + json.dumps({"id": "10197"})
  //   hmac.new(key="<api_secret от биржи bybit>".encode("utf-8"), msg=param_str.encode("utf-8"),
  //            digestmod=hashlib.sha256).hexdigest()
  // hmac '<api_secret от биржи bybit>' '1672197227732<api_key от биржи bybit>5000{"id": "10197"}'
  seedPlaceholders: vector({
    name: "seed Python sample with the page's placeholder key and secret",
    secret: "<api_secret от биржи bybit>",
    apiKey: "<api_key от биржи bybit>",
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: SEED_BODY_SPACED,
    signature: "8c1afdab81ba2e4ea7809ca501a126a2c804f2b2e8f9b5aaa537b1845383b5b3"
  }),
  // hmac mock-api-secret '1672197227732mock-api-key5000coin=USDT&withdrawType=2&limit=50'
  // pyhmac mock-api-secret '1672197227732mock-api-key5000coin=USDT&withdrawType=2&limit=50'
  getQuery: vector({
    name: "GET query string (withdraw/query-record)",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: "coin=USDT&withdrawType=2&limit=50",
    signature: "27cc81e0436614dfff47d049f5fe80b217bd50ac1b0b54d0b4956d478e78fc0b"
  }),
  // hmac mock-api-secret '1672197227732mock-api-key5000'
  // pyhmac mock-api-secret '1672197227732mock-api-key5000'
  getEmptyQuery: vector({
    name: "GET without a query string",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: "",
    signature: "8ea438b79f305c78cf9d02d982954e6e83a5aaf6bb14d2927f12e7eb4b6dd8a3"
  }),
  // hmac mock-api-secret '1672197227732mock-api-key5000{"note":"отмена вывода — 取消 ✓ 🚀"}'
  // pyhmac mock-api-secret '1672197227732mock-api-key5000{"note":"отмена вывода — 取消 ✓ 🚀"}'
  unicodeBody: vector({
    name: "unicode body (Cyrillic, CJK, astral emoji) signed as UTF-8",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: '{"note":"отмена вывода — 取消 ✓ 🚀"}',
    signature: "380bc4ed00227d7dcb42cd0c42c9cf33d8641678a5710c9424e0c2a4fcc17c2d"
  }),
  // hmac 'секрет-🔑' '1672197227732mock-api-key5000{"id":"10197"}'
  // pyhmac 'секрет-🔑' '1672197227732mock-api-key5000{"id":"10197"}'
  unicodeSecret: vector({
    name: "unicode secret, keyed with its UTF-8 bytes",
    secret: "секрет-🔑",
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: SEED_BODY_COMPACT,
    signature: "afec8cec962d342b188b37fc3aa513e281f3b913fd7de22e150f998dc094ac54"
  }),
  // long="1672197227732mock-api-key5000{\"pad\":\"$(printf '0123456789abcdef%.0s' $(seq 640))\"}"
  // echo ${#long}   # 10279
  // hmac mock-api-secret "$long"; pyhmac mock-api-secret "$long"
  longBody: vector({
    name: "10 KB body",
    secret: MOCK_API_SECRET,
    apiKey: MOCK_API_KEY,
    timestamp: SEED_TIMESTAMP,
    recvWindow: SEED_RECV_WINDOW,
    payload: LONG_BODY,
    signature: "dfae7039fb3f5f7e54cff0dda7a4d6e193beb12bb30e7f92884e8343b8b83a09"
  })
} as const satisfies Record<string, HmacVector>

/**
 * RSA-SHA256 (PKCS#1 v1.5 is deterministic, so a signature is a fixed vector) with the test-only key
 * in `fixtures/`, made by OpenSSL from the directory test/fixtures:
 *
 *   printf '%s' "$msg" | openssl dgst -sha256 -sign rsa-private-pkcs8.pem | base64 -w0
 *   printf '%s' "$msg" | openssl dgst -sha256 -sign rsa-private-pkcs1.pem | base64 -w0   # same output
 */
export const rsaVectors = {
  // msg='1672197227732mock-api-key5000{"id":"10197"}'
  seedCompact: {
    message: hmacVectors.seedCompact.message,
    signature:
      "Vq7UlxB/cRZA+uDiq0gXSpDC/fEVplog20CYCOsUnElx6grJn/njh8Bg5g257vbsd/ILhX6l3ngQNXSO/mA6dE2+RWNppf9WHzLj8PXNo95Z8D5SuQKZrfkRMa2ixvQnTe36LzC+ewy+Gsr/xuEoc9zMeayqCScOxluFJq/lj4JtISVS6SIGtr5/gVns46tjRz3o4TnKWdyqFTcqAGXRwfvUyh3WzymJwckszUrG2yU3rzt86Jb5wGTvKQBgb19LSCGZbZmnoqmwFdzW8CpRJ19nB5uvtDZksgHxnwJgwlLqwY0K0TG/4IowYb79nVtFMQOkE+NM8zz+rLrhFaWgeA=="
  },
  // msg='1672197227732mock-api-key5000{"id": "10197"}'
  seedSpaced: {
    message: hmacVectors.seedSpaced.message,
    signature:
      "irH8lUdx2PuU5q4+cYG7E1tIHVm5PeFhmt5DwqzlumFLEL1G18eKJTtLeN+LoNNRVCLgkS+2CmmhSSg30DjM6TjPG49aF5ApzKv3X2eNTAvm+SD4mR9QaefAOlwBsoEOtgrF5OLf++KE5qktsqkzxwJuWqk24S9+9MLxgDRpk9/3perAACoQ5pb1zVtZjorcJpThLd8TR2INXMtxTjiE2YAWh+4hKL2cUrzk96/fIjXuaPxQRh8GKxiyN7d6hhvFZbk2iiol8jIDsGD9T1zcxz/nay7yjcZnE8G3lyyNdZZ0sghWH9WHnTKAfvfrKR4V7RAGMtMY/QmemebUEuZgdg=="
  }
} as const
