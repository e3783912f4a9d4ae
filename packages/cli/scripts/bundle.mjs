// Bundles the command into dist/, the only code the package ships (after `tsc -b`, which compiles
// src/ into build/):
//   dist/main.js  the command with everything it imports (effect, @effect-bybit/client, core,
//                 signing) in one file: Node reads one file instead of some 300 modules, so the
//                 first request leaves sooner, and `npx` fetches one package with no dependency;
//   dist/bin.js   the bin: turns on Node's compile cache, then imports ./main.js (kept apart so
//                 the cache also covers the bundle);
//   dist/THIRD_PARTY_LICENSES.md  the licenses of the packages the bundle holds.
// Not minified and without a source map: the shipped code reads as it runs (someone about to hand
// it an API key can audit it), and a stack trace points at readable lines; a map would point at
// sources the package does not ship.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..")
const input = join(pkg, "build")
const dist = join(pkg, "dist")
if (!existsSync(join(input, "main.js"))) {
  console.error(`bundle: ${relative(process.cwd(), join(input, "main.js"))} is missing; run tsc -b first`)
  process.exit(1)
}
rmSync(dist, { recursive: true, force: true })
mkdirSync(dist)

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: false,
  legalComments: "eof",
  logLevel: "warning"
}
const main = await build({
  ...common,
  entryPoints: [join(input, "main.js")],
  outfile: join(dist, "main.js"),
  metafile: true
})
await build({ ...common, entryPoints: [join(input, "bin.js")], outfile: join(dist, "bin.js"), external: ["./main.js"] })

// Every package the bundle took code from, by the node_modules folder its files came from (the
// workspace's own packages are reached through their real paths, outside node_modules).
const packages = new Map()
for (const file of Object.keys(main.metafile.inputs)) {
  const parts = file.split(/[\\/]/)
  const at = parts.lastIndexOf("node_modules")
  if (at < 0) continue
  const depth = parts[at + 1]?.startsWith("@") ? 2 : 1
  const dir = join(process.cwd(), ...parts.slice(0, at + 1 + depth))
  if (!packages.has(dir)) packages.set(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")))
}
const notices = ["# Third-party licenses", "", "dist/main.js bundles code from these packages.", ""]
for (const [dir, manifest] of [...packages].sort(([, a], [, b]) => a.name.localeCompare(b.name))) {
  notices.push(`## ${manifest.name} ${manifest.version} (${manifest.license})`, "")
  const license = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"].find((name) => existsSync(join(dir, name)))
  if (license === undefined) {
    console.error(`bundle: ${manifest.name} has no license file`)
    process.exit(1)
  }
  notices.push(readFileSync(join(dir, license), "utf8").trim(), "")
}
writeFileSync(join(dist, "THIRD_PARTY_LICENSES.md"), notices.join("\n"))
if (process.env.BUNDLE_VERBOSE === "1") {
  const size = (f) => `${(readFileSync(join(dist, f)).length / 1024).toFixed(0)} KiB`
  console.log(
    `bundle: dist/main.js ${size("main.js")}, ${packages.size} packages: ${[...packages.values()].map((m) => m.name).join(", ")}`
  )
}
