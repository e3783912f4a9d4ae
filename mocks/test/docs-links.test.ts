// Every relative link of the READMEs and of docs/ (the generated reference included) reaches a
// file of the repository, and its #anchor a heading of that file, as GitHub renders them.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { describe, expect, it } from "vitest"
import { MOCKS_DIR } from "./process.js"

const ROOT = join(MOCKS_DIR, "..")

const markdownUnder = (dir: string): Array<string> =>
  readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(join(ROOT, path)).isDirectory()) return markdownUnder(path)
    return path.endsWith(".md") ? [path] : []
  })

const PAGES = [
  "README.md",
  "examples/README.md",
  "mocks/README.md",
  "mocks/bench/README.md",
  ...readdirSync(join(ROOT, "packages")).flatMap((name) =>
    ["README.md", "bench/README.md"]
      .map((file) => join("packages", name, file))
      .filter((path) => existsSync(join(ROOT, path)))
  ),
  ...markdownUnder("docs")
]

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-")

/** The anchors of a page's headings; a repeated one gets `-1`, `-2`, ... as on GitHub. */
const anchors = (page: string) => {
  const seen = new Map<string, number>()
  const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "")
  return new Set(
    [...text.matchAll(/^#+\s+(.*)$/gm)].map((m) => {
      const base = slug(m[1]!)
      const count = seen.get(base) ?? 0
      seen.set(base, count + 1)
      return count === 0 ? base : `${base}-${count}`
    })
  )
}

describe("links of the READMEs and docs/", () => {
  it("reach files and headings that exist", () => {
    expect(PAGES).toContain("docs/api/README.md")
    const broken: Array<string> = []
    let checked = 0
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "")
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue
        const [path, anchor] = target!.split("#") as [string, string | undefined]
        const file = path === "" ? page : relative(ROOT, join(ROOT, dirname(page), path))
        checked++
        if (!existsSync(join(ROOT, file))) broken.push(`${page}: ${target} (no ${file})`)
        else if (anchor !== undefined && file.endsWith(".md") && !anchors(file).has(anchor)) {
          broken.push(`${page}: ${target} (no heading #${anchor} in ${file})`)
        }
      }
    }
    expect(checked).toBeGreaterThan(50)
    expect(broken).toEqual([])
  })
})
