// Cold start, the Effect 4 line's client: what a user's ESM program loads (the package's built
// `dist` entry, resolved by its name), one layer built, one cancel sent to the URL in argv[2], then
// exit. Default options (time sync on: a GET of the server time first) unless TIME_SYNC=false.
// Prints {"result":"cancelled","maxRSS":<KiB>} on stdout. Run by bench/coldStart.ts.
import { NodeHttpClient } from "@effect/platform-node"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { Effect, Layer, Redacted } from "effect"

const url = process.argv[2]
const layer = BybitClient.layer({
  credentials: BybitConfig.hmac({ apiKey: "k", apiSecret: Redacted.make("secret-secret") }),
  baseUrl: url,
  ...(process.env.TIME_SYNC === "false" ? { timeSync: false } : {})
}).pipe(Layer.provide(NodeHttpClient.layerUndici))
const result = await Effect.runPromise(Effect.provide(Withdrawals.cancel({ id: "10197" }), layer))
if (result.status !== "cancelled" || result.id !== "10197") process.exit(1)
process.stdout.write(JSON.stringify({ result: "cancelled", maxRSS: process.resourceUsage().maxRSS }))
process.exit(0)
