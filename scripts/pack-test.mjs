#!/usr/bin/env node
// Proves the published packages work outside the workspace: builds and packs each package with
// pnpm (as `pnpm publish` would), installs the tarballs with plain npm into a scratch project in the
// OS temp directory, then runs per package an ESM smoke script that imports it by name and checks
// real behaviour, and typechecks a small .ts file against the shipped .d.ts with the workspace's
// TypeScript. Inter-package dependencies (@effect-bybit/*) are pinned to the local tarballs through
// npm "overrides", so npm never asks the registry for them.
//
// The tarballs go into one project per line: the Effect 4 client next to effect@latest, the Effect 3
// client next to effect 3, the signing package and the mock exchange in a project without Effect;
// each holds exactly one copy of effect (none without Effect).
//
// Then the READMEs' own install and usage lines run, exactly as written, in fresh projects, one per
// line and package manager (scripts/readme-test.mjs): one copy of effect, every usage snippet
// typechecked and run against the mock server started by a README's `npx @effect-bybit/mock-exchange`
// line (or answered by the mock's MSW handlers, as its marker says), and each line's "Testing your
// code" snippet run by `npx vitest run`.
// That part needs the npm registry (and loopback); README_TEST=0 skips it.
//
//   node scripts/pack-test.mjs            (or: pnpm exec node scripts/pack-test.mjs)
//   PACK_TEST_KEEP=1 node scripts/...     keeps the scratch project for inspection
//
// Exits non-zero on failure; the last line is a one-line result.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { basename, dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { effectCopies, runReadmes } from "./readme-test.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

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

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))

/** Runs a command, returning its stdout; throws with the command and its output when it fails. */
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    shell: process.platform === "win32",
    maxBuffer: 64 * 1024 * 1024,
    ...options
  })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
    const reason = result.error ? result.error.message : `exit code ${result.status}`
    throw new Error(`\`${[command, ...args].join(" ")}\` failed (${reason})${output ? `:\n${output}` : ""}`)
  }
  return result.stdout
}

/** pnpm: the running one when this script was started by pnpm, else the pinned version through npx. */
const pnpmCommand = () => {
  const execpath = process.env.npm_execpath
  if (execpath && basename(execpath).toLowerCase().includes("pnpm")) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []]
  }
  const version = String(rootManifest.packageManager ?? "").match(/^pnpm@([^+]+)/)?.[1]
  if (!version) throw new Error('root package.json has no "packageManager": "pnpm@<version>"')
  return ["npx", ["--yes", `pnpm@${version}`]]
}

/** Workspace packages by name, from pnpm-workspace.yaml (entries `dir` and `dir/*`). */
const workspacePackages = () => {
  const globs = [...readFileSync(join(root, "pnpm-workspace.yaml"), "utf8").matchAll(/^\s*-\s*["']?([^"'\s#]+)/gm)]
  const dirs = globs.flatMap(([, glob]) => {
    if (!glob.endsWith("/*")) return [glob]
    const parent = glob.slice(0, -2)
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
  const byName = new Map()
  for (const dir of dirs) {
    const file = join(root, dir, "package.json")
    if (existsSync(file)) byName.set(JSON.parse(readFileSync(file, "utf8")).name, dir)
  }
  return byName
}

/** The listed packages' directories plus, transitively, the workspace packages they depend on. */
const withWorkspaceDependencies = (dirs, byName) => {
  const all = new Set()
  const visit = (dir) => {
    if (all.has(dir)) return
    all.add(dir)
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const dependency = byName.get(name)
      if (dependency) visit(dependency)
    }
  }
  for (const dir of dirs) visit(dir)
  return [...all]
}

const main = async () => {
  const byName = workspacePackages()
  const dirs = withWorkspaceDependencies(
    packages.map((p) => p.dir),
    byName
  )
  const scratch = mkdtempSync(join(tmpdir(), "effect-bybit-pack-test-"))
  if (!relative(root, scratch).startsWith(".."))
    throw new Error(`the scratch project ${scratch} is inside the workspace`)
  const step = (text) => console.log(`pack-test: ${text}`)
  let ok = false
  try {
    const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc")

    step(`building ${dirs.join(", ")}`)
    for (const dir of dirs) run(process.execPath, [tsc, "-b", join(root, dir, "tsconfig.build.json")])

    const [pnpm, pnpmArgs] = pnpmCommand()
    const tarballs = join(scratch, "tarballs")
    mkdirSync(tarballs)
    const packed = new Map()
    for (const dir of dirs) {
      const out = run(pnpm, [...pnpmArgs, "pack", "--json", "--pack-destination", tarballs], { cwd: join(root, dir) })
      const info = JSON.parse(out.slice(out.indexOf("{")))
      const files = info.files.map((f) => f.path)
      for (const required of ["package.json", "dist/index.js", "dist/index.d.ts"]) {
        if (!files.includes(required)) throw new Error(`${info.name}: the tarball has no ${required}`)
      }
      if (files.some((f) => f.endsWith(".tsbuildinfo") || f.startsWith("test/"))) {
        throw new Error(`${info.name}: the tarball ships build or test files: ${files.join(", ")}`)
      }
      packed.set(info.name, info.filename)
      step(`packed ${info.name}@${info.version} (${files.length} files) -> ${basename(info.filename)}`)
    }

    // One project per line (two Effect majors cannot share one): a plain npm consumer outside the
    // workspace, depending on its packages' tarballs only (every @effect-bybit/* one pinned to its
    // tarball through overrides); npm installs the peers (effect) as a user's npm would.
    const specs = Object.fromEntries([...packed].map(([name, file]) => [name, `file:${file}`]))
    const listed = packages.map((p) => JSON.parse(readFileSync(join(root, p.dir, "package.json"), "utf8")).name)
    for (const group of [...new Set(packages.map((p) => p.project))]) {
      const members = [...packages.entries()].filter(([, p]) => p.project === group)
      const project = join(scratch, `project-${group}`)
      mkdirSync(project)
      writeFileSync(
        join(project, "package.json"),
        `${JSON.stringify(
          {
            name: `effect-bybit-pack-test-${group}`,
            private: true,
            type: "module",
            dependencies: Object.fromEntries(members.map(([i]) => [listed[i], specs[listed[i]]])),
            overrides: specs
          },
          null,
          2
        )}\n`
      )
      step(`${group}: npm install in ${project}`)
      run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: project })

      // npm must have taken every @effect-bybit/* package from a local tarball.
      const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"))
      for (const [path, entry] of Object.entries(lock.packages ?? {})) {
        if (!path.includes("node_modules/@effect-bybit/")) continue
        if (!String(entry.resolved ?? "").startsWith("file:")) {
          throw new Error(`${path} was resolved from ${entry.resolved ?? "nowhere"}, not from a local tarball`)
        }
      }
      step(`${group}: ${effectCopies(project, group)}`)

      for (const [i, p] of members) {
        const name = listed[i]
        const installed = join(project, "node_modules", ...name.split("/"))
        if (!existsSync(join(installed, "dist", "index.d.ts")))
          throw new Error(`${name}: dist/index.d.ts is not installed`)

        const smoke = join(project, `smoke-${i}.mjs`)
        writeFileSync(smoke, p.smoke)
        run(process.execPath, [smoke], { cwd: project })
        step(`${name}: smoke script passed (node ${basename(smoke)})`)

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
    if (process.env.README_TEST !== "0") {
      const count = await runReadmes({ root, scratch, tarballs: packed, pnpm: pnpmCommand(), step })
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
    `pack-test: ok: ${listed.join(", ")} packed with pnpm, installed with npm, imported by name, types checked${process.env.README_TEST === "0" ? "" : "; README lines run with npm and pnpm"}`
  )
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  console.error(`pack-test: FAILED: ${error instanceof Error ? error.message.split("\n")[0].replace(/:$/, "") : error}`)
  process.exit(1)
}
