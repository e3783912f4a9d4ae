import { createServer } from "node:http"
import { hmacSigner, signRequest } from "@effect-bybit/signing"
import { MOCK_API_KEY, MOCK_API_SECRET, MOCK_UID, makeMockExchange, startMockServer } from "./src/index.js"

const T0 = 1_700_000_000_000
const N = 8000
const withdrawals = Array.from({ length: N }, (_, i) => ({
  withdrawId: String(1_000_000 + i),
  uid: MOCK_UID,
  coin: "USDT",
  chain: "ETH",
  amount: "1",
  withdrawFee: "1",
  status: "Pending" as const,
  toAddress: "0x8c",
  tag: "",
  txID: "",
  createTime: T0 - 60_000,
  updateTime: T0 - 60_000,
  withdrawType: 0 as const
}))
const ex = makeMockExchange({ now: T0, withdrawals, rateLimits: { cancel: { limit: 1e9, windowMs: 60000 } } })
const mock = await startMockServer({ exchange: ex })
const SUCCESS = Buffer.from(
  '{"retCode":0,"retMsg":"success","result":{"status":1},"retExtInfo":{},"time":1672197228408}'
)
const bare = createServer((req, res) => {
  req.resume()
  req.on("end", () =>
    res
      .writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": SUCCESS.length })
      .end(SUCCESS)
  )
})
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r))
const bareUrl = `http://127.0.0.1:${(bare.address() as any).port}`
const signer = hmacSigner(MOCK_API_SECRET)
let next = 0
const one = async (url: string, id: string) => {
  const s = signRequest({ method: "POST", signer, apiKey: MOCK_API_KEY, timestamp: T0, recvWindow: 5000, body: { id } })
  const r = await fetch(`${url}/v5/asset/withdraw/cancel`, {
    method: "POST",
    body: s.body,
    headers: { ...s.headers, "Content-Type": "application/json" }
  })
  const j: any = await r.json()
  if (j.retCode !== 0) throw new Error(JSON.stringify(j))
}
const run = async (which: string, n: number) => {
  const t = performance.now()
  for (let b = 0; b < n; b++)
    await Promise.all(
      Array.from({ length: 50 }, () => one(which === "mock" ? mock.url : bareUrl, withdrawals[next++ % N]!.withdrawId))
    )
  return ((n * 50) / (performance.now() - t)) * 1000
}
await run("bare", 5)
await run("mock", 5)
let m = 0,
  b = 0
for (let i = 0; i < 6; i++) {
  b += await run("bare", 10)
  m += await run("mock", 10)
}
console.log("mock", (m / 6).toFixed(0), "bare", (b / 6).toFixed(0), "ratio", (m / b).toFixed(2))
await mock.close()
bare.closeAllConnections()
bare.close()
