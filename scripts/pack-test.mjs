#!/usr/bin/env node
// Proves the published packages work outside the workspace, installed the way the README's Install
// section says today: `pnpm pack:all` (scripts/pack-all.mjs) builds every publishable package and
// packs it into one folder, and the npm and pnpm lines it prints are run as printed, in scratch
// projects in the OS temp directory. Per package an ESM smoke script imports it by name and checks
// real behaviour (with npm and with pnpm), and a small .ts file is typechecked against the shipped
// .d.ts with the workspace's TypeScript.
//
// The tarballs go into one project per line: the Effect 4 client next to effect 4, the Effect 3
// client next to effect 3, the signing package and the mock exchange in a project without Effect;
// each holds exactly one copy of effect (none without Effect). The command-line package gets its
// own project: `npx @effect-bybit/cli --help`, then a real `cancel-pending` run against the mock
// exchange started by `npx @effect-bybit/mock-exchange` from the same tarballs.
//
// Then the READMEs' own install and usage lines run, exactly as written, in fresh projects, one per
// line and package manager (scripts/readme-test.mjs): one copy of effect, every usage snippet
// typechecked and run against the mock server started by a README's `npx @effect-bybit/mock-exchange`
// line (or answered by the mock's MSW handlers, as its marker says), and each line's "Testing your
// code" snippet run by `npx vitest run`.
// That part needs the npm registry (and loopback); README_TEST=0 skips it.
//
//   bash scripts/node24.sh node scripts/pack-test.mjs   (Node 22.19+: the CLI's engines)
//   PACK_TEST_KEEP=1 ...                               keeps the scratch project for inspection
//
// Exits non-zero on failure; the last line is a one-line result.
import { spawn, spawnSync } from "node:child_process"
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { basename, join, relative } from "node:path"
import { installLines, packAll, pnpmCommand, root, run, workspacePackages } from "./pack-all.mjs"
import { EFFECT_MAJOR, effectCopies, runReadmes } from "./readme-test.mjs"

/**
 * The packages to test. `smoke` is an ESM module run by node in the scratch project; `types` is a
 * TypeScript module typechecked there (strict, NodeNext). Both import the package by its name.
 * Workspace packages a listed package depends on are packed and installed too (without a smoke).
 */
const packages = [
  {
    dir: "packages/signing",
    project: "plain",
    smoke: `
import assert from "node:assert/strict"
import { hmacSigner, InvalidKeyError, signaturePayload, signRequest, verifyHmacSha256 } from "@effect-bybit/signing"

// The installed build is used, not the workspace sources.
assert.match(import.meta.resolve("@effect-bybit/signing"), /\\/node_modules\\/@effect-bybit\\/signing\\/dist\\/index\\.js$/)

// The seed request, signed outside the project:
// printf '%s' '1672197227732mock-api-key5000{"id":"10197"}' | openssl dgst -sha256 -hmac mock-api-secret
const expected = "bea700e40caaed1172c8ba1d6da27b756b56ec53d6ee264f2cde1fdff56ff8dc"
const message = signaturePayload({ timestamp: 1672197227732, apiKey: "mock-api-key", recvWindow: 5000, payload: '{"id":"10197"}' })
assert.equal(hmacSigner("mock-api-secret").sign(message), expected)
assert.equal(verifyHmacSha256("mock-api-secret", message, expected), true)

const signed = signRequest({
  method: "POST", signer: hmacSigner("mock-api-secret"), apiKey: "mock-api-key",
  timestamp: 1672197227732, recvWindow: 5000, body: { id: "10197" }
})
assert.equal(signed.body, '{"id":"10197"}')
assert.equal(signed.headers["X-BAPI-SIGN"], expected)
assert.throws(() => hmacSigner(""), InvalidKeyError)
`,
    types: `
import { hmacSigner, type SignedPost, type Signer, signRequest } from "@effect-bybit/signing"

const signer: Signer = hmacSigner("mock-api-secret")
const signed: SignedPost = signRequest({ method: "POST", signer, apiKey: "k", timestamp: 1, recvWindow: 5000, body: {} })
export const sign: string = signed.headers["X-BAPI-SIGN"]
// @ts-expect-error the secret is a string: fails only if the .d.ts files were found and are typed
hmacSigner(42)
`
  },
  {
    // The product as a user installs it: the mock exchange's standalone server on loopback, and the
    // client cancelling the seed's withdrawal through it over real HTTP.
    dir: "mocks",
    project: "plain",
    smoke: `
import assert from "node:assert/strict"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID, startMockServer } from "@effect-bybit/mock-exchange"

assert.match(import.meta.resolve("@effect-bybit/mock-exchange"), /\\/node_modules\\/@effect-bybit\\/mock-exchange\\/dist\\/index\\.js$/)
const server = await startMockServer({ port: 0 })
try {
  const response = await fetch(server.url + "/v5/market/time")
  const body = await response.json()
  assert.equal(body.retCode, 0)
  assert.equal(typeof body.result.timeSecond, "string")
  assert.equal(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status, "Pending")
  assert.equal(typeof MOCK_API_KEY, "string")
  assert.equal(typeof MOCK_API_SECRET, "string")
} finally {
  await server.close()
}
`,
    types: `
import { makeMockExchange, type MockExchange } from "@effect-bybit/mock-exchange"

export const exchange: MockExchange = makeMockExchange()
// @ts-expect-error the options are an object: fails only if the .d.ts files were found and are typed
makeMockExchange(42)
`
  },
  {
    // The Effect 4 line next to effect@latest (npm takes the peer's newest match): a cancel through
    // the standalone mock over real HTTP, then one on the in-process test layer (/testing).
    dir: "packages/client",
    project: "effect4",
    smoke: `
import assert from "node:assert/strict"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client"
import { MockExchange } from "@effect-bybit/client/testing"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID, startMockServer } from "@effect-bybit/mock-exchange"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"

assert.match(import.meta.resolve("@effect-bybit/client"), /\\/node_modules\\/@effect-bybit\\/client\\/dist\\/index\\.js$/)
const credentials = BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) })
const server = await startMockServer({ port: 0 })
try {
  const layer = BybitClient.layer({ credentials, baseUrl: server.url })
  const run = (effect) => Effect.runPromise(effect.pipe(Effect.provide(layer), Effect.provide(FetchHttpClient.layer)))
  const result = await run(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
  assert.equal(result.status, "cancelled")
  assert.equal(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status, "CancelByUser")
  const again = await run(Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
  assert.equal(again._tag, "WithdrawalNotCancellable")
} finally {
  await server.close()
}
const onLayer = Effect.gen(function* () {
  const exchange = yield* MockExchange
  const result = yield* Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })
  return [result.status, exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status]
}).pipe(Effect.provide(BybitClient.layer({ credentials, environment: "testnet" }).pipe(Layer.provideMerge(MockExchange.layer()))))
assert.deepEqual(await Effect.runPromise(onLayer), ["cancelled", "CancelByUser"])
`,
    types: `
import { BybitClient, Withdrawals } from "@effect-bybit/client"
import { Effect } from "effect"
import { FetchHttpClient } from "effect/http"

const program = Withdrawals.cancel({ id: "10197" }).pipe(
  Effect.catchTags({
    WithdrawalNotCancellable: (e) => Effect.succeed(\`not cancellable: \${e.id}\`),
    RateLimitExceeded: (e) => Effect.succeed(\`rate limited until \${e.resetAt}\`)
  })
)
export const main = program.pipe(Effect.provide(BybitClient.layerConfig()), Effect.provide(FetchHttpClient.layer))
// @ts-expect-error the id is a string: fails only if the .d.ts files were found and are typed
Withdrawals.cancel({ id: 10197 })
`
  },
  {
    dir: "packages/client-effect3",
    project: "effect3",
    smoke: `
import assert from "node:assert/strict"
import { FetchHttpClient } from "@effect/platform"
import { BybitClient, BybitConfig, Withdrawals } from "@effect-bybit/client-effect3"
import { MOCK_API_KEY, MOCK_API_SECRET, SEED_WITHDRAWAL_ID, startMockServer } from "@effect-bybit/mock-exchange"
import { Effect, Redacted } from "effect"

assert.match(import.meta.resolve("@effect-bybit/client-effect3"), /\\/node_modules\\/@effect-bybit\\/client-effect3\\/dist\\/index\\.js$/)
const server = await startMockServer({ port: 0 })
try {
  const layer = BybitClient.layer({
    credentials: BybitConfig.hmac({ apiKey: MOCK_API_KEY, apiSecret: Redacted.make(MOCK_API_SECRET) }),
    baseUrl: server.url
  })
  const run = (effect) => Effect.runPromise(effect.pipe(Effect.provide(layer), Effect.provide(FetchHttpClient.layer)))
  const result = await run(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID }))
  assert.equal(result.id, SEED_WITHDRAWAL_ID)
  assert.equal(result.status, "cancelled")
  assert.equal(server.exchange.withdrawal(SEED_WITHDRAWAL_ID)?.status, "CancelByUser")
  const again = await run(Effect.flip(Withdrawals.cancel({ id: SEED_WITHDRAWAL_ID })))
  assert.equal(again._tag, "WithdrawalNotCancellable")
} finally {
  await server.close()
}
`,
    types: `
import { BybitClient, Withdrawals } from "@effect-bybit/client-effect3"
import { FetchHttpClient } from "@effect/platform"
import { Effect } from "effect"

const program = Withdrawals.cancel({ id: "10197" }).pipe(
  Effect.catchTags({
    WithdrawalNotCancellable: (e) => Effect.succeed(\`not cancellable: \${e.id}\`),
    RateLimitExceeded: (e) => Effect.succeed(\`rate limited until \${e.resetAt}\`)
  })
)
export const main = program.pipe(Effect.provide(BybitClient.layerConfig()), Effect.provide(FetchHttpClient.layer))
// @ts-expect-error the id is a string: fails only if the .d.ts files were found and are typed
Withdrawals.cancel({ id: 10197 })
`
  }
]

const keep = process.env.PACK_TEST_KEEP === "1"

/** A printed install line, run by a shell as a user pastes it. */
const shell = (line, options) => run("sh", ["-c", line], options)

/**
 * Every file a package names (exports targets, bin) is in its tarball, and no build or test file is.
 * Generic over how a package is built (tsc or a bundle).
 */
const checkTarball = (name, info, manifest) => {
  const targets = new Set(["package.json"])
  const collect = (value) => {
    if (typeof value === "string") targets.add(value.replace(/^\.\//, ""))
    else if (value !== null && typeof value === "object") for (const v of Object.values(value)) collect(v)
  }
  collect(manifest.exports)
  collect(typeof manifest.bin === "string" ? { [name]: manifest.bin } : manifest.bin)
  for (const target of targets) {
    if (!info.files.includes(target))
      throw new Error(`${name}: the tarball has no ${target} (${info.files.join(", ")})`)
  }
  if (info.files.some((f) => f.endsWith(".tsbuildinfo") || f.startsWith("test/"))) {
    throw new Error(`${name}: the tarball ships build or test files: ${info.files.join(", ")}`)
  }
}

/** `pnpm` on PATH for the printed pnpm lines, and none of the npm/pnpm settings of whatever started us. */
const scratchEnv = (scratch) => {
  // Not scratch/bin: the README part (readme-test.mjs) makes that one for its own projects.
  const shims = join(scratch, "pnpm-bin")
  mkdirSync(shims)
  const [pnpm, pnpmArgs] = pnpmCommand()
  const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`
  writeFileSync(join(shims, "pnpm"), `#!/bin/sh\nexec ${[pnpm, ...pnpmArgs].map(quote).join(" ")} "$@"\n`)
  chmodSync(join(shims, "pnpm"), 0o755)
  const env = { ...process.env, PATH: `${shims}:${process.env.PATH ?? ""}` }
  for (const name of Object.keys(env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(name) || name.startsWith("BYBIT_")) delete env[name]
  }
  return env
}

/** A fresh project of a user's, `name`d, in `dir`. */
const userProject = (dir, name) => {
  mkdirSync(dir)
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name, private: true, type: "module" }, null, 2)}\n`)
}

/** One copy of effect of the project's line in a pnpm project (none in `plain`). */
const pnpmEffectCopies = (dir, group) => {
  const major = EFFECT_MAJOR[group]
  const copies = readdirSync(join(dir, "node_modules", ".pnpm")).filter((entry) => entry.startsWith("effect@"))
  const ok = major === undefined ? copies.length === 0 : copies.length === 1 && copies[0].startsWith(`effect@${major}.`)
  if (!ok) throw new Error(`${dir}: effect in node_modules/.pnpm: ${copies.join(", ") || "none"}`)
  return major === undefined ? "no effect" : `one copy of effect (${copies[0]})`
}

/**
 * Starts `npx @effect-bybit/mock-exchange --port 0` in `cwd` and resolves once it prints the URL it
 * listens on (its own readiness signal; the bound only catches a hang). `stop()` is Ctrl+C.
 */
const startMock = async (cwd, env) => {
  const child = spawn("npx", ["--no-install", "@effect-bybit/mock-exchange", "--port", "0"], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve(code ?? signal)))
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock printed no URL in 180 s:\n${output}`)), 180_000)
    const read = (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      resolve(match[1])
    }
    child.stdout.on("data", read)
    child.stderr.on("data", read)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`the mock exited (${code}) before it listened:\n${output}`))
    })
  })
  return {
    url,
    stop: async () => {
      process.kill(-child.pid, "SIGINT")
      await exited
      if (!/stopped \(SIGINT\)/.test(output)) throw new Error(`the mock did not stop cleanly on Ctrl+C:\n${output}`)
    }
  }
}

/** The mock's withdrawals, through its admin API. */
const mockWithdrawals = async (url) =>
  (await fetch(`${url}/__admin/withdrawals?limit=1000`).then((r) => r.json())).withdrawals

/**
 * The command-line package as a user installs it from the tarballs: `--help`, then a real
 * `cancel-pending` against the mock exchange started with `npx` from the same project.
 */
const cliRun = async (project, env, step) => {
  const help = run("npx", ["--no-install", "@effect-bybit/cli", "--help"], { cwd: project, env })
  if (!/cancel-pending/.test(help)) throw new Error(`npx @effect-bybit/cli --help names no cancel-pending:\n${help}`)
  step(`${basename(project)}: npx @effect-bybit/cli --help`)

  const mock = await startMock(project, env)
  try {
    // Three more pending withdrawals of the mock's default account (UID 1000001), beside the seed's.
    for (const [i, coin] of ["USDT", "USDT", "BTC"].entries()) {
      const response = await fetch(`${mock.url}/__admin/withdrawals`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          withdrawId: String(950001 + i),
          uid: "1000001",
          coin,
          chain: "ETH",
          amount: "1.5",
          status: "Pending",
          toAddress: "0x0000000000000000000000000000000000000001"
        })
      })
      if (response.status !== 201) throw new Error(`admin: adding a withdrawal answered ${response.status}`)
    }
    const before = await mockWithdrawals(mock.url)
    const cancellable = before
      .filter((w) => w.uid === "1000001" && ["Pending", "SecurityCheck"].includes(w.status))
      .map((w) => w.withdrawId)
      .sort()
    const result = spawnSync(
      "npx",
      [
        "--no-install",
        "@effect-bybit/cli",
        "cancel-pending",
        "--env",
        "testnet",
        "--base-url",
        mock.url,
        "--yes",
        "--json"
      ],
      {
        cwd: project,
        env: { ...env, BYBIT_API_KEY: "mock-api-key", BYBIT_API_SECRET: "mock-api-secret" },
        encoding: "utf8"
      }
    )
    const where = `npx @effect-bybit/cli cancel-pending (exit ${result.status}):\n${result.stdout}${result.stderr}`
    if (result.status !== 0) throw new Error(where)
    const report = JSON.parse(result.stdout)
    const cancelled = report.withdrawals
      .filter((o) => o._tag === "Cancelled")
      .map((o) => o.id)
      .sort()
    if (JSON.stringify(cancelled) !== JSON.stringify(cancellable)) {
      throw new Error(`cancelled ${cancelled.join(", ")}, but the mock had ${cancellable.join(", ")} pending: ${where}`)
    }
    const after = new Map((await mockWithdrawals(mock.url)).map((w) => [w.withdrawId, w.status]))
    for (const id of cancellable) {
      if (after.get(id) !== "CancelByUser") throw new Error(`${id} is ${after.get(id)} on the mock after the run`)
    }
    for (const w of before.filter((w) => !cancellable.includes(w.withdrawId))) {
      if (after.get(w.withdrawId) !== w.status) throw new Error(`${w.withdrawId} was not pending but changed`)
    }
    if (`${result.stdout}${result.stderr}`.includes("mock-api-secret")) throw new Error("the CLI printed the secret")
    step(
      `${basename(project)}: npx @effect-bybit/cli cancel-pending against npx @effect-bybit/mock-exchange: ${cancelled.length} cancelled, the mock agrees`
    )
  } finally {
    await mock.stop()
  }
}

const atLeast = (version, [major, minor]) => {
  const [a, b] = version.split(".").map(Number)
  return a > major || (a === major && b >= minor)
}

const main = async () => {
  if (!atLeast(process.versions.node, [22, 19])) {
    throw new Error(
      `Node ${process.versions.node}: the CLI needs 22.19+; run \`bash scripts/node24.sh node scripts/pack-test.mjs\``
    )
  }
  const scratch = mkdtempSync(join(tmpdir(), "effect-bybit-pack-test-"))
  if (!relative(root, scratch).startsWith(".."))
    throw new Error(`the scratch project ${scratch} is inside the workspace`)
  const step = (text) => console.log(`pack-test: ${text}`)
  let ok = false
  try {
    const byName = workspacePackages()
    const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc")

    // Exactly what `pnpm pack:all` does, into the scratch folder.
    const tarballs = join(scratch, "tarballs")
    const packed = packAll({ out: tarballs, log: step })
    for (const [name, info] of packed) checkTarball(name, info, byName.get(name).manifest)
    step(`every tarball holds the files its package names, and no build or test file`)

    const env = scratchEnv(scratch)
    const nameOf = (dir) => [...byName].find(([, p]) => p.dir === dir)[0]
    const listed = packages.map((p) => nameOf(p.dir))

    // One project per line and package manager, each installed by the lines pack:all prints: the
    // line of each package under test, and the mock exchange's where a smoke script imports it.
    for (const group of [...new Set(packages.map((p) => p.project))]) {
      const members = [...packages.entries()].filter(([, p]) => p.project === group)
      const names = members.map(([i]) => listed[i])
      const lines = [...names, ...(group === "plain" ? [] : ["@effect-bybit/mock-exchange"])]
      for (const manager of ["npm", "pnpm"]) {
        const project = join(scratch, `project-${group}-${manager}`)
        userProject(project, `effect-bybit-pack-test-${group}-${manager}`)
        for (const name of lines) {
          const line = installLines(name, packed, byName)[manager]
          shell(line, { cwd: project, env })
          step(`${group}/${manager}: ${line.replaceAll(tarballs, "<tarballs>")}`)
        }
        if (manager === "npm") {
          // npm must have taken every @effect-bybit/* package from a local tarball.
          const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"))
          for (const [path, entry] of Object.entries(lock.packages ?? {})) {
            if (!path.includes("node_modules/@effect-bybit/")) continue
            if (!String(entry.resolved ?? "").startsWith("file:")) {
              throw new Error(`${path} was resolved from ${entry.resolved ?? "nowhere"}, not from a local tarball`)
            }
          }
          step(`${group}/npm: ${effectCopies(project, group, env)}`)
        } else step(`${group}/pnpm: ${pnpmEffectCopies(project, group)}`)

        for (const [i, p] of members) {
          const name = listed[i]
          const installed = join(project, "node_modules", ...name.split("/"))
          if (!existsSync(join(installed, "dist", "index.d.ts")))
            throw new Error(`${name}: dist/index.d.ts is not installed`)

          const smoke = join(project, `smoke-${i}.mjs`)
          writeFileSync(smoke, p.smoke)
          run(process.execPath, [smoke], { cwd: project, env })
          step(`${name} (${manager}): smoke script passed (node ${basename(smoke)})`)
          if (manager === "pnpm") continue

          const typesFile = join(project, `types-${i}.ts`)
          writeFileSync(typesFile, p.types)
          const tsconfig = join(project, `tsconfig-${i}.json`)
          writeFileSync(
            tsconfig,
            JSON.stringify({
              compilerOptions: {
                target: "ES2022",
                module: "NodeNext",
                moduleResolution: "NodeNext",
                strict: true,
                exactOptionalPropertyTypes: true,
                noUncheckedIndexedAccess: true,
                skipLibCheck: false,
                noEmit: true,
                // A real consumer has @types/node; take the workspace's rather than installing one.
                typeRoots: [join(root, "node_modules", "@types")],
                types: ["node"]
              },
              files: [typesFile]
            })
          )
          run(process.execPath, [tsc, "-p", tsconfig], { cwd: project })
          step(`${name}: types check (tsc --noEmit against the shipped .d.ts)`)
        }
      }
    }

    // The command-line package and the mock exchange (its own bin), with npm and with pnpm.
    for (const manager of ["npm", "pnpm"]) {
      const project = join(scratch, `project-cli-${manager}`)
      userProject(project, `effect-bybit-pack-test-cli-${manager}`)
      for (const name of ["@effect-bybit/cli", "@effect-bybit/mock-exchange"]) {
        const line = installLines(name, packed, byName)[manager]
        shell(line, { cwd: project, env })
        step(`cli/${manager}: ${line.replaceAll(tarballs, "<tarballs>")}`)
      }
      await cliRun(project, env, step)
    }
    listed.push("@effect-bybit/cli")

    if (process.env.README_TEST !== "0") {
      const files = new Map([...packed].map(([name, info]) => [name, info.file]))
      const count = await runReadmes({ root, scratch, tarballs: files, pnpm: pnpmCommand(), step })
      step(`README lines: ${count} marked blocks ran with npm and with pnpm`)
    }
    ok = true
    return listed
  } finally {
    if (ok && !keep) rmSync(scratch, { recursive: true, force: true })
    else console.error(`pack-test: scratch project kept at ${scratch}`)
  }
}

try {
  const listed = await main()
  console.log(
    `pack-test: ok: pnpm pack:all, then its npm and pnpm lines: ${listed.join(", ")} imported by name, types checked, the CLI run against the mock${process.env.README_TEST === "0" ? "" : "; README lines run with npm and pnpm"}`
  )
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  console.error(`pack-test: FAILED: ${error instanceof Error ? error.message.split("\n")[0].replace(/:$/, "") : error}`)
  process.exit(1)
}
