// The loopback server of profile.ts, in its own process (its time stays out of the profile).
import { createServer } from "node:http"

const SUCCESS = JSON.stringify({ retCode: 0, retMsg: "success", result: { status: 1 }, retExtInfo: {}, time: 1 })
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    const now = Date.now()
    const answer = req.url.startsWith("/v5/market/time")
      ? JSON.stringify({
          retCode: 0,
          retMsg: "OK",
          result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
          time: now
        })
      : SUCCESS
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(answer),
      "x-bapi-limit": "1000000",
      "x-bapi-limit-status": "999999",
      "x-bapi-limit-reset-timestamp": String(now)
    })
    res.end(answer)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => process.send(`http://127.0.0.1:${server.address().port}`))
