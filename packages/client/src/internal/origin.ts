/**
 * The origin (`scheme://host:port`) of an address a server named: a redirect's `Location`, or where
 * a wrapper of the caller's re-sent the request. Errors name that origin only, never its path or
 * query, which the server chose and could fill with what it was sent.
 */

/** The origin of `url` (resolved against `base`), or `undefined` when it cannot be read. */
export const originOf = (url: string, base: string): string | undefined => {
  try {
    const origin = new URL(url, base).origin
    return origin === "null" ? undefined : origin
  } catch {
    return undefined
  }
}
