// Runs the READMEs' own install and usage lines, exactly as written, in fresh projects outside the
// workspace: one per line of packages (Effect 4, Effect 3, no Effect) and package manager (npm,
// pnpm); see scripts/readme-blocks.mjs for how a README marks its blocks and names their project. Called by pack-test.mjs with the packed tarballs.
//
// How `npm install @effect-bybit/client ...` reaches a tarball without changing the line: each
// project's .npmrc sends the `@effect-bybit` scope to a registry this script serves on 127.0.0.1,
// which knows only the packed tarballs (their manifests as packed, `workspace:^` already replaced).
// Every other package comes from the configured registry, as for a user. npm `overrides` cannot do
// this (npm refuses an override of a direct dependency), nor can installing the tarballs first
// (npm would still ask the registry for the name on the README line).
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { createRequire } from "node:module"
import { createServer as createNetServer } from "node:net"
import { basename, dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import { commands, PROJECTS, readmeBlocks } from "./readme-blocks.mjs"

/**
 * The mock exchange's default key, and its second account's (UID 1000002, withdrawal 20001) for
 * a snippet with a sub-account (docs/several-accounts.md); the mock verifies real signatures.
 */
const MOCK_ENV = {
  BYBIT_API_KEY: "mock-api-key",
  BYBIT_API_SECRET: "mock-api-secret",
  BYBIT_ENV: "testnet",
  SUB_BYBIT_API_KEY: "mock-other-api-key",
  SUB_BYBIT_API_SECRET: "mock-other-api-secret"
}

/**
 * What the mock saw, in lines a marker's `prints` can name: each request, then the status of each
 * withdrawal a cancel named. `requests` are the mock's journal entries (`RecordedRequest`).
 * Also run inside the scratch project (MSW_PRELOAD), so it uses nothing from this module.
 */
const mockReport = (requests, statusOf) => {
  const lines = []
  const cancelled = []
  for (const r of requests) {
    const target = r.query === "" ? r.path : `${r.path}?${r.query}`
    const body = r.body === "" ? "" : ` ${r.body}`
    lines.push(
      `mock: ${r.method} ${target}${body} key ${r.apiKey ?? "none"}: HTTP ${r.httpStatus}, retCode ${r.retCode ?? "none"}`
    )
    if (r.path === "/v5/asset/withdraw/cancel") {
      try {
        const id = JSON.parse(r.body).id
        if (typeof id === "string" && !cancelled.includes(id)) cancelled.push(id)
      } catch {}
    }
  }
  for (const id of cancelled) lines.push(`mock: withdrawal ${id} is ${statusOf(id) ?? "unknown"}`)
  return lines
}

/** The major of `effect` each project must hold exactly one copy of (none in `plain`). */
export const EFFECT_MAJOR = { effect4: "4", effect3: "3", plain: undefined }

/**
 * `npm ls effect` in an npm project: exactly one copy, of the project's major (none in `plain`).
 * Returns what it found, in words; throws otherwise.
 */
export const effectCopies = (dir, project, env = process.env) => {
  const result = spawnSync("npm", ["ls", "effect", "--all", "--parseable"], { cwd: dir, env, encoding: "utf8" })
  const copies = [...new Set(result.stdout.split("\n").filter((line) => line.endsWith(`${"/"}effect`)))]
  const major = EFFECT_MAJOR[project]
  if (major === undefined) {
    if (copies.length !== 0) throw new Error(`npm ls effect: ${copies.length} copies in a project without Effect`)
    return "npm ls effect: none"
  }
  if (copies.length !== 1) throw new Error(`npm ls effect: ${copies.length} copies:\n${result.stdout}${result.stderr}`)
  const version = JSON.parse(readFileSync(join(copies[0], "package.json"), "utf8")).version
  if (!version.startsWith(`${major}.`)) throw new Error(`npm ls effect: effect ${version}, not the ${major}.x line`)
  return `npm ls effect: one copy, effect@${version}`
}

/**
 * Runs a command without blocking this process (the registry must keep answering); resolves with
 * its output, rejects with the command and its output unless it exits 0 (`check: false` resolves).
 */
const exec = (command, args, { check = true, timeoutMs = 600_000, ...options } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options })
    let output = ""
    child.stdout.on("data", (chunk) => {
      output += chunk
    })
    child.stderr.on("data", (chunk) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const shown = [command, ...args].join(" ")
      if (check && code !== 0) reject(new Error(`\`${shown}\` failed (${signal ?? `exit code ${code}`}):\n${output}`))
      else resolve({ code, output })
    })
  })

/** A shell line, run as a user would type it. */
const shell = (line, options) => exec("sh", ["-c", line], options)

/** A free port on 127.0.0.1. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** Serves the tarballs as the `@effect-bybit` scope's registry on 127.0.0.1. */
const startRegistry = async (tarballs) => {
  const packuments = new Map()
  const files = new Map()
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://registry").pathname)
    const packument = packuments.get(path.slice(1))
    const file = files.get(path)
    if (packument !== undefined) {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify(packument))
    } else if (file !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream" })
      response.end(readFileSync(file))
    } else {
      response.writeHead(404, { "content-type": "application/json" })
      response.end('{"error":"not found"}')
    }
  })
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${server.address().port}/`
  for (const [name, file] of tarballs) {
    const bytes = readFileSync(file)
    const manifest = JSON.parse(spawnSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }).stdout)
    const tarballPath = `/-/${basename(file)}`
    files.set(tarballPath, file)
    packuments.set(name, {
      name,
      "dist-tags": { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${name}@${manifest.version}`,
          dist: {
            tarball: `${url}${tarballPath.slice(1)}`,
            shasum: createHash("sha1").update(bytes).digest("hex"),
            integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`
          }
        }
      }
    })
  }
  return { url, close: () => new Promise((resolve) => server.close(resolve)) }
}

/**
 * The environment of the scratch commands: this machine's, without the npm/pnpm settings of the
 * script that started us (a `pnpm exec` passes its own), and with `pnpm` on PATH.
 */
const scratchEnv = (shims) => {
  const env = { ...process.env, PATH: `${shims}:${process.env.PATH ?? ""}` }
  for (const name of Object.keys(env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(name) || name.startsWith("BYBIT_")) delete env[name]
  }
  return env
}

/**
 * Starts the README's `serve` line (on a free port instead of the one written) and resolves once
 * it prints its URL; `stop()` sends SIGINT to its process group (npx, node) as Ctrl+C does.
 */
const serve = async (line, cwd, env) => {
  const port = await freePort()
  const command = line.replace(/--port \d+/, `--port ${port}`).replace(/\s+#.*$/, "")
  const child = spawn("sh", ["-c", `exec ${command}`], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve(code ?? signal)))
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`\`${command}\` printed no URL in 60 s:\n${output}`)), 60_000)
    const read = (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      if (Number(match[2]) !== port) reject(new Error(`\`${command}\` listens on ${match[2]}, not ${port}`))
      else resolve(match[1])
    }
    child.stdout.on("data", read)
    child.stderr.on("data", read)
    void exited.then((code) => reject(new Error(`\`${command}\` exited (${code}) before it was ready:\n${output}`)))
  })
  return {
    command,
    url,
    stop: async () => {
      process.kill(-child.pid, "SIGINT")
      // npx itself exits 130 after Ctrl+C (npm's own SIGINT handler), the server under it with 0
      // after closing: its "stopped" line is the evidence of a clean stop.
      const code = await exited
      if (!(code === 0 || code === 130 || code === "SIGINT") || !/stopped \(SIGINT\)/.test(output)) {
        throw new Error(`\`${command}\` did not stop cleanly after Ctrl+C (${code}):\n${output}`)
      }
      const still = await fetch(`${url}/v5/market/time`).then(
        () => true,
        () => false
      )
      if (still) throw new Error(`\`${command}\` still answers after Ctrl+C`)
    }
  }
}

/**
 * The preload of `msw` blocks: the mock's MSW handlers answer every fetch of the snippet, whatever
 * its host; at exit it prints what the mock saw.
 */
const MSW_PRELOAD = `
import { makeMockExchange } from "@effect-bybit/mock-exchange"
import { setupServer } from "msw/node"

const exchange = makeMockExchange()
setupServer(...exchange.handlers).listen({ onUnhandledRequest: "error" })
const mockReport = ${mockReport.toString()}
process.on("exit", () => {
  console.log(mockReport(exchange.requests(), (id) => exchange.withdrawal(id)?.status).join("\\n"))
})
`

/** Fails unless `output` contains everything the block says it prints. */
const expectPrints = (block, output) => {
  for (const text of block.prints) {
    if (!output.includes(text)) {
      throw new Error(`${block.readme}:${block.line} should print "${text}", but printed:\n${output}`)
    }
  }
}

/** What the served mock at `url` saw (its admin API), as `mockReport` lines. */
const servedReport = async (url) => {
  const { requests } = await fetch(`${url}/__admin/requests`).then((r) => r.json())
  const { withdrawals } = await fetch(`${url}/__admin/withdrawals`).then((r) => r.json())
  const status = new Map(withdrawals.map((w) => [w.withdrawId, w.status]))
  return mockReport(requests, (id) => status.get(id))
}

/**
 * A forward proxy on 127.0.0.1 (the `proxy` package, a devDependency of the client) that records
 * each request it is asked to carry: `CONNECT host:port` or `METHOD absolute-url`.
 */
const startProxy = async (root) => {
  const resolved = createRequire(join(root, "packages", "client-effect3", "package.json")).resolve("proxy")
  const { createProxy } = await import(pathToFileURL(resolved).href)
  const seen = []
  const server = createProxy(createServer())
  server.on("request", (request) => seen.push(`${request.method} ${request.url}`))
  server.on("connect", (request) => seen.push(`CONNECT ${request.url}`))
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      })
  }
}

/**
 * One scratch project: the README lines for `manager`, then one copy of `effect`, then every
 * snippet (typechecked, then run against the mock the README's `serve` line starts).
 */
const runProject = async ({ project, manager, dir, blocks, serveFallback, registry, env, root, step }) => {
  const name = `${project}/${manager}`
  mkdirSync(dir)
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `readme-${project}-${manager}`, private: true, type: "module" }, null, 2)}\n`
  )
  writeFileSync(join(dir, ".npmrc"), `@effect-bybit:registry=${registry.url}\n`)

  for (const block of blocks.filter((b) => b.kinds.includes(manager))) {
    for (const line of commands(block)) {
      const { output } = await shell(line, { cwd: dir, env })
      expectPrints(block, output)
      step(`${name}: ${line}`)
    }
  }

  // One copy of effect in the tree, of the project's line (two would break Context tags and
  // `instanceof` between them); none in the project without Effect.
  if (manager === "npm") step(`${name}: ${effectCopies(dir, project, env)}`)
  else {
    const major = EFFECT_MAJOR[project]
    const copies = readdirSync(join(dir, "node_modules", ".pnpm")).filter((entry) => entry.startsWith("effect@"))
    const expected =
      major === undefined ? copies.length === 0 : copies.length === 1 && copies[0].startsWith(`effect@${major}.`)
    if (!expected) throw new Error(`${name}: effect in node_modules/.pnpm: ${copies.join(", ") || "none"}`)
    step(`${name}: ${major === undefined ? "no effect" : `one copy of effect (${copies[0]})`}`)
  }

  // The snippets, typechecked together against what was installed (a user's strict tsconfig).
  const snippets = blocks.filter((b) => b.kinds.includes("run") || b.kinds.includes("vitest"))
  for (const block of snippets) {
    const file = join(dir, block.file)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${block.text}\n`)
  }
  writeFileSync(join(dir, "readme-msw.mjs"), MSW_PRELOAD)
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        typeRoots: [join(root, "node_modules", "@types")],
        types: ["node"]
      },
      files: snippets.map((b) => b.file)
    })
  )
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc")
  await exec(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir, env })
  step(`${name}: ${snippets.length} snippets typecheck`)

  // Each `run` snippet against a fresh mock, started by a README's own line (each `serve` line in
  // turn, so every one of them is used).
  // A project whose READMEs start no mock runs the others' `serve` lines (the mock comes with
  // either client).
  const own = blocks.filter((b) => b.kinds.includes("serve")).map((b) => commands(b)[0])
  const serveLines = own.length > 0 ? own : serveFallback
  let served = 0
  const tsx = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href
  for (const block of blocks.filter((b) => b.kinds.includes("run"))) {
    const where = `${block.file} (${block.readme}:${block.line})`
    if (block.msw) {
      const { output } = await exec(process.execPath, ["--import", "./readme-msw.mjs", "--import", tsx, block.file], {
        cwd: dir,
        env: { ...env, ...MOCK_ENV }
      })
      expectPrints(block, output)
      step(`${name}: ${where} ran, answered by MSW`)
      continue
    }
    const server = await serve(serveLines[served++ % serveLines.length], dir, env)
    const proxy = block.proxy ? await startProxy(root) : undefined
    try {
      const { output } = await exec(process.execPath, ["--import", tsx, block.file], {
        cwd: dir,
        env: {
          ...env,
          ...MOCK_ENV,
          BYBIT_BASE_URL: server.url,
          ...(proxy === undefined ? {} : { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: "" })
        }
      })
      const seen = proxy === undefined ? [] : proxy.seen.map((request) => `proxy: ${request}`)
      if (proxy !== undefined && seen.length === 0) throw new Error(`${where} did not go through the proxy:\n${output}`)
      expectPrints(block, [output, ...(await servedReport(server.url)), ...seen].join("\n"))
    } finally {
      await proxy?.close()
      await server.stop()
    }
    const through = proxy === undefined ? "" : `, through a forward proxy (${proxy.seen.length} requests)`
    step(`${name}: ${where} ran against \`${server.command}\`${through}, stopped by Ctrl+C`)
  }
  // A `serve` line no run used is still started, asked the time, and stopped.
  for (const line of own.slice(served)) {
    const server = await serve(line, dir, env)
    try {
      const answer = await fetch(`${server.url}/v5/market/time`).then((r) => r.json())
      if (answer.retCode !== 0)
        throw new Error(`\`${server.command}\`: /v5/market/time answered ${JSON.stringify(answer)}`)
    } finally {
      await server.stop()
    }
    step(`${name}: \`${server.command}\` answered, stopped by Ctrl+C`)
  }

  // The test snippets, run by the project's own vitest, as the README says.
  if (blocks.some((b) => b.kinds.includes("vitest"))) {
    const { output } = await shell("npx vitest run", { cwd: dir, env: { ...env, CI: "1", NO_COLOR: "1" } })
    const passed = /Tests\s+(\d+) passed/.exec(output)
    if (passed === null || /\d+ failed/.test(output)) throw new Error(`npx vitest run:\n${output}`)
    step(`${name}: npx vitest run: ${passed[1]} tests passed`)
  }
}

/**
 * Runs every marked README block in its project, with npm and with pnpm, under `scratch`, with the
 * `@effect-bybit/*` packages from `tarballs` (name → .tgz). `pnpm` is how to start pnpm.
 */
export const runReadmes = async ({ root, scratch, tarballs, pnpm, step }) => {
  const blocks = readmeBlocks(root)
  const shims = join(scratch, "bin")
  mkdirSync(shims)
  const [pnpmCommand, pnpmArgs] = pnpm
  const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`
  writeFileSync(join(shims, "pnpm"), `#!/bin/sh\nexec ${[pnpmCommand, ...pnpmArgs].map(quote).join(" ")} "$@"\n`)
  chmodSync(join(shims, "pnpm"), 0o755)
  const env = scratchEnv(shims)
  const registry = await startRegistry(tarballs)
  try {
    const serveFallback = blocks.filter((b) => b.kinds.includes("serve")).map((b) => commands(b)[0])
    for (const project of PROJECTS) {
      const own = blocks.filter((b) => b.project === project)
      for (const manager of ["npm", "pnpm"]) {
        const dir = join(scratch, `readme-${project}-${manager}`)
        await runProject({ project, manager, dir, blocks: own, serveFallback, registry, env, root, step })
      }
    }
  } finally {
    await registry.close()
  }
  return blocks.length
}
