/**
 * Whether a text holds a piece of a secret in an encoded form: the scrubber removes what it finds
 * in the text as written; this looks at the text as a reader could decode it, where a piece found
 * cannot be pointed at (so the caller drops the whole text).
 *
 * The views of a text: the text itself; decoded once more each round (percent-escapes, as many
 * times as they nest; HTML numeric and common named character references; `\uXXXX`, `\u{X}` and
 * `\xHH` escapes; Unicode compatibility forms by NFKC, e.g. fullwidth letters) until it no longer
 * changes; and, in each of those, every run of 12+ base64, base64url or hex characters decoded (at
 * each alignment) and looked at the same way, `MAX_DEPTH` levels deep. Each view is reduced to ASCII
 * letters and digits in lower case and searched for a `GRAM`-character piece of a secret; for a hex
 * secret (a signature), also reduced to hex digits only (any other character is a separator).
 *
 * Bounded: `MAX_ROUNDS` rounds of decoding and `BUDGET` characters over all views. A text that is
 * still changing after the last round, or that needs more than the budget, counts as holding a
 * secret (only a hostile text nests that deep; losing it is fine).
 */

const MAX_ROUNDS = 6
const MAX_DEPTH = 2
/** The most characters looked at over all views of one text (32 times the 8 KiB the scrubber reads). */
const BUDGET = 32 * 8192
const RUN_MIN = 12

/** The pieces to look for, each `gram` characters of ASCII letters and digits in lower case. */
export interface Needles {
  readonly gram: number
  /** Pieces of every secret (letters and digits only). */
  readonly grams: ReadonlySet<string>
  /** Pieces of every hex secret, matched against the text's hex digits alone. */
  readonly hexGrams: ReadonlySet<string>
}

const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  sol: "/",
  bsol: "\\",
  colon: ":",
  semi: ";",
  equals: "=",
  plus: "+",
  percnt: "%",
  num: "#",
  period: ".",
  comma: ",",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
  excl: "!",
  quest: "?",
  lpar: "(",
  rpar: ")",
  ast: "*",
  zwsp: "\u200b"
}

const utf8 = new TextDecoder("utf-8")

const fromBinary = (binary: string): string => {
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return utf8.decode(bytes)
}

const codePoint = (value: number, original: string): string =>
  Number.isFinite(value) && value >= 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff)
    ? String.fromCodePoint(value)
    : original

const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi
const PERCENT_U = /%u([0-9a-f]{4})/gi
const HTML_NUMERIC = /&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/g
const HTML_NAMED = /&([a-zA-Z]{2,8});/g
const ESCAPE = /\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g

const decodePercent = (run: string): string => {
  try {
    return decodeURIComponent(run)
  } catch {
    // Not UTF-8: each escape as one byte.
    return run.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  }
}

/** One round of every textual decoding. */
const decodeOnce = (text: string): string => {
  let out = text
  if (out.includes("%"))
    out = out
      .replace(PERCENT_RUN, decodePercent)
      .replace(PERCENT_U, (m, hex: string) => codePoint(Number.parseInt(hex, 16), m))
  if (out.includes("&"))
    out = out
      .replace(HTML_NUMERIC, (m, hex: string | undefined, dec: string | undefined) =>
        codePoint(hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? "", 10), m)
      )
      .replace(HTML_NAMED, (m, name: string) => NAMED[name.toLowerCase()] ?? m)
  if (out.includes("\\"))
    out = out.replace(ESCAPE, (m, braced: string | undefined, u: string | undefined, x: string | undefined) =>
      codePoint(Number.parseInt(braced ?? u ?? x ?? "", 16), m)
    )
  return out.normalize("NFKC")
}

/** A character's value as an alphanumeric digit (0-9, a-z in any case = 10-35), or -1. */
const alnumDigit = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : c >= 65 && c <= 90 ? c - 55 : -1
const hexDigit = (c: number): number => {
  const d = alnumDigit(c)
  return d < 16 ? d : -1
}

/** A piece as a number: its characters as digits in `base` (36^8 < 2^53, so exact). */
const valueOf = (piece: string, base: number): number => {
  let v = 0
  for (let i = 0; i < piece.length; i++) v = v * base + alnumDigit(piece.charCodeAt(i))
  return v
}

// The pieces as numbers, made once per set and base: looking a number up costs far less than a slice.
const numbers = new Map<number, WeakMap<ReadonlySet<string>, ReadonlySet<number>>>()
const numbersOf = (grams: ReadonlySet<string>, base: number): ReadonlySet<number> => {
  let byBase = numbers.get(base)
  if (byBase === undefined) {
    byBase = new WeakMap()
    numbers.set(base, byBase)
  }
  let set = byBase.get(grams)
  if (set === undefined) {
    set = new Set([...grams].map((g) => valueOf(g, base)))
    byBase.set(grams, set)
  }
  return set
}

/**
 * Whether the characters of `text` that have a digit (others are skipped, as separators) hold a
 * `gram`-long piece in `values`: a rolling value over the last `gram` digits, no strings made.
 */
const holdsGram = (
  text: string,
  values: ReadonlySet<number>,
  gram: number,
  base: number,
  digit: (c: number) => number
): boolean => {
  if (values.size === 0) return false
  const top = base ** gram
  let v = 0
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const d = digit(text.charCodeAt(i))
    if (d < 0) continue
    v = (v * base + d) % top
    if (++count >= gram && values.has(v)) return true
  }
  return false
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}/g
const HEX_RUN = /[0-9a-fA-F]{12,}/g

/** The bytes of a base64 or base64url run, as a binary string ("" when it is not base64). */
const base64Decode = (run: string): string => {
  let s = run.replace(/-/g, "+").replace(/_/g, "/")
  if (s.length % 4 === 1) s = s.slice(0, -1)
  try {
    return atob(s)
  } catch {
    return ""
  }
}

/** The bytes of a hex run, as a binary string. */
const hexDecode = (run: string): string => {
  let binary = ""
  for (let i = 0; i + 1 < run.length; i += 2)
    binary += String.fromCharCode(hexDigit(run.charCodeAt(i)) * 16 + hexDigit(run.charCodeAt(i + 1)))
  return binary
}

/**
 * The runs of `text` decoded: one text per alignment (base64 from each of its first four
 * characters, hex from each of its first two), the runs of one alignment joined by spaces.
 */
const decodedRuns = (text: string): Array<string> => {
  const base64: Array<Array<string>> = [[], [], [], []]
  const hex: Array<Array<string>> = [[], []]
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0]
    for (let k = 0; k < 4 && run.length - k >= RUN_MIN; k++) base64[k]!.push(base64Decode(run.slice(k)))
  }
  for (const match of text.matchAll(HEX_RUN)) {
    const run = match[0]
    for (let k = 0; k < 2; k++) hex[k]!.push(hexDecode(run.slice(k)))
  }
  // Bytes to text once per alignment (UTF-8: ASCII stays itself, a fullwidth letter becomes one).
  return [...base64, ...hex].filter((parts) => parts.length > 0).map((parts) => fromBinary(parts.join(" ")))
}

/** Whether any view of `text` holds a piece in `needles` (see the module comment). */
export const holdsEncoded = (text: string, needles: Needles): boolean => {
  if (needles.grams.size === 0 && needles.hexGrams.size === 0) return false
  let budget = BUDGET
  const grams = numbersOf(needles.grams, 36)
  const hexGrams = numbersOf(needles.hexGrams, 16)
  const holds = (view: string): boolean =>
    holdsGram(view, grams, needles.gram, 36, alnumDigit) || holdsGram(view, hexGrams, needles.gram, 16, hexDigit)
  const check = (start: string, depth: number): boolean => {
    let view = start
    for (let round = 0; round <= MAX_ROUNDS; round++) {
      budget -= view.length
      if (budget < 0) return true
      if (holds(view)) return true
      if (depth < MAX_DEPTH) for (const decoded of decodedRuns(view)) if (check(decoded, depth + 1)) return true
      const next = decodeOnce(view)
      if (next === view) return false
      view = next
    }
    return true
  }
  return check(text, 0)
}
