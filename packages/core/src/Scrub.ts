/**
 * The one scrubber for server text (`retMsg`, transport details) before it enters an error, a log
 * line or a span: the request's signature (in any letter case), the known secrets (the HMAC secret,
 * each line of an RSA key), any PEM block, and runs shaped like a signature (64+ hex digits, 256+
 * base64 characters) are replaced; control characters become spaces; the text is cut to 300
 * characters. Only the first 8 KiB are read.
 *
 * It stops echoes of what the client sent. It does not look for encoded forms of a secret: only the
 * exchange, which already holds the secret, could produce one.
 *
 * @since 0.1.0
 */

/**
 * The most characters of server text an error keeps.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_TEXT = 300

/**
 * Scrubs a text; `signature` is the request's own (per request).
 *
 * @since 0.1.0
 * @category models
 */
export type Scrubber = (text: string, signature?: string) => string

const REDACTED = "<redacted>"
const PEM = /-----BEGIN[^-]{0,64}-----[\s\S]*?(?:-----END[^-]{0,64}-----|$)/gi
const SHAPED = /[0-9a-f]{64,}|[A-Za-z0-9+/]{256,}={0,2}/gi
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, without the global flag (for `test`)
const CONTROL_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** The characters of a secret (letters, digits, `_`, `-`), a PEM line or a signature (base64, hex). */
const TOKEN = /[A-Za-z0-9+/=_-]/

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A scrubber for the given secrets (every non-empty one).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (secrets: ReadonlyArray<string>): Scrubber => {
  const known = secrets.filter((s) => s !== "").sort((a, b) => b.length - a.length)
  const pattern = known.length === 0 ? undefined : new RegExp(known.map(escape).join("|"), "gi")
  // Nothing shorter than every needle can hold one (a PEM marker is 10 characters, a shaped run 64).
  const shortest = Math.min(10, ...known.map((k) => k.length))
  return (text, signature) => {
    // Most server text ("success", "OK") is short and plain: nothing to look for.
    if (text.length < shortest && !CONTROL_TEST.test(text)) return text
    let out = text.length > 8192 ? text.slice(0, 8192) : text
    out = out.replace(PEM, REDACTED)
    if (signature !== undefined && signature !== "" && out.length >= signature.length) {
      out = replaceAnyCase(out, signature)
    }
    if (pattern !== undefined) out = out.replace(pattern, REDACTED)
    out = out.replace(SHAPED, REDACTED)
    // A secret or signature cut in two by the 8 KiB cut is not recognised: the run of the
    // characters they are made of that ends the text goes with what lay beyond the cut.
    if (text.length > 8192) {
      let end = out.length
      while (end > 0 && TOKEN.test(out[end - 1]!)) end--
      out = out.slice(0, end)
    }
    out = out.replace(CONTROL, " ")
    return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT - 3)}...` : out
  }
}

/** Every occurrence of `needle` in `text`, in any letter case, replaced (no RegExp per request). */
const replaceAnyCase = (text: string, needle: string): string => {
  const lower = text.toLowerCase()
  const target = needle.toLowerCase()
  let at = lower.indexOf(target)
  if (at < 0) return text
  let out = ""
  let from = 0
  while (at >= 0) {
    out += text.slice(from, at) + REDACTED
    from = at + target.length
    at = lower.indexOf(target, from)
  }
  return out + text.slice(from)
}

/**
 * The secret parts of an RSA PEM: each base64 line of its body (the markers are not secret).
 *
 * @since 0.1.0
 * @category constructors
 */
export const pemLines = (pem: string): ReadonlyArray<string> =>
  pem
    .split(/\r?\n|\\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith("-----"))
