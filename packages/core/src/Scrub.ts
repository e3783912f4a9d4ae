/**
 * The one scrubber for server text before it enters an error, a log line or a span. It stops echoes
 * of what the client sent: the request's signature (any case), the known secrets, PEM blocks and
 * signature-shaped runs (64+ hex digits, 256+ base64 characters) become `<redacted>`, control
 * characters spaces; 8 KiB are read, 300 characters kept. Encoded forms of a secret are not looked
 * for: only the exchange, which holds the secret, could produce one.
 *
 * @since 0.1.0
 */

/**
 * Scrubs a text; `signature` is the request's own.
 *
 * @since 0.1.0
 * @category models
 */
export type Scrubber = (text: string, signature?: string) => string

const MAX_TEXT = 300
const MAX_READ = 8192
const REDACTED = "<redacted>"
const PEM = /-----BEGIN[^-]{0,64}-----[\s\S]*?(?:-----END[^-]{0,64}-----|$)/gi
const SHAPED = /[0-9a-f]{64,}|[A-Za-z0-9+/]{256,}={0,2}/gi
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
/** The characters of a secret, a PEM line or a signature. */
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
    // `search` ignores the global flag's `lastIndex`, so CONTROL serves as a test too.
    if (text.length < shortest && text.search(CONTROL) < 0) return text
    let out = text.slice(0, MAX_READ).replace(PEM, REDACTED)
    if (signature !== undefined && signature !== "") out = replaceAnyCase(out, signature)
    if (pattern !== undefined) out = out.replace(pattern, REDACTED)
    out = out.replace(SHAPED, REDACTED)
    if (text.length > MAX_READ) {
      // A secret or signature cut in two by the 8 KiB cut would not be recognised: drop its remnant.
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
  // Lower-casing can change the length ("İ" becomes two characters): indexes into `lower` are then
  // not indexes into `text`.
  if (lower.length !== text.length) return text.replace(new RegExp(escape(needle), "gi"), REDACTED)
  let out = ""
  let from = 0
  for (let at = lower.indexOf(target); at >= 0; at = lower.indexOf(target, from)) {
    out += text.slice(from, at) + REDACTED
    from = at + target.length
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
