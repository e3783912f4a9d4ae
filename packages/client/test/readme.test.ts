// The error lists of the docs, checked against the types: the errors each operation can fail with
// are read from its signature by the TypeScript checker (the `_tag`s of its error union), and every
// list marked `<!-- errors: <operation> -->` in a README or guide must name exactly those; the
// table of docs/errors.md also says which errors are cancel-only and which are retried.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { errorLists, GUIDES, PACKAGE_READMES } from "../../../scripts/readme-blocks.mjs"
import { BybitError } from "../src/index.js"

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

/** The operations a list may name, and how to reach their error type from the package's exports. */
const OPERATIONS: Record<string, string> = {
  "Withdrawals.cancel": "ErrorOf<typeof Withdrawals.cancel>",
  "Withdrawals.list": "ErrorOf<typeof Withdrawals.list>",
  "Withdrawals.listAll": "StreamErrorOf<typeof Withdrawals.listAll>"
}

/** The `_tag`s of each operation's error union, as the compiler sees the package's signatures. */
const derivedTags: Record<string, ReadonlyArray<string>> = (() => {
  const ts = createRequire(join(ROOT, "package.json"))("typescript") as typeof import("typescript")
  const file = join(ROOT, "packages", "client", "test", "__errors_of__.ts")
  const names = Object.keys(OPERATIONS)
  const text = [
    'import type { Effect, Stream } from "effect"',
    'import { Withdrawals } from "../src/index.js"',
    "type ErrorOf<F> = F extends (...args: any) => Effect.Effect<any, infer E, any> ? E : never",
    "type StreamErrorOf<F> = F extends (...args: any) => Stream.Stream<any, infer E, any> ? E : never",
    ...names.map((name, i) => `export type Op${i} = (${OPERATIONS[name]})["_tag"]`)
  ].join("\n")
  const options: import("typescript").CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ["@effect-bybit/source"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: []
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest)
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => name === file || fileExists(name)
  const program = ts.createProgram([file], options, host)
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)!
  const result: Record<string, ReadonlyArray<string>> = {}
  source.statements.filter(ts.isTypeAliasDeclaration).forEach((alias) => {
    const index = Number(alias.name.text.slice(2))
    const type = checker.getTypeAtLocation(alias.name)
    const members = type.isUnion() ? type.types : [type]
    result[names[index]!] = members
      .filter((member) => member.isStringLiteral())
      .map((member) => (member as import("typescript").StringLiteralType).value)
      .sort()
  })
  return result
})()

const PAGES = [...PACKAGE_READMES, ...GUIDES, "examples/README.md", "packages/client/README.md"]
const lists = errorLists(ROOT, [...new Set(PAGES)])

/** The rows of docs/errors.md's table: `| \`Tag\` | when | retried |`. */
const errorRows = (() => {
  const guide = readFileSync(join(ROOT, "docs", "errors.md"), "utf8")
  return [...guide.matchAll(/^\| `(\w+)` +\| (.+?) +\| (.+?) +\|$/gm)].map(([, tag, when, retried]) => ({
    tag: tag!,
    when: when!,
    retried: retried!
  }))
})()

describe("error lists", () => {
  it("the types give each operation its errors: every error class for a cancel, fewer for a list", () => {
    const classes = Object.entries(BybitError)
      .filter(([, value]) => {
        const prototype = typeof value === "function" ? (value as { readonly prototype?: object }).prototype : undefined
        return prototype !== undefined && BybitError.TypeId in prototype
      })
      .map(([name]) => name)
      .sort()
    expect(classes.length).toBeGreaterThan(10)
    expect(derivedTags["Withdrawals.cancel"]).toEqual(classes)
    expect(derivedTags["Withdrawals.list"]!.length).toBeLessThan(classes.length)
    expect(derivedTags["Withdrawals.listAll"]).toEqual(derivedTags["Withdrawals.list"])
  })

  it("every marked list in the READMEs and guides names exactly its operation's errors", () => {
    expect(lists.map((list) => list.page).sort()).toEqual(["docs/errors.md", "examples/README.md"])
    for (const list of lists) {
      const expected = derivedTags[list.operation]
      expect(expected, `${list.page}:${list.line}: unknown operation ${list.operation}`).toBeDefined()
      expect([...list.tags].sort(), `${list.page}:${list.line}`).toEqual(expected)
    }
  })

  it("docs/errors.md: cancel-only rows are exactly what a list cannot fail with; retried exactly for the retryable", () => {
    const listTags = derivedTags["Withdrawals.list"]!
    const marked = errorRows.filter((row) => row.when.startsWith("cancel only")).map((row) => row.tag)
    expect(marked.sort()).toEqual(derivedTags["Withdrawals.cancel"]!.filter((tag) => !listTags.includes(tag)))
    for (const row of errorRows) {
      expect(row.retried.startsWith("no"), row.tag).toBe(!BybitError.isRetryable({ _tag: row.tag }))
    }
  })

  it("a page that says how many errors there are says the types' number", () => {
    const words = ["eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"]
    for (const page of new Set(PAGES)) {
      const text = readFileSync(join(ROOT, page), "utf8")
      for (const match of text.matchAll(/\b(\w+) errors\b/gi)) {
        const n = words.indexOf(match[1]!.toLowerCase())
        if (n === -1) continue
        expect(n + 11, `${page}: "${match[0]}"`).toBe(derivedTags["Withdrawals.cancel"]!.length)
      }
    }
  })
})
