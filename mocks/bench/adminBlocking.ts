// How long one admin answer holds the event loop, with the exchange at every cap: 1,000 faults at
// their size caps, 10,000 withdrawals with 128-character fields, a journal of 1,000 entries with
// 4,096-character bodies and queries. An admin answer is built synchronously (route, copy, JSON),
// so its build time is the time the loop is blocked. Prints one line per route, worst of 20 runs.
//   npx tsx --conditions=@effect-bybit/source mocks/bench/adminBlocking.ts
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import {
  FAULT_TEXT_LIMITS,
  MAX_PENDING_FAULTS,
  MAX_WITHDRAWALS,
  MOCK_API_KEY,
  MOCK_API_SECRET,
  makeMockExchange,
  WITHDRAWAL_TEXT_CHARS
} from "../src/index.js"
import { handleAdmin } from "../src/internal/admin.js"

const text = (n: number, c = "x") => c.repeat(n)
const exchange = makeMockExchange({ now: 1_700_000_000_000 })
const L = FAULT_TEXT_LIMITS
for (let i = 0; i < MAX_PENDING_FAULTS; i++) {
  exchange.faults.inject(
    { _tag: "RetCode", retCode: 10016, retMsg: text(L.retMsg) },
    {
      path: `/${text(L.path - 1)}`,
      match: Object.fromEntries(
        Array.from({ length: L.matchNames }, (_, j) => [`${j}${text(L.match - 1)}`, text(L.match)])
      )
    }
  )
}
const base = exchange.withdrawal("10197")!
for (let i = exchange.withdrawals().length; i < MAX_WITHDRAWALS; i++) {
  exchange.addWithdrawal({
    ...base,
    withdrawId: String(5_000_000 + i),
    chain: text(WITHDRAWAL_TEXT_CHARS),
    toAddress: text(WITHDRAWAL_TEXT_CHARS),
    tag: text(WITHDRAWAL_TEXT_CHARS),
    txID: text(WITHDRAWAL_TEXT_CHARS)
  })
}
const signer = hmacSigner(MOCK_API_SECRET)
for (let i = 0; i < exchange.limits.journalSize; i++) {
  const signed = signRequest({
    method: "POST",
    signer,
    apiKey: MOCK_API_KEY,
    timestamp: 1,
    recvWindow: 5000,
    body: text(8_000)
  })
  exchange.handle({
    method: "POST",
    path: "/v5/asset/withdraw/cancel",
    query: text(8_000, "q"),
    headers: new Headers({ ...signed.headers, "content-type": "application/json", "user-agent": text(200, "u") }),
    body: signed.body
  })
}

for (const route of ["/__admin/withdrawals", "/__admin/requests", "/__admin/faults", "/__admin/health"]) {
  let worst = 0
  let bytes = 0
  for (let run = 0; run < 20; run++) {
    const started = performance.now()
    const answer = handleAdmin(exchange, "GET", route, "", undefined)
    bytes = Buffer.byteLength(answer.body)
    worst = Math.max(worst, performance.now() - started)
  }
  console.log(`${route}: worst ${worst.toFixed(1)} ms of 20, ${(bytes / 1024).toFixed(0)} KiB`)
}
