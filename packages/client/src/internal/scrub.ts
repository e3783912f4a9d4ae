/**
 * The one scrubber for every string that comes back from the server (or the transport) and enters an
 * error, a log line or a span: `retMsg`, `detail`, decoding failures.
 *
 * It removes, in any letter case: the signature of the request (and any run of 64+ hex digits, the
 * shape of every HMAC-SHA256 signature, or 256+ base64 characters, the shape of an RSA signature),
 * the known secrets (the HMAC secret, each line of an RSA key) and any PEM block. Then every
 * fragment of `GRAM` (8) or more characters of a known secret, whatever separates its pieces (a
 * space, U+200B, NUL, a dot) and in the standard encodings (percent-escapes, base64url for base64,
 * either letter case, the signature's bytes as hex or base64): both the secrets and the text are
 * compared in a normalized form (ASCII letters and digits only, lower case, percent-escapes
 * decoded), and every range of the text that holds one of a secret's 8-character pieces is removed.
 * Then what is left is looked at as a reader could decode it (`encodedViews.ts`: nested
 * percent-escapes, HTML character references, `\u`/`\x` escapes, NFKC forms such as fullwidth
 * letters, runs of 12+ base64, base64url or hex characters decoded, and a hex signature among the
 * text's hex digits alone): a piece found only there cannot be pointed at, so the whole text becomes
 * `ENCODED`.
 * Then it makes the text one line and cuts it to `MAX_TEXT` characters. Only the first `MAX_SCAN`
 * characters are looked at (a 1 MiB message costs no more than 8 KiB).
 */

import { holdsEncoded, type Needles } from "./encodedViews.js"

/** The most characters of server text any error keeps. */
export const MAX_TEXT = 300

const REDACTED = "<redacted>"
/** The whole text, when a piece of a secret is found in it only once decoded. */
export const ENCODED = "<redacted: held a credential in an encoded form>"
const HEX = /^[0-9a-f]+$/i
const PEM = /-----BEGIN[^-]{0,64}-----[\s\S]*?(?:-----END[^-]{0,64}-----|$)/gi
const HEX_RUN = /[0-9a-f]{64,}/gi
const BASE64_RUN = /[A-Za-z0-9+/]{256,}={0,2}/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, without the global flag (for `test`)
const CONTROL_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** The shortest fragment of a secret that must not survive, in normalized characters. */
export const GRAM = 8

/** The most characters of a text the scrubber reads: far more than the `MAX_TEXT` any error keeps. */
export const MAX_SCAN = 8192

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 122)
const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c)
const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1

/**
 * `text` reduced to ASCII letters and digits, lower-cased, with `%XX` escapes decoded first; `from[i]`
 * and `to[i]` are the range of `text` the i-th kept character came from. Everything else (spaces,
 * zero-width characters, NUL, dots, `+/-_=`) is a separator and dropped: base64 and base64url agree.
 */
const normalize = (text: string): { readonly chars: string; readonly from: Int32Array; readonly to: Int32Array } => {
  const from = new Int32Array(text.length)
  const to = new Int32Array(text.length)
  const codes: Array<number> = []
  let i = 0
  while (i < text.length) {
    let c = text.charCodeAt(i)
    let next = i + 1
    if (c === 37 && i + 2 < text.length) {
      const high = hexValue(text.charCodeAt(i + 1))
      const low = hexValue(text.charCodeAt(i + 2))
      if (high >= 0 && low >= 0) {
        c = high * 16 + low
        next = i + 3
      }
    }
    c = lower(c)
    if (isAlnum(c)) {
      from[codes.length] = i
      to[codes.length] = next
      codes.push(c)
    }
    i = next
  }
  return { chars: String.fromCharCode(...codes), from, to }
}

/** Adds every `GRAM`-character piece of `secret` (normalized) to `into`. */
const addGrams = (secret: string, into: Set<string>): void => {
  const { chars } = normalize(secret)
  for (let i = 0; i + GRAM <= chars.length; i++) into.add(chars.slice(i, i + GRAM))
}

/** A signature's other standard spelling: its bytes as base64 when it is hex, as hex when it is base64. */
const otherSpelling = (signature: string): string | undefined => {
  try {
    if (/^(?:[0-9a-f]{2})+$/i.test(signature)) {
      let binary = ""
      for (let i = 0; i < signature.length; i += 2)
        binary += String.fromCharCode(Number.parseInt(signature.slice(i, i + 2), 16))
      return btoa(binary)
    }
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(signature)) {
      const binary = atob(signature.replace(/-/g, "+").replace(/_/g, "/"))
      let hex = ""
      for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0")
      return hex
    }
  } catch {
    return undefined
  }
  return undefined
}

/** Removes every range of `text` that holds a piece in `grams` (normalized), overlapping ranges as one. */
const removeGrams = (text: string, grams: ReadonlySet<string>): string => {
  if (grams.size === 0) return text
  const { chars, from, to } = normalize(text)
  let out = ""
  let copied = 0
  let start = -1
  let end = -1
  for (let i = 0; i + GRAM <= chars.length; i++) {
    if (!grams.has(chars.slice(i, i + GRAM))) continue
    const s = from[i]!
    const e = to[i + GRAM - 1]!
    if (start >= 0 && s <= end) {
      end = Math.max(end, e)
      continue
    }
    if (start >= 0) {
      out += text.slice(copied, start) + REDACTED
      copied = end
    }
    start = s
    end = e
  }
  if (start < 0) return text
  return out + text.slice(copied, start) + REDACTED + text.slice(end)
}

/** Matches `needle` in any letter case (escaped: the needle is data, not a pattern). */
const patternOf = (needle: string): RegExp => new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi")

/**
 * Scrubs `text`; `extra` are per-request secrets (the signature). The result is cut to `limit`
 * characters (default 300); only the first 8 KiB of a text are read, whatever the limit.
 */
export type Scrub = (text: string, extra?: string, limit?: number) => string

/**
 * A scrubber for the given secrets (every non-empty one, however short: over-redacting is harmless,
 * a leak is not).
 */
export const make = (secrets: ReadonlyArray<string>): Scrub => {
  // Longest first, so a secret that contains another is removed whole.
  const known = secrets
    .filter((s) => s !== "")
    .sort((a, b) => b.length - a.length)
    .map((secret) => ({ length: secret.length, pattern: patternOf(secret) }))
  // Nothing shorter than every needle or piece can hold one (a PEM marker is 10+ characters).
  const shortest = Math.min(GRAM, ...known.map((k) => k.length))
  // The pieces of the known secrets, each alone and all joined (an RSA key's lines run on).
  const secretGrams = new Set<string>()
  for (const secret of secrets) addGrams(secret, secretGrams)
  addGrams(secrets.join(""), secretGrams)
  // A hex secret's pieces are also looked for among the text's hex digits alone.
  const secretHexGrams = new Set<string>()
  for (const secret of secrets) if (HEX.test(secret)) addGrams(secret, secretHexGrams)
  const secretNeedles: Needles = { gram: GRAM, grams: secretGrams, hexGrams: secretHexGrams }
  // The pieces of the last request's signature (the same signature is scrubbed several times).
  let lastExtra: string | undefined
  let lastNeedles = secretNeedles
  const needlesWith = (extra: string | undefined): Needles => {
    if (extra === undefined || extra === "") return secretNeedles
    if (extra !== lastExtra) {
      const grams = new Set(secretGrams)
      const hexGrams = new Set(secretHexGrams)
      for (const spelling of [extra, otherSpelling(extra)]) {
        if (spelling === undefined) continue
        addGrams(spelling, grams)
        if (HEX.test(spelling)) addGrams(spelling, hexGrams)
      }
      lastExtra = extra
      lastNeedles = { gram: GRAM, grams, hexGrams }
    }
    return lastNeedles
  }
  return (text, extra, limit = MAX_TEXT) => {
    if (text.length < shortest && !CONTROL_TEST.test(text)) return text
    let out = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text
    out = out.replace(PEM, REDACTED)
    if (extra !== undefined && extra !== "" && out.length >= extra.length) out = out.replace(patternOf(extra), REDACTED)
    for (const { length, pattern } of known) if (out.length >= length) out = out.replace(pattern, REDACTED)
    const needles = needlesWith(extra)
    out = removeGrams(out, needles.grams)
    out = out.replace(HEX_RUN, REDACTED).replace(BASE64_RUN, REDACTED)
    // What is left holds no piece as written; one found only once decoded cannot be pointed at.
    if (holdsEncoded(out, needles)) return ENCODED
    out = out.replace(CONTROL, " ")
    return out.length > limit ? `${out.slice(0, limit - 3)}...` : out
  }
}

/** The secret parts of an RSA PEM: each base64 line of its body (the markers are not secret). */
export const pemLines = (pem: string): ReadonlyArray<string> =>
  pem
    .split(/\r?\n|\\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith("-----"))
