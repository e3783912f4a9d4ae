/**
 * The recipe `mock-server` prints: how to point curl, Python, another SDK and this client at the
 * standalone mock. The secret is never printed, not even the mock's: the shell reads it from the
 * mock's source, and every snippet takes it from `BYBIT_API_SECRET`.
 */
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { MOCK_API_KEY } from "@effect-bybit/mock-exchange"

/** The mock's seed module, where `MOCK_API_SECRET` is defined (shipped in the package's `src`). */
const seedFile = join(
  dirname(createRequire(import.meta.url).resolve("@effect-bybit/mock-exchange/package.json")),
  "src",
  "seed.ts"
)

/** Exports the mock's key and secret into the shell (the secret without echoing it). */
export const credentialsRecipe = (): string =>
  [
    `export BYBIT_API_KEY=${MOCK_API_KEY}`,
    `export BYBIT_API_SECRET="$(sed -n 's/^export const MOCK_API_SECRET = "\\(.*\\)"$/\\1/p' '${seedFile}')"`
  ].join("\n")

/** A signed cancel with curl, the signature computed by openssl (Bybit V5: HMAC-SHA256, hex). */
export const curlRecipe = (url: string, id = "10197"): string =>
  [
    "TS=$(( $(date +%s) * 1000 ))",
    `BODY='{"id":"${id}"}'`,
    `SIGN=$(printf '%s' "\${TS}\${BYBIT_API_KEY}5000\${BODY}" | openssl dgst -sha256 -hmac "$BYBIT_API_SECRET" | awk '{print $NF}')`,
    `curl -sS ${url}/v5/asset/withdraw/cancel -H 'Content-Type: application/json' \\`,
    `  -H "X-BAPI-API-KEY: $BYBIT_API_KEY" -H "X-BAPI-TIMESTAMP: $TS" -H 'X-BAPI-RECV-WINDOW: 5000' \\`,
    `  -H "X-BAPI-SIGN: $SIGN" -d "$BODY"; echo`
  ].join("\n")

/** The same with Python's standard library only. */
export const pythonRecipe = (url: string, id = "10197"): string =>
  [
    "import hashlib, hmac, json, os, time, urllib.request",
    "",
    'key, secret = os.environ["BYBIT_API_KEY"], os.environ["BYBIT_API_SECRET"]',
    `body = json.dumps({"id": "${id}"})`,
    "ts = str(int(time.time() * 1000))",
    'sign = hmac.new(secret.encode(), (ts + key + "5000" + body).encode(), hashlib.sha256).hexdigest()',
    'headers = {"Content-Type": "application/json", "X-BAPI-API-KEY": key, "X-BAPI-TIMESTAMP": ts,',
    '           "X-BAPI-RECV-WINDOW": "5000", "X-BAPI-SIGN": sign}',
    `request = urllib.request.Request("${url}/v5/asset/withdraw/cancel", data=body.encode(), headers=headers)`,
    "print(urllib.request.urlopen(request).read().decode())"
  ].join("\n")

/** The most used Node SDK (`bybit-api`, not a dependency of this repository) takes a base URL too. */
export const nodeSdkRecipe = (url: string, id = "10197"): string =>
  [
    'import { RestClientV5 } from "bybit-api"',
    `const client = new RestClientV5({ key: process.env.BYBIT_API_KEY, secret: process.env.BYBIT_API_SECRET, baseUrl: "${url}" })`,
    `console.log(await client.cancelWithdrawal("${id}"))`
  ].join("\n")

/** This repository's client: the examples go live when BYBIT_API_KEY and BYBIT_BASE_URL are set. */
export const thisClientRecipe = (url: string, id = "10200"): string =>
  `BYBIT_BASE_URL=${url} npx pnpm@10.34.8 --filter @effect-bybit/examples cancel-withdrawal ${id}`

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => (line === "" ? "" : `    ${line}`))
    .join("\n")

/** The whole recipe, as printed. */
export const recipe = (url: string): string =>
  [
    `1. Export the mock's test-only credentials (key ${MOCK_API_KEY}; the secret is read from the mock's source, not shown):`,
    indent(credentialsRecipe()),
    "",
    "2. Cancel 10197 with curl, signing with openssl:",
    indent(curlRecipe(url)),
    "",
    "3. The same in Python, for 10198 (standard library only; save as cancel.py, run python3 cancel.py):",
    indent(pythonRecipe(url, "10198")),
    "",
    "4. Another SDK, e.g. bybit-api for Node (not installed here), for 10199: give it the base URL.",
    indent(nodeSdkRecipe(url, "10199")),
    "",
    "5. This repository's client, for 10200 (an example goes to BYBIT_BASE_URL when it and BYBIT_API_KEY are set):",
    indent(thisClientRecipe(url)),
    "",
    "Every cancel changes the server's state: cancelling the same id twice answers retCode 131099 (not",
    "cancellable). Restart the server for a fresh state; 10201 (BTC) is pending too."
  ].join("\n")
