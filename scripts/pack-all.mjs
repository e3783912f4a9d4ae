#!/usr/bin/env node
// `pnpm pack:all [--out DIR]`: the packages before they are on the registry. Builds every
// publishable package of the workspace (its own `build` script), packs each with `pnpm pack` (as
// `pnpm publish` would: `workspace:^` becomes the version, the `files` list applies, pack
// lifecycle scripts run) into one folder (default: tarballs/ at the repository's root), and prints
// per package the npm and pnpm lines that install it from there into a project of your own.
//
// A package's tarball alone is not enough: @effect-bybit/client depends on @effect-bybit/core,
// @effect-bybit/signing and @effect-bybit/mock-exchange, which the registry does not have yet.
// - npm: naming every tarball on one `npm install` line puts each at the top of node_modules,
//   and the client's `@effect-bybit/core@^0.1.0` is then satisfied there without asking the registry.
// - pnpm resolves a tarball's dependencies on its own (it would ask the registry for them), so the
//   line first pins each @effect-bybit/* name to its tarball with `pnpm.overrides` in your
//   package.json (`npm pkg set`, which only edits the file), then adds the package's tarball.
//
// scripts/pack-test.mjs runs exactly this: packAll(), then the printed lines in scratch projects.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"))

/** Runs a command, returning its stdout; throws with the command and its output when it fails. */
export const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
    const reason = result.error ? result.error.message : `exit code ${result.status}`
    throw new Error(`\`${[command, ...args].join(" ")}\` failed (${reason})${output ? `:\n${output}` : ""}`)
  }
  return result.stdout
}

/** pnpm: the running one when pnpm started this script, else the pinned version through npx. */
export const pnpmCommand = () => {
  const execpath = process.env.npm_execpath
  if (execpath && basename(execpath).toLowerCase().includes("pnpm")) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []]
  }
  const version = String(readJson(join(root, "package.json")).packageManager ?? "").match(/^pnpm@([^+]+)/)?.[1]
  if (!version) throw new Error('root package.json has no "packageManager": "pnpm@<version>"')
  return ["npx", ["--yes", `pnpm@${version}`]]
}

/** Every workspace package (pnpm-workspace.yaml entries `dir` and `dir/*`): name → { dir, manifest }. */
export const workspacePackages = () => {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")
  const list = yaml.slice(yaml.indexOf("packages:")).split(/\n(?=\S)/)[0]
  const globs = [...list.matchAll(/^\s*-\s*["']?([^"'\s#]+)/gm)].map((m) => m[1])
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith("/*")) return [glob]
    const parent = glob.slice(0, -2)
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
  const byName = new Map()
  for (const dir of dirs) {
    const file = join(root, dir, "package.json")
    if (existsSync(file)) {
      const manifest = readJson(file)
      byName.set(manifest.name, { dir, manifest })
    }
  }
  return byName
}

/** The publishable packages (not `private`), dependencies before their dependents. */
export const publishable = (byName = workspacePackages()) => {
  const order = []
  const visit = (name) => {
    const entry = byName.get(name)
    if (entry === undefined || entry.manifest.private || order.includes(name)) return
    for (const dependency of Object.keys(entry.manifest.dependencies ?? {})) visit(dependency)
    order.push(name)
  }
  for (const name of [...byName.keys()].sort()) visit(name)
  return order.map((name) => ({ name, ...byName.get(name) }))
}

/** `name` and the workspace packages it needs at run time (its dependencies, transitively). */
export const withInternalDependencies = (name, byName = workspacePackages()) => {
  const all = []
  const visit = (n) => {
    if (all.includes(n) || !byName.has(n)) return
    all.push(n)
    for (const dependency of Object.keys(byName.get(n).manifest.dependencies ?? {})) visit(dependency)
  }
  visit(name)
  return all
}

/**
 * Builds and packs every publishable package into `out` (emptied of older tarballs first).
 * Returns name → { file, version, dir, files } in dependency order.
 */
export const packAll = ({ out = join(root, "tarballs"), log = (line) => console.error(line) } = {}) => {
  const packages = publishable()
  mkdirSync(out, { recursive: true })
  for (const entry of readdirSync(out)) if (entry.endsWith(".tgz")) rmSync(join(out, entry))
  const [pnpm, pnpmArgs] = pnpmCommand()

  // Each package's own build script, in dependency order (pnpm -r sorts them), in one pnpm run.
  const filters = packages.flatMap((p) => ["--filter", p.name])
  log(`pack:all: building ${packages.map((p) => p.name).join(", ")}`)
  run(pnpm, [...pnpmArgs, "-r", "--workspace-concurrency=1", ...filters, "run", "build"], { cwd: root })

  const packed = new Map()
  for (const p of packages) {
    const output = run(pnpm, [...pnpmArgs, "pack", "--json", "--pack-destination", out], { cwd: join(root, p.dir) })
    const info = JSON.parse(output.slice(output.indexOf("{")))
    packed.set(p.name, {
      file: info.filename,
      version: info.version,
      dir: p.dir,
      files: info.files.map((f) => f.path)
    })
    log(`pack:all: ${p.name}@${info.version} -> ${info.filename}`)
  }
  return packed
}

const quote = (word) => (/^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)

/**
 * The lines that install `name` from the tarballs in `packed` into the current project, with npm
 * and with pnpm, plus its peers (e.g. `effect@^4.1.0`) as a program of yours imports them.
 */
export const installLines = (name, packed, byName = workspacePackages()) => {
  const needed = withInternalDependencies(name, byName)
  const file = (n) => packed.get(n).file
  const peers = Object.entries(byName.get(name).manifest.peerDependencies ?? {})
    .filter(([peer]) => peer !== "msw")
    .map(([peer, range]) => `${peer}@${range}`)
  const npm = ["npm", "install", ...needed.map(file), ...peers].map(quote).join(" ")
  const overrides = needed.filter((n) => n !== name).map((n) => `pnpm.overrides.${n}=file:${file(n)}`)
  const add = ["pnpm", "add", file(name), ...peers].map(quote).join(" ")
  const pnpm = overrides.length === 0 ? add : `${["npm", "pkg", "set", ...overrides].map(quote).join(" ")} && ${add}`
  return { name, npm, pnpm }
}

/** What `pnpm pack:all` prints: where the tarballs are, then per package its two lines. */
export const describe = (packed, out, byName = workspacePackages()) => {
  const lines = [`Tarballs of ${packed.size} packages in ${out}`, ""]
  lines.push(
    "Install one into a project of yours (run in its folder, which needs a package.json: `npm init -y`; each line names the tarballs it needs):"
  )
  for (const name of packed.keys()) {
    const { npm, pnpm } = installLines(name, packed, byName)
    lines.push("", `${name}`, `  npm:  ${npm}`, `  pnpm: ${pnpm}`)
  }
  lines.push(
    "",
    "The commands come with their packages: `npx @effect-bybit/cli --help` and",
    "`npx @effect-bybit/mock-exchange --port 4010` in a project where they are installed."
  )
  return lines.join("\n")
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2)
  const at = args.indexOf("--out")
  // Nothing but one `--out DIR` (with no `--out`, every word is unknown).
  const known = (a, i) => (at >= 0 && i === at + 1) || (a === "--out" && i === at)
  if (args.some((a, i) => !known(a, i)) || (at >= 0 && args[at + 1] === undefined)) {
    console.error("usage: pnpm pack:all [--out DIR]")
    process.exit(2)
  }
  const out = at >= 0 ? resolve(process.env.INIT_CWD ?? process.cwd(), args[at + 1]) : join(root, "tarballs")
  try {
    const packed = packAll({ out })
    console.log(describe(packed, out))
  } catch (error) {
    console.error(`pack:all: FAILED: ${error instanceof Error ? error.message : error}`)
    process.exit(1)
  }
}
