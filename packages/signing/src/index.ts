/**
 * `@effect-bybit/signing`: pure request signing in Bybit's V5 scheme. No clock, no I/O, no
 * dependencies beyond `node:crypto`.
 *
 * @since 0.1.0
 */
export { InvalidKeyError } from "./InvalidKeyError.js"
export {
  type AuthHeaders,
  type QueryParams,
  type SignedGet,
  type SignedPost,
  type SignGetInput,
  type SignPostInput,
  type SignRequestBase,
  serializeQuery,
  signRequest
} from "./Request.js"
export {
  type SignaturePayloadInput,
  signaturePayload,
  signHmacSha256,
  signRsaSha256,
  verifyHmacSha256,
  verifyRsaSha256
} from "./Signature.js"
export {
  type Algorithm,
  hmacSigner,
  hmacVerifier,
  rsaSigner,
  rsaVerifier,
  type Signer,
  type Verifier
} from "./Signer.js"
