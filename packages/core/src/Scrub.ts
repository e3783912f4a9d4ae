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
  return (text, signature) => {
    let out = text.length > 8192 ? text.slice(0, 8192) : text
    out = out.replace(PEM, REDACTED)
    if (signature !== undefined && signature !== "") out = out.replace(new RegExp(escape(signature), "gi"), REDACTED)
    if (pattern !== undefined) out = out.replace(pattern, REDACTED)
    out = out.replace(SHAPED, REDACTED).replace(CONTROL, " ")
    return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT - 3)}...` : out
  }
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
