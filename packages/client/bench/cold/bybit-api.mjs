// Cold start, bybit-api (the most used Node SDK) doing the same cancel: RestClientV5 built, one
// cancelWithdrawal sent to the URL in argv[2], its answer checked, then exit.
// Prints {"result":"cancelled","maxRSS":<KiB>} on stdout. Run by bench/coldStart.ts.
import { RestClientV5 } from "bybit-api"

const client = new RestClientV5({ key: "k", secret: "secret-secret", baseUrl: process.argv[2], recv_window: 5000 })
const json = await client.cancelWithdrawal("10197")
if (json.retCode !== 0 || json.result?.status !== 1) process.exit(1)
process.stdout.write(JSON.stringify({ result: "cancelled", maxRSS: process.resourceUsage().maxRSS }))
process.exit(0)
