/**
 * The error thrown when a signing or verifying key is unusable.
 *
 * @since 0.1.0
 */

/**
 * A key that cannot be used: an empty secret, a PEM that does not parse, a key that is not RSA.
 * The message says what is wrong and never quotes the key.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidKeyError extends Error {
  /**
   * Always `"InvalidKeyError"`, so the error is told apart by name after a `catch`.
   *
   * @since 0.1.0
   */
  override readonly name = "InvalidKeyError"
}
