// Placeholder main job until the client and the mock exchange land: signs the seed's cancel
// request and prints what would be sent.
import { hmacSigner, signRequest } from "@effect-bybit/signing"

const signed = signRequest({
  method: "POST",
  signer: hmacSigner("mock-api-secret"),
  apiKey: "mock-api-key",
  timestamp: 1672197227732,
  recvWindow: 5000,
  body: { id: "10197" }
})
console.log("POST /v5/asset/withdraw/cancel")
for (const [name, value] of Object.entries(signed.headers)) console.log(`${name}: ${value}`)
console.log(`\n${signed.body}`)
