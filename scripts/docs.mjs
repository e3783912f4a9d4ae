// The API reference: `@effect/docgen` run in each public package (its docgen.json names the output,
// docs/api/<package>/), then an index of them at docs/api/README.md.
//
//   node scripts/docs.mjs           (pnpm docs)         writes docs/api/
//   node scripts/docs.mjs --check   (pnpm docs:check)   fails if docs/api/ is not what the sources
//                                                        generate, or if any symbol a package
//                                                        exports has no docstring with `@since`
//
// docgen checks every module it documents (each export documented, with `@since`); the barrels
// (index.ts, the mock's core.ts) re-export from modules, some of them internal, so the check of
// `@since` here starts from each package's entry points, as a user imports them, and follows every
// re-export to its declaration.
//
// docgen's typechecking of `@example` blocks is off (DOCGEN_RUN_EXAMPLES=false): the examples are
// fragments of a call, without imports; the code users run is in the READMEs and docs/*.md, whose
// blocks the tests typecheck and run (scripts/readme-blocks.mjs).
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..")
const API = join(ROOT, "docs", "api")

/** The public packages: their folder, and the folder of their reference under docs/api/. */
export const PACKAGES = [
  { dir: "packages/signing", out: "signing" },
  { dir: "packages/core", out: "core" },
  { dir: "packages/client", out: "client" },
  { dir: "packages/client-effect3", out: "client-effect3" },
  { dir: "mocks", out: "mock-exchange" }
]

const manifest = (dir) => JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"))

/** Every file under `dir`, as paths relative to it, with their text. */
const snapshot = (dir) => {
  const files = new Map()
  const walk = (at) => {
    if (!existsSync(at)) return
    for (const entry of readdirSync(at)) {
      const path = join(at, entry)
      if (statSync(path).isDirectory()) walk(path)
      else files.set(relative(dir, path), readFileSync(path, "utf8"))
    }
  }
  walk(dir)
  return files
}

const restore = (dir, files) => {
  rmSync(dir, { recursive: true, force: true })
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

/** Runs docgen in each package; throws with its output when one fails. */
const generate = () => {
  const bin = join(ROOT, "node_modules", ".bin")
  rmSync(API, { recursive: true, force: true })
  for (const { dir, out } of PACKAGES) {
    const config = JSON.parse(readFileSync(join(ROOT, dir, "docgen.json"), "utf8"))
    if (relative(ROOT, join(ROOT, dir, config.outDir)) !== join("docs", "api", out)) {
      throw new Error(`${dir}/docgen.json: outDir should be docs/api/${out}`)
    }
    const run = spawnSync(join(bin, "docgen"), [], {
      cwd: join(ROOT, dir),
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, DOCGEN_RUN_EXAMPLES: "false" }
    })
    if (run.status !== 0) throw new Error(`docgen in ${dir} failed:\n${run.stdout}${run.stderr}`)
  }
  const rows = PACKAGES.map(({ dir, out }) => {
    const { name, description } = manifest(dir)
    return `| [\`${name}\`](${out}/modules/index.md) | ${description} |`
  })
  writeFileSync(
    join(API, "README.md"),
    [
      "# API reference",
      "",
      "Generated from the sources' JSDoc by `pnpm docs` (`@effect/docgen`); do not edit. `pnpm docs:check`",
      "fails when these pages are stale or an exported symbol has no docstring with `@since`.",
      "",
      "| package | what it is |",
      "| --- | --- |",
      ...rows,
      ""
    ].join("\n")
  )
}

/**
 * The symbols a package exports (each entry point of its `exports`, namespaces followed into
 * their members) whose declaration has no JSDoc `@since` tag: `["entry: Name", ...]`.
 */
export const undocumented = (dir) => {
  const ts = createRequire(join(ROOT, "package.json"))("typescript")
  const pkg = manifest(dir)
  const entries = Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === "object" && target["@effect-bybit/source"] !== undefined)
    .map(([subpath, target]) => [subpath, join(ROOT, dir, target["@effect-bybit/source"])])
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      customConditions: ["@effect-bybit/source"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules", "@types")]
    }
  )
  const checker = program.getTypeChecker()
  const missing = []
  const seen = new Set()
  const hasSince = (declaration) =>
    ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "since" && String(tag.comment ?? "").trim() !== "")
  const visit = (symbol, where) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    if (seen.has(target)) return
    seen.add(target)
    const declarations = target.getDeclarations() ?? []
    const module = declarations.find((d) => ts.isSourceFile(d))
    if (module !== undefined) {
      // A namespace export (`export * as Withdrawals from "./Withdrawals.js"`): its members.
      for (const member of checker.getExportsOfModule(target)) visit(member, `${where}.${member.getName()}`)
      return
    }
    if (declarations.length === 0 || !declarations.some(hasSince)) missing.push(where)
  }
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file)
    const moduleSymbol = source && checker.getSymbolAtLocation(source)
    if (moduleSymbol === undefined) throw new Error(`${dir}: cannot read ${file}`)
    const entry = `${pkg.name}${subpath === "." ? "" : subpath.slice(1)}`
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) visit(symbol, `${entry}: ${symbol.getName()}`)
  }
  return missing
}

const main = () => {
  const check = process.argv.includes("--check")
  const before = snapshot(API)
  try {
    generate()
  } catch (error) {
    if (check) restore(API, before)
    console.error(error.message)
    process.exit(1)
  }
  const after = snapshot(API)
  const missing = PACKAGES.flatMap(({ dir }) => undocumented(dir))
  if (!check) {
    console.log(`docs/api: ${after.size} files for ${PACKAGES.length} packages`)
    if (missing.length > 0) {
      console.error(`exported without a docstring with @since:\n  ${missing.join("\n  ")}`)
      process.exit(1)
    }
    return
  }
  restore(API, before)
  const stale = [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort()
  let failed = false
  if (stale.length > 0) {
    console.error(`docs/api is stale (run \`pnpm docs\`): ${stale.join(", ")}`)
    failed = true
  }
  if (missing.length > 0) {
    console.error(`exported without a docstring with @since:\n  ${missing.join("\n  ")}`)
    failed = true
  }
  if (failed) process.exit(1)
  console.log(`docs/api is up to date (${after.size} files); every exported symbol has a docstring with @since`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
