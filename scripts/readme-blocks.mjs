// The README blocks a test runs, in the READMEs and in the guides of docs/ (GUIDES below). A block
// is marked by an HTML comment on the line before its fence (invisible on GitHub), naming how it
// runs:
//
//   <!-- readme-test: npm -->            each line of the `sh` block, in the npm scratch project
//   <!-- readme-test: pnpm -->           the same in the pnpm scratch project
//   <!-- readme-test: npm pnpm -->       in both
//   <!-- readme-test: serve -->          the `sh` line that starts the mock exchange's server; run
//                                        (on a free port instead of the one written) for each `run`
//   <!-- readme-test: run <file> -->     the `ts` block saved as <file>, typechecked, then run with
//                                        BYBIT_* pointing at the served mock (SUB_BYBIT_* hold the
//                                        mock's second account); `msw` runs it with the mock's MSW
//                                        handlers answering every fetch instead (no BYBIT_BASE_URL);
//                                        `proxy` starts a forward proxy on 127.0.0.1, names it in
//                                        HTTPS_PROXY, and requires the snippet to go through it
//   <!-- readme-test: vitest <file> copy <path> -->
//                                        the `ts` block saved as <file> and run with `npx vitest
//                                        run`; <path> is its copy in this repository, which the
//                                        workspace suite runs (mocks/test/readme-blocks.test.ts
//                                        checks the two are the same)
//
// Each block belongs to one scratch project, one per line of packages (two Effect majors cannot
// share a project): its README's project (PROJECT_OF below), or the one named by `project <name>`:
//
//   effect4   the Effect 4 line: @effect-bybit/client next to effect@latest, no pin
//   effect3   the Effect 3 line: @effect-bybit/client-effect3 next to effect@^3.22
//   plain     no Effect at all: the mock exchange (MSW, the standalone server), the signing package
//
// Any of them may add `prints "<text>"` (or `prints '<text>'`), more than once: the output must
// contain each. A `run`'s
// output ends with what the mock saw, one line per request and per withdrawal a cancel named:
//   mock: POST /v5/asset/withdraw/cancel {"id":"10197"} key mock-api-key: HTTP 200, retCode 0
//   mock: withdrawal 10197 is CancelByUser
// and, with `proxy`, one line per request the proxy was asked for (`proxy: CONNECT 127.0.0.1:<port>`).
//
// A list of errors (a paragraph or a table) is marked `<!-- errors: Withdrawals.cancel -->` on the
// line before it: packages/client/test/readme.test.ts checks it names exactly the errors the
// operation's type has (errorLists below).
//
// Every other fenced block is not run by the packaging test: a `ts` block is not allowed there
// (every usage snippet runs), and the workspace suite checks the others (mocks/test/readme-blocks.test.ts).
import { readFileSync } from "node:fs"
import { join } from "node:path"

/** The package READMEs whose blocks are run, in order (install lines first, as a reader would). */
export const PACKAGE_READMES = [
  "README.md",
  "packages/client/README.md",
  "packages/client-effect3/README.md",
  "packages/signing/README.md",
  "mocks/README.md"
]

/** The guides in docs/ whose blocks are run the same way (their code is Effect 4's). */
export const GUIDES = [
  "docs/testing.md",
  "docs/errors.md",
  "docs/pacing.md",
  "docs/proxies.md",
  "docs/several-accounts.md"
]

/**
 * The docs/ pages with blocks but none for a user's project: their commands are checked as the
 * READMEs' unmarked blocks are (mocks/test/readme-blocks.test.ts), the admin API's curl block runs
 * in mocks/test/readme-admin.test.ts.
 */
export const REFERENCE_PAGES = ["docs/admin-api.md", "docs/mock-exchange.md", "docs/development.md"]

/** Every page whose marked blocks are run: the READMEs, then the guides. */
export const READMES = [...PACKAGE_READMES, ...GUIDES]

/** The scratch projects, in the order they run. */
export const PROJECTS = ["effect4", "effect3", "plain"]

/** The project of a README's blocks, unless a marker names another. */
export const PROJECT_OF = {
  "README.md": "effect4",
  "packages/client/README.md": "effect4",
  "packages/client-effect3/README.md": "effect3",
  "packages/signing/README.md": "plain",
  "mocks/README.md": "plain",
  ...Object.fromEntries(GUIDES.map((guide) => [guide, "effect4"]))
}

const MARKED = /<!--\s*readme-test:\s*(.*?)\s*-->\s*\n\s*```(\w+)\n([\s\S]*?)\n```/g
const KINDS = new Set(["npm", "pnpm", "serve", "run", "vitest"])
const FENCE = /^```(\w*)\n([\s\S]*?)\n```/gm

/** Parses a marker's words: `run usage.ts prints "cancelled 10197" prints '{"id":"10197"}'`. */
export const parseMarker = (text, where) => {
  const words = [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
  const block = {
    kinds: [],
    file: undefined,
    copy: undefined,
    prints: [],
    msw: false,
    proxy: false,
    project: undefined
  }
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    if (word === "prints") block.prints.push(words[++i])
    else if (word === "copy") block.copy = words[++i]
    else if (word === "project") {
      block.project = words[++i]
      if (!PROJECTS.includes(block.project)) throw new Error(`${where}: unknown project "${block.project}"`)
    } else if (word === "msw") block.msw = true
    else if (word === "proxy") block.proxy = true
    else if (KINDS.has(word)) {
      block.kinds.push(word)
      if (word === "run" || word === "vitest") block.file = words[++i]
    } else throw new Error(`${where}: unknown word "${word}" in <!-- readme-test: ${text} -->`)
  }
  if (block.kinds.length === 0) throw new Error(`${where}: <!-- readme-test: ${text} --> names no kind`)
  if ((block.kinds.includes("run") || block.kinds.includes("vitest")) && !block.file) {
    throw new Error(`${where}: run and vitest need a file name`)
  }
  if ((block.msw || block.proxy) && !block.kinds.includes("run")) {
    throw new Error(`${where}: msw and proxy apply to a run`)
  }
  if (block.msw && block.proxy) throw new Error(`${where}: a run is either msw or proxy`)
  return block
}

/**
 * Every marked block of the READMEs under `root`:
 * `{ readme, line, kinds, file?, copy?, prints, msw, proxy, project, lang, text }` (`project`: the
 * marker's, else the README's).
 */
export const readmeBlocks = (root) =>
  READMES.flatMap((readme) => {
    const source = readFileSync(join(root, readme), "utf8")
    return [...source.matchAll(MARKED)].map((m) => {
      const line = source.slice(0, m.index).split("\n").length
      const block = parseMarker(m[1], `${readme}:${line}`)
      return { readme, line, ...block, project: block.project ?? PROJECT_OF[readme], lang: m[2], text: m[3] }
    })
  })

/** The commands of an `sh` block: its lines, without blank lines and whole-line comments. */
export const commands = (block) =>
  block.text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))

/**
 * The fenced blocks of `readmes` (paths under `root`) that carry no marker, so the packaging test
 * does not run them: `{ readme, line, lang, text }`.
 */
export const unmarkedBlocks = (root, readmes) =>
  readmes.flatMap((readme) => {
    const source = readFileSync(join(root, readme), "utf8")
    return [...source.matchAll(FENCE)]
      .filter((m) => !/<!--\s*readme-test:[^>]*-->\s*$/.test(source.slice(0, m.index)))
      .map((m) => ({ readme, line: source.slice(0, m.index).split("\n").length, lang: m[1], text: m[2] }))
  })

const ERROR_LIST = /<!--\s*errors:\s*(\S+)\s*-->\s*\n\s*\n?([\s\S]*?)(?:\n\s*\n|$)/g

/**
 * The error lists of `pages`: a paragraph or table right after `<!-- errors: <operation> -->`
 * (e.g. `Withdrawals.cancel`), with every backticked name in it (a table's: in its first column):
 * `{ page, line, operation, tags, text }`. A test checks each list against the operation's type.
 */
export const errorLists = (root, pages) =>
  pages.flatMap((page) => {
    const source = readFileSync(join(root, page), "utf8")
    return [...source.matchAll(ERROR_LIST)].map((m) => ({
      page,
      line: source.slice(0, m.index).split("\n").length,
      operation: m[1],
      // A table's list is its first column; a paragraph's, every backticked name.
      tags: [
        ...new Set(
          [
            ...(m[2].trimStart().startsWith("|") ? m[2].replace(/^\|([^|]*)\|.*$/gm, "$1") : m[2]).matchAll(
              /`([A-Z][A-Za-z]+)`/g
            )
          ].map((t) => t[1])
        )
      ],
      text: m[2]
    }))
  })
