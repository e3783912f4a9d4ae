// The README blocks the packaging test runs (scripts/readme-blocks.mjs): well marked, each in its
// line's project, install lines that pin the Effect 3 line and leave the Effect 4 line unpinned
// (effect@latest is 4), for npm and pnpm alike, and the workspace copies of the test snippets
// identical to the READMEs' text (so the workspace suite runs what the READMEs show). And the
// blocks it does not run: no usage snippet among them, and every command in them is one of this
// repository's own, naming scripts, projects and files that exist.
import { accessSync, constants, existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  commands,
  PROJECTS,
  type Project,
  parseMarker,
  READMES,
  REFERENCE_PAGES,
  readmeBlocks,
  unmarkedBlocks
} from "../../scripts/readme-blocks.mjs"
import { parseSeedFile } from "../src/index.js"
import { MOCKS_DIR } from "./process.js"

const ROOT = join(MOCKS_DIR, "..")
const blocks = readmeBlocks(ROOT)

/** The packages an install line names, with the range it gives (`""` when none). */
const installed = (line: string): Array<[string, string]> =>
  line
    .replace(/#.*$/, "")
    .trim()
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith("-"))
    .map((spec) => {
      const at = spec.indexOf("@", 1)
      return at === -1 ? [spec, ""] : [spec.slice(0, at), spec.slice(at + 1)]
    })

const installLines = (kind: "npm" | "pnpm", readme: string, project: Project) =>
  blocks
    .filter((b) => b.readme === readme && b.project === project && b.kinds.includes(kind))
    .flatMap(commands)
    .filter((line) => /^(npm install|pnpm add)\b/.test(line))

describe("README blocks", () => {
  it("a marker's words: repeated prints in either quotes, msw and proxy only on a run", () => {
    expect(parseMarker(`run a.ts proxy prints "x y" prints '{"id":"1"}'`, "m")).toEqual({
      kinds: ["run"],
      file: "a.ts",
      copy: undefined,
      prints: ["x y", '{"id":"1"}'],
      msw: false,
      proxy: true,
      project: undefined
    })
    expect(parseMarker("npm project effect3", "m")).toMatchObject({ kinds: ["npm"], project: "effect3" })
    expect(() => parseMarker("npm project effect5", "m")).toThrow(/unknown project "effect5"/)
    expect(parseMarker("npm pnpm", "m")).toMatchObject({ kinds: ["npm", "pnpm"], prints: [] })
    expect(() => parseMarker("npm proxy", "m")).toThrow(/msw and proxy apply to a run/)
    expect(() => parseMarker("run a.ts msw proxy", "m")).toThrow(/either msw or proxy/)
    expect(() => parseMarker("run", "m")).toThrow(/need a file name/)
    expect(() => parseMarker("run a.ts socks", "m")).toThrow(/unknown word "socks"/)
  })

  it("every README has marked blocks, each in the language its kind runs", () => {
    for (const readme of READMES) expect(blocks.some((b) => b.readme === readme)).toBe(true)
    for (const block of blocks) {
      const ts = block.kinds.includes("run") || block.kinds.includes("vitest")
      expect(block.lang, `${block.readme}:${block.line}`).toBe(ts ? "ts" : "sh")
    }
  })

  it("every project has install lines, a usage run and, for each Effect line, a vitest test", () => {
    for (const project of PROJECTS) {
      const own = blocks.filter((b) => b.project === project)
      expect(
        own.some((b) => b.kinds.includes("npm")),
        project
      ).toBe(true)
      expect(
        own.some((b) => b.kinds.includes("pnpm")),
        project
      ).toBe(true)
      expect(
        own.some((b) => b.kinds.includes("run")),
        project
      ).toBe(true)
      expect(
        own.some((b) => b.kinds.includes("vitest")),
        project
      ).toBe(project !== "plain")
    }
  })

  it("install lines pin the Effect 3 line, leave the Effect 4 line unpinned, and pnpm's name what npm's do", () => {
    const pins: Record<Project, Record<string, RegExp>> = {
      effect4: { "@effect/vitest": /^\^4$/, vitest: /^\^5$/, undici: /^\^8$/ },
      effect3: {
        effect: /^\^3\.\d+/,
        "@effect/platform": /^\^0\.97/,
        "@effect/platform-node": /^\^0\.108/,
        "@effect/vitest": /^\^0\.30/,
        vitest: /^\^3\.2/
      },
      plain: { msw: /^\^2/ }
    }
    for (const project of PROJECTS) {
      for (const readme of READMES) {
        const npm = installLines("npm", readme, project)
        const pnpm = installLines("pnpm", readme, project)
        expect(pnpm.map(installed), `${readme} (${project})`).toEqual(npm.map(installed))
        for (const [name, range] of npm.flatMap(installed)) {
          if (name.startsWith("@effect-bybit/")) expect(range, `${readme}: ${name}`).toBe("")
          else expect(range, `${readme} (${project}): ${name}`).toMatch(pins[project][name] ?? /^$/)
        }
      }
    }
    // The line of each client is the project its install lines go to.
    const projectsOf = (name: string) => [
      ...new Set(
        blocks
          .filter((b) => b.kinds.includes("npm"))
          .filter((b) => commands(b).some((l) => l.includes(`${name} `) || l.endsWith(name)))
          .map((b) => b.project)
      )
    ]
    expect(projectsOf("@effect-bybit/client")).toEqual(["effect4"])
    expect(projectsOf("@effect-bybit/client-effect3")).toEqual(["effect3"])
  })

  it("the peer ranges of the packages say the same", () => {
    const peers = (dir: string) =>
      (
        JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as {
          peerDependencies: Record<string, string>
        }
      ).peerDependencies
    expect(peers("packages/client-effect3")).toEqual({ effect: "^3.22.0", "@effect/platform": "^0.97.0" })
    expect(peers("packages/client")).toEqual({ effect: "^4.1.0" })
    expect(Object.keys(peers("mocks"))).toEqual(["msw"])
  })

  it("the workspace copy of each test snippet is the README's text", () => {
    const copied = blocks.filter((b) => b.copy !== undefined)
    expect(copied.length).toBeGreaterThan(0)
    for (const block of copied) {
      const copy = readFileSync(join(ROOT, block.copy!), "utf8")
      const withoutHeader = copy.replace(/^(\/\/.*\n)+\n*/, "")
      expect(withoutHeader, block.copy).toBe(`${block.text}\n`)
    }
  })
})

/**
 * Every README and guide of the repository, the examples' README and the reference pages included
 * (they have no line for a user to run).
 */
const ALL_READMES = [...READMES, "examples/README.md", ...REFERENCE_PAGES]
const unmarked = unmarkedBlocks(ROOT, ALL_READMES)

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as {
    readonly name: string
    readonly packageManager?: string
    readonly scripts?: Record<string, string>
  }
const PNPM_VERSION = manifest(".").packageManager?.split("@")[1]
const PACKAGE_DIRS = ["packages/signing", "packages/client", "packages/client-effect3", "mocks", "examples"]
const packageDir = (name: string) => PACKAGE_DIRS.find((dir) => manifest(dir).name === name)
const VITEST_PROJECTS = [...readFileSync(join(ROOT, "vitest.config.ts"), "utf8").matchAll(/project\("([^"]+)"/g)].map(
  (m) => m[1]
)

/**
 * Why a command of an unmarked block is sound, or `undefined` when this test does not know it:
 * a repository command must name a script, a vitest project or a file that exists.
 */
const soundness = (command: string): string | undefined => {
  const words = command.split(/\s+/)
  // On the workspace's pinned Node 24 (scripts/node24.sh), whatever the command.
  const node24 = /^bash scripts\/node24\.sh (.*)$/.exec(command)
  if (node24 !== null) return soundness(node24[1]!)
  const pnpm = /^npx (--yes )?pnpm@(\S+) (.*)$/.exec(command)
  if (pnpm !== null) {
    if (pnpm[2] !== PNPM_VERSION) return undefined
    // `-s` (--silent): pnpm prints nothing of its own, so a failing script ends with its own words.
    const [first, second, third] = pnpm[3]!.replace(/^(-s|--silent) /, "").split(/\s+/)
    if (first === "--filter") {
      const dir = packageDir(second!)
      return dir !== undefined && manifest(dir).scripts?.[third!] !== undefined ? `${dir} script ${third}` : undefined
    }
    if (first === "install") return "pnpm install"
    if (first === "exec") return soundness(`npx ${pnpm[3]!.slice("exec ".length)}`)
    return manifest(".").scripts?.[first!] !== undefined ? `root script ${first}` : undefined
  }
  if (/^npx vitest (run|bench --run) --project \S+$/.test(command)) {
    return VITEST_PROJECTS.includes(words.at(-1)!) ? `vitest project ${words.at(-1)}` : undefined
  }
  if (/^npx tsc -[pb] \S+$/.test(command) || /^npx biome check \S+$/.test(command) || /^node \S+\.mjs$/.test(command)) {
    return existsSync(join(ROOT, words.at(-1)!)) ? `file ${words.at(-1)}` : undefined
  }
  if (/^mocks\/scripts\/\S+\.sh$/.test(command)) {
    try {
      accessSync(join(ROOT, command), constants.X_OK)
      return `script ${command}`
    } catch {
      return undefined
    }
  }
  // A bench script of this repository, run with tsx, after any environment settings of its own.
  const tsx = /^(?:[A-Z_]+=\S+ )*npx tsx --conditions=@effect-bybit\/source (\S+\.ts)( \w+)?$/.exec(command)
  if (tsx !== null) return existsSync(join(ROOT, tsx[1]!)) ? `file ${tsx[1]}` : undefined
  // A build output copied aside for the client's A/B bench (the package must exist; dist/ comes from the build).
  const copy = /^cp -r (packages\/\w+)\/dist \S+$/.exec(command)
  if (copy !== null) return existsSync(join(ROOT, copy[1]!)) ? `copy of ${copy[1]}/dist` : undefined
  if (/^export BYBIT_\w+=/.test(command)) return "the user's own keys"
  return undefined
}

describe("README blocks the packaging test does not run", () => {
  it("are no usage snippet: every ts block of every README is marked and run", () => {
    const snippets = unmarked.filter((b) => b.lang === "ts" || b.lang === "typescript" || b.lang === "js")
    expect(snippets.map((b) => `${b.readme}:${b.line}`)).toEqual([])
  })

  it("are this repository's commands, naming scripts, vitest projects and files that exist", () => {
    const shell = unmarked.filter((b) => b.lang === "sh" || b.lang === "bash")
    expect(shell.length).toBeGreaterThan(5)
    for (const block of shell) {
      const lines = commands({
        ...block,
        kinds: [],
        file: undefined,
        copy: undefined,
        prints: [],
        msw: false,
        proxy: false,
        project: "plain"
      })
      // The admin API guide's curl block runs as written in mocks/test/readme-admin.test.ts.
      if (lines[0] === "M=http://127.0.0.1:4010") {
        expect(block.readme).toBe("docs/admin-api.md")
        expect(lines.slice(1).every((line) => /^(curl |-d |\s)/.test(line))).toBe(true)
        continue
      }
      for (const line of lines) {
        for (const command of line.replace(/\s+#.*$/, "").split(" && ")) {
          expect(soundness(command.trim()), `${block.readme}:${block.line}: ${command}`).toBeDefined()
        }
      }
    }
  })

  it("the seed file shown is one the server accepts", () => {
    const json = unmarked.filter((b) => b.lang === "json")
    expect(json.map((b) => b.readme)).toEqual(["docs/admin-api.md"])
    const options = parseSeedFile(JSON.parse(json[0]!.text))
    expect(options.accounts?.map((a) => a.apiKey)).toEqual(["k"])
    expect(options.withdrawals?.map((w) => [w.withdrawId, w.status])).toEqual([["1", "Pending"]])
    expect(options.clientIp).toBe("127.0.0.1")
  })

  it("the server's synopsis names the flags its --help names", () => {
    const synopsis = unmarked.filter((b) => b.lang === "text")
    expect(synopsis.map((b) => b.readme)).toEqual(["docs/mock-exchange.md"])
    const usage =
      /const USAGE = `([\s\S]*?)`/.exec(readFileSync(join(MOCKS_DIR, "src", "internal", "cli.ts"), "utf8"))?.[1] ?? ""
    const flags = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g))].sort()
    expect(flags(synopsis[0]!.text)).toEqual(flags(usage).filter((flag) => flag !== "--help"))
  })

  it("an unknown command or a stale name is caught", () => {
    expect(soundness(`npx pnpm@${PNPM_VERSION} mock --port 4010`)).toBe("root script mock")
    expect(soundness(`npx pnpm@${PNPM_VERSION} serve`)).toBeUndefined()
    expect(soundness("npx pnpm@1.0.0 mock")).toBeUndefined()
    expect(soundness(`npx pnpm@${PNPM_VERSION} --filter @effect-bybit/examples two-accounts`)).toBe(
      "examples script two-accounts"
    )
    expect(soundness(`npx pnpm@${PNPM_VERSION} --filter @effect-bybit/examples no-such-example`)).toBeUndefined()
    expect(soundness("npx vitest run --project no-such-project")).toBeUndefined()
    expect(soundness("npx tsc -p packages/nothing/tsconfig.json")).toBeUndefined()
    expect(soundness("mocks/scripts/no-such.sh")).toBeUndefined()
    expect(soundness("npx @effect-bybit/mock-exchange --port 4010")).toBeUndefined()
  })
})
