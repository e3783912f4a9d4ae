// The baseline: one cancel with bybit-api (RestClientV5.cancelWithdrawal) from a cold process.
// argv: <path of bybit-api's entry> <base URL> <id>; the key and secret from the environment.
import { createRequire } from "node:module"

const [entry, baseUrl, id] = process.argv.slice(2)
const { RestClientV5 } = createRequire(import.meta.url)(entry)
const client = new RestClientV5({
  key: process.env.BYBIT_API_KEY,
  secret: process.env.BYBIT_API_SECRET,
  baseUrl
})
const answer = await client.cancelWithdrawal(id)
console.log(answer.retCode)
