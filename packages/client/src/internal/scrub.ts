/**
 * The one scrubber for every string that comes back from the server (or the transport) and enters an
 * error, a log line or a span: `retMsg`, `detail`, decoding failures.
 *
 * It removes, in any letter case: the signature of the request (and any run of 64+ hex digits, the
 * shape of every HMAC-SHA256 signature, or 256+ base64 characters, the shape of an RSA signature),
 * the known secrets (the HMAC secret, each line of an RSA key) and any PEM block. Then it makes the
 * text one line and cuts it to `MAX_TEXT` characters.
 */

/** The most characters of server text any error keeps. */
export const MAX_TEXT = 300

const REDACTED = "<redacted>"
const PEM = /-----BEGIN[^-]{0,64}-----[\s\S]*?(?:-----END[^-]{0,64}-----|$)/gi
const HEX_RUN = /[0-9a-f]{64,}/gi
const BASE64_RUN = /[A-Za-z0-9+/]{256,}={0,2}/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, without the global flag (for `test`)
const CONTROL_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Matches `needle` in any letter case (escaped: the needle is data, not a pattern). */
const patternOf = (needle: string): RegExp => new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi")

/** Scrubs `text`; `extra` are per-request secrets (the signature). */
export type Scrub = (text: string, extra?: string) => string

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
  // Nothing shorter than every needle can hold one (a PEM marker is 10+, a signature 64+ characters).
  const shortest = Math.min(10, ...known.map((k) => k.length))
  return (text, extra) => {
    if (text.length < shortest && !CONTROL_TEST.test(text)) return text
    let out = text.replace(PEM, REDACTED)
    if (extra !== undefined && extra !== "" && out.length >= extra.length) out = out.replace(patternOf(extra), REDACTED)
    for (const { length, pattern } of known) if (out.length >= length) out = out.replace(pattern, REDACTED)
    out = out.replace(HEX_RUN, REDACTED).replace(BASE64_RUN, REDACTED).replace(CONTROL, " ")
    return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT - 3)}...` : out
  }
}

/** The secret parts of an RSA PEM: each base64 line of its body (the markers are not secret). */
export const pemLines = (pem: string): ReadonlyArray<string> =>
  pem
    .split(/\r?\n|\\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith("-----"))
