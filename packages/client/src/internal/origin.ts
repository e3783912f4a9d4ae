/**
 * Where an answer came from. The client never follows a redirect itself, but a caller's own
 * `HttpClient` wrapper (Effect's `HttpClient.followRedirects`) may have done so before the client
 * sees the answer: an answer whose request went to another origin than the configured base URL's
 * is refused, never taken as the exchange's.
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

/**
 * The origin the answer's request went to when it is not `baseOrigin` (`"unknown"` when that URL
 * cannot be read), `undefined` when it is the configured one.
 */
export const foreignOrigin = (requestUrl: string, baseUrl: string, baseOrigin: string): string | undefined => {
  const origin = originOf(requestUrl, baseUrl)
  return origin === baseOrigin ? undefined : (origin ?? "unknown")
}
